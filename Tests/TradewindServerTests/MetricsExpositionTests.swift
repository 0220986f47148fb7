import NIOCore
import Prometheus
import Testing
@testable import TradewindServer

@Suite("/metrics rendering window")
struct MetricsExpositionTests {
    @Test("scrapes within the window share one rendering; after it, the page shows what changed")
    func sharesWithinTheWindow() async throws {
        let registry = PrometheusCollectorRegistry()
        let counter = registry.makeCounter(descriptor: MetricNameDescriptor(metricName: "probe", unitName: "total", helpText: "a test counter"))
        let shared = MetricsExposition(registry: registry, maxAge: .seconds(3600))
        let first = String(buffer: shared.current())
        #expect(first.contains("probe_total 0"))
        counter.increment()
        #expect(String(buffer: shared.current()) == first)

        let fresh = MetricsExposition(registry: registry, maxAge: .zero)
        #expect(String(buffer: fresh.current()).contains("probe_total 1"))
        counter.increment()
        #expect(String(buffer: fresh.current()).contains("probe_total 2"))
    }
}
