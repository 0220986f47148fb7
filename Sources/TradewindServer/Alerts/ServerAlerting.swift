import Foundation
import ServiceLifecycle
import Synchronization
public import TradewindAlerts
import TradewindConfiguration
public import TradewindCore
public import TradewindLive
public import TradewindNotifications
import TradewindStorage

/// The metrics alert rules read, sampled from what the server already keeps: each bot's ledger
/// (from the journal tail), the running bots' latencies, and the venues' health.
public struct ServerMetricSource: MetricSource {
    let tail: JournalTail
    let supervisor: BotSupervisor
    let venues: VenueHealth

    public init(tail: JournalTail, supervisor: BotSupervisor, venues: VenueHealth = .shared) {
        self.tail = tail
        self.supervisor = supervisor
        self.venues = venues
    }

    public func samples(now: Timestamp) async -> [MetricSample] {
        var samples: [MetricSample] = []
        let running = supervisor.snapshot.withLock { $0.running }
        var prices: [String: Double] = [:]
        for entry in tail.all() where entry.ledger.hasStarted {
            let name = entry.record.name
            let ledger = entry.ledger
            let equity = ledger.equity
            samples.append(MetricSample(metric: "equity", subject: name, value: equity.doubleValue))
            if let peak = ledger.peakEquity, peak > .zero {
                samples.append(MetricSample(metric: "drawdown", subject: name, value: max(0, (peak - equity).doubleValue / peak.doubleValue * 100)))
            }
            samples.append(MetricSample(metric: "daily_pnl", subject: name, value: (equity - ledger.equityAtStartOfDay(containing: now)).doubleValue))
            samples.append(MetricSample(metric: "rejections", subject: name, value: Double(ledger.rejectedOrders)))
            for (instrument, price) in ledger.lastPrices { prices[instrument.symbol] = price.doubleValue }
            guard running.contains(name) else { continue }
            if let last = entry.lastBarAt {
                samples.append(MetricSample(metric: "bar_age_minutes", subject: name, value: Double((now - last).nanoseconds) / 60e9))
            }
            if let p99 = await supervisor.latencyP99(name) {
                samples.append(MetricSample(metric: "latency_p99_ms", subject: name, value: p99))
            }
        }
        for (symbol, price) in prices.sorted(by: { $0.key < $1.key }) { samples.append(MetricSample(metric: "price", subject: symbol, value: price)) }
        return samples + venues.samples(now: now)
    }
}

/// What the Telegram commands do on this server: reports from the journal tail, start and stop
/// through the supervisor (as the system, so every bot is reachable from the operators' chat).
public struct ServerBotControl: BotControl {
    let tail: JournalTail
    let supervisor: BotSupervisor

    public init(tail: JournalTail, supervisor: BotSupervisor) {
        self.tail = tail
        self.supervisor = supervisor
    }

    public func statusReport() async -> String {
        let entries = tail.all()
        guard !entries.isEmpty else { return "No bots." }
        let running = supervisor.snapshot.withLock { $0.running }
        return entries.map { entry in
            let state = running.contains(entry.record.name) ? entry.ledger.tradingState : entry.record.state
            return "\(entry.record.name): \(state), equity \(entry.ledger.equity), PnL \(entry.ledger.pnl)"
        }.joined(separator: "\n")
    }

    public func balanceReport() async -> String {
        let entries = tail.all().filter(\.ledger.hasStarted)
        guard !entries.isEmpty else { return "No bot has traded yet." }
        var lines = entries.map { "\($0.record.name): cash \($0.ledger.cash), equity \($0.ledger.equity)" }
        let total = entries.reduce(Money.zero) { $0 + $1.ledger.equity }
        lines.append("Total equity: \(total)")
        return lines.joined(separator: "\n")
    }

    public func positionsReport() async -> String {
        var lines: [String] = []
        for entry in tail.all() {
            for position in entry.ledger.positions where !position.quantity.isZero {
                lines.append("\(entry.record.name): \(position.instrument.symbol) \(position.quantity) @ \(position.lastPrice.map { "\($0)" } ?? "?")"
                             + " = \(position.marketValue)")
            }
        }
        return lines.isEmpty ? "No open positions." : lines.joined(separator: "\n")
    }

    public func stop(bot: String) async -> String {
        do {
            try await supervisor.stop(bot)
            return "Stopped \(bot)."
        } catch {
            return "Cannot stop \(bot): \(Self.reason(error))"
        }
    }

    public func start(bot: String) async -> String {
        do {
            try await supervisor.start(bot)
            return "Started \(bot)."
        } catch {
            return "Cannot start \(bot): \(Self.reason(error))"
        }
    }

    static func reason(_ error: any Error) -> String {
        (error as? APIError)?.message ?? "\(error)"
    }
}

/// Applies reloaded alert rules and routes to the running monitor and delivery service.
struct AlertSettingsFollower: Service {
    let center: ConfigurationCenter
    let monitor: AlertMonitor
    let delivery: DeliveryService

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await loaded in center.updates() {
                let alerts = loaded.configuration.alerts
                monitor.update(rules: alerts.rules, routing: alerts.routing)
                delivery.update(routing: alerts.routing)
            }
        }
    }
}
