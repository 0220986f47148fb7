import Foundation
import Logging
import Synchronization
import Testing
import TradewindAlerts
import TradewindCore
import TradewindNotifications
import TradewindStorage

final class ScriptedMetrics: MetricSource {
    let values = Mutex<[MetricSample]>([])
    func set(_ samples: [MetricSample]) { values.withLock { $0 = samples } }
    func samples(now: Timestamp) async -> [MetricSample] { values.withLock { $0 } }
}

final class ManualTime: Sendable {
    let value = Mutex(Timestamp(nanosecondsSinceEpoch: 1_800_000_000_000_000_000))
    var now: Timestamp { value.withLock { $0 } }
    func advance(_ span: TimeSpan) { value.withLock { $0 = $0 + span } }
}

@Suite("Alert monitor: alerts opened, aggregated, resolved, escalated and kept across restarts")
struct AlertMonitorTests {
    @Test("a breach opens one alert and one notice; repeats are counted; clearing resolves it and says so")
    func lifecycle() async throws {
        let store = try await temporaryStore()
        let metrics = ScriptedMetrics(), time = ManualTime(), queue = NoticeQueue(capacity: 100)
        let seen = Mutex<[String]>([])
        let rules = [try AlertRule(parsing: "deep-drawdown: drawdown > 5 severity critical cooldown 1h"),
                     try AlertRule(parsing: "btc-100k: price(BTCUSDT) crosses 100000 severity info")]
        let monitor = AlertMonitor(rules: rules, routing: AlertRouting(routes: [.critical: ["telegram"], .info: ["webhook"]]),
                                   source: metrics, store: store, sink: queue, logger: Logger(label: "test"), now: { time.now },
                                   observer: { alert in seen.withLock { $0.append("\(alert.rule) \(alert.state.rawValue) ×\(alert.occurrences)") } })
        metrics.set([MetricSample(metric: "drawdown", subject: "bot-a", value: 2), MetricSample(metric: "price", subject: "BTCUSDT", value: 99_000)])
        await monitor.evaluate()
        #expect(try await store.alerts(states: [], limit: 10).isEmpty && queue.count == 0)

        time.advance(.seconds(5))
        metrics.set([MetricSample(metric: "drawdown", subject: "bot-a", value: 6.5), MetricSample(metric: "price", subject: "BTCUSDT", value: 100_500)])
        await monitor.evaluate()
        let open = try await store.alerts(states: [.firing], limit: 10)
        #expect(open.map(\.rule).sorted() == ["btc-100k", "deep-drawdown"])
        let drawdown = try #require(open.first { $0.rule == "deep-drawdown" })
        #expect(drawdown.subject == "bot-a" && drawdown.severity == "critical" && drawdown.message == "deep-drawdown: bot-a drawdown 6.5 > 5")
        let notices = queue.drain()
        #expect(notices.count == 2)
        let critical = try #require(notices.first { $0.severity == .critical })
        #expect(critical.alertID == drawdown.id && critical.category == "alert" && critical.body.contains("tradewind alerts ack \(drawdown.id)"))

        // Still breaching: the same alert; the price crosses back: one more occurrence, no new notice.
        time.advance(.seconds(5))
        metrics.set([MetricSample(metric: "drawdown", subject: "bot-a", value: 8), MetricSample(metric: "price", subject: "BTCUSDT", value: 99_900)])
        await monitor.evaluate()
        #expect(queue.count == 0)
        #expect(try await store.alerts(states: [.firing], limit: 10).first { $0.rule == "btc-100k" }?.occurrences == 2)

        // Drawdown recovers: the alert resolves itself and the critical route hears it, as info.
        time.advance(.seconds(5))
        metrics.set([MetricSample(metric: "drawdown", subject: "bot-a", value: 1), MetricSample(metric: "price", subject: "BTCUSDT", value: 99_900)])
        await monitor.evaluate()
        let resolved = try #require(try await store.alert(id: drawdown.id))
        #expect(resolved.state == .resolved && resolved.resolvedBy == "condition cleared")
        let clearing = queue.drain()
        #expect(clearing.count == 1 && clearing[0].severity == .info && clearing[0].channels == ["telegram"] && clearing[0].title.hasPrefix("Resolved: deep-drawdown"))
        #expect(seen.withLock { $0 }.contains("deep-drawdown resolved ×1") && seen.withLock { $0 }.contains("btc-100k firing ×2"))
        await store.close()
    }

    @Test("an unacknowledged critical alert escalates along the chain; acknowledging stops it; a restart does not re-fire")
    func escalation() async throws {
        let store = try await temporaryStore()
        let metrics = ScriptedMetrics(), time = ManualTime(), queue = NoticeQueue(capacity: 100)
        let rules = [try AlertRule(parsing: "venue-down: venue_disconnected_seconds > 30 severity critical")]
        let routing = AlertRouting(routes: [.critical: ["telegram"]], escalation: ["email", "webhook"], escalateAfter: .minutes(10))
        func monitor() -> AlertMonitor {
            AlertMonitor(rules: rules, routing: routing, source: metrics, store: store, sink: queue, logger: Logger(label: "test"), now: { time.now })
        }
        let first = monitor()
        metrics.set([MetricSample(metric: "venue_disconnected_seconds", subject: "binance", value: 45)])
        await first.evaluate()
        #expect(queue.drain().map(\.channels) == [nil])     // the severity's route
        time.advance(.minutes(9))
        await first.evaluate()
        #expect(queue.count == 0)
        time.advance(.minutes(1))
        await first.evaluate()
        let escalated = queue.drain()
        #expect(escalated.count == 1 && escalated[0].channels == ["email"] && escalated[0].title.hasPrefix("Unacknowledged for 10 min"))

        // A restart: the open alert is known, nothing fires again, escalation continues where it was.
        let second = monitor()
        time.advance(.minutes(10))
        await second.evaluate()
        #expect(queue.drain().map(\.channels) == [["webhook"]])
        #expect(try await store.alerts(states: [], limit: 10).count == 1)

        // Acknowledged: no more escalation (the chain is spent anyway) and the alert stays open while the venue is down.
        let alert = try #require(try await store.alerts(states: [.firing], limit: 1).first)
        #expect(alert.escalationLevel == 2)
        _ = try await store.acknowledgeAlert(id: alert.id, by: "alice", now: time.now)
        time.advance(.hours(1))
        await second.evaluate()
        #expect(queue.count == 0)
        // An operator resolves it; the venue is still down, and after the cool-down a new alert opens.
        _ = try await store.resolveAlert(id: alert.id, by: "alice", now: time.now)
        await second.evaluate()
        #expect(try await store.alerts(states: [.firing], limit: 10).count == 1)
        await store.close()
    }
}
