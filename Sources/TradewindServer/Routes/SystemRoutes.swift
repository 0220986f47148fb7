import Foundation
import Hummingbird
import NIOCore
import Prometheus
import Synchronization
import TradewindLive
import TradewindStorage

/// `/health/live`, `/health/ready` and `/metrics`: for orchestrators and Prometheus, no login.
struct SystemRoutes {
    let store: any Store
    let tail: JournalTail
    let supervisor: BotSupervisor
    let registry: PrometheusCollectorRegistry

    struct Health: Encodable { var status: String; var checks: [Check] }
    struct Check: Encodable { var name: String; var ok: Bool; var detail: String }

    func add(to router: Router<ServerContext>) {
        // Orchestrators poll this often; its answer never changes, so it is encoded once.
        let live = ByteBuffer(bytes: (try? JSONEncoder.stream.encode(Health(status: "live", checks: []))) ?? Data())
        router.get("health/live") { _, _ in Wire.bytes(live, contentType: Wire.jsonType) }
        router.get("health/ready") { _, _ in
            var checks: [Check] = []
            do {
                let status = try await store.schemaStatus()
                checks.append(Check(name: "database", ok: status.pending.isEmpty, detail: "schema v\(status.databaseVersion), \(status.engine)"))
            } catch {
                checks.append(Check(name: "database", ok: false, detail: "\(error)"))
            }
            checks.append(Check(name: "journal", ok: tail.hasCaughtUp, detail: tail.hasCaughtUp ? "caught up" : "catching up"))
            var failed: [String] = []
            for name in await supervisor.runningNames {
                if let status = await supervisor.status(name), status.phase == .failed { failed.append(name) }
            }
            checks.append(Check(name: "feeds", ok: failed.isEmpty, detail: failed.isEmpty ? "every running bot connected" : "failed: \(failed.joined(separator: ", "))"))
            let ready = checks.allSatisfy(\.ok)
            return try Wire.json(Health(status: ready ? "ready" : "not ready", checks: checks), status: ready ? .ok : .serviceUnavailable)
        }
        let exposition = MetricsExposition(registry: registry)
        router.get("metrics") { _, _ in Wire.bytes(exposition.current(), contentType: "text/plain; version=0.0.4; charset=utf-8") }
    }
}

/// The `/metrics` text, rendered at most once per ``maxAge``; scrapes within that window share it.
///
/// Rendering walks every metric (every route's histogram buckets included) and takes most of a
/// scrape's cost: measured here, about half of a scrape of 100 lines. A real Prometheus scrapes
/// every few seconds, so values up to ``maxAge`` old change nothing it records, while several
/// scrapers (replicas, federation, people with curl) no longer each pay for a full render.
final class MetricsExposition: Sendable {
    let maxAge: Duration
    let registry: PrometheusCollectorRegistry
    private let rendered = Mutex<(bytes: ByteBuffer, at: ContinuousClock.Instant)?>(nil)

    init(registry: PrometheusCollectorRegistry, maxAge: Duration = .milliseconds(100)) {
        self.registry = registry
        self.maxAge = maxAge
    }

    func current() -> ByteBuffer {
        let now = ContinuousClock.now
        if let cached = rendered.withLock({ $0 }), now - cached.at < maxAge { return cached.bytes }
        // Rendered outside the lock: two scrapes may both render after expiry, neither waits.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 * 1024)
        registry.emit(into: &bytes)
        let buffer = ByteBuffer(bytes: bytes)
        rendered.withLock { $0 = (buffer, now) }
        return buffer
    }
}
