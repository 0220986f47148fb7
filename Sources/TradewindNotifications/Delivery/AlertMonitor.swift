public import Logging
public import ServiceLifecycle
import Synchronization
public import TradewindAlerts
public import TradewindCore
public import TradewindStorage

/// Where the alert monitor reads the current value of each metric.
public protocol MetricSource: Sendable {
    func samples(now: Timestamp) async -> [MetricSample]
}

/// Evaluates the alert rules on a schedule and keeps the `alerts` table: an alert opens when its
/// rule fires, counts repeats while open, resolves itself when its condition clears (or when an
/// operator resolves it), and — if critical and nobody acknowledged it — escalates along the
/// routing's chain.
public final class AlertMonitor: Service, Sendable {
    let evaluator: Mutex<AlertEvaluator>
    let routing: Mutex<AlertRouting>
    let source: any MetricSource
    let store: any AlertRepository
    let sink: any NoticeSink
    let interval: Duration
    let logger: Logger
    let now: @Sendable () -> Timestamp
    /// Called with each alert as it opens, repeats, escalates or resolves (the live stream).
    let observer: @Sendable (AlertRecord) -> Void
    /// Open alerts by rule and subject.
    private let open = Mutex<[String: Int64]>([:])
    private let restored = Atomic<Bool>(false)

    public init(rules: [AlertRule], routing: AlertRouting, source: any MetricSource, store: any AlertRepository, sink: any NoticeSink,
                interval: Duration = .seconds(5), logger: Logger, now: @escaping @Sendable () -> Timestamp = WallClock.now,
                observer: @escaping @Sendable (AlertRecord) -> Void = { _ in }) {
        evaluator = Mutex(AlertEvaluator(rules: rules))
        self.routing = Mutex(routing)
        self.source = source
        self.store = store
        self.sink = sink
        self.interval = interval
        self.logger = logger
        self.now = now
        self.observer = observer
    }

    /// New rules and routes after a configuration reload.
    public func update(rules: [AlertRule], routing new: AlertRouting) {
        evaluator.withLock { $0.replaceRules(rules) }
        routing.withLock { $0 = new }
    }

    public var rules: [AlertRule] { evaluator.withLock { $0.rules } }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await evaluate()
            try? await Task.sleep(for: interval)
        }
    }

    static func key(_ rule: String, _ subject: String) -> String { rule + "\u{1F}" + subject }

    /// One round: samples, transitions, records, notices, escalations.
    public func evaluate() async {
        let time = now()
        do {
            let current = try await store.alerts(states: [.firing, .acknowledged], limit: 10_000)
            if !restored.exchange(true, ordering: .acquiringAndReleasing) {
                evaluator.withLock { evaluator in
                    for alert in current { evaluator.restore(rule: alert.rule, subject: alert.subject, firedAt: alert.firedAt, open: true) }
                }
            }
            // Alerts an operator resolved since the last round.
            let stillOpen = Dictionary(current.map { (Self.key($0.rule, $0.subject), $0.id) }, uniquingKeysWith: max)
            let gone = open.withLock { known in
                defer { known = stillOpen }
                return known.keys.filter { stillOpen[$0] == nil }
            }
            evaluator.withLock { evaluator in
                for key in gone {
                    let parts = key.split(separator: "\u{1F}", maxSplits: 1).map(String.init)
                    evaluator.resolved(rule: parts[0], subject: parts.count > 1 ? parts[1] : "")
                }
            }

            let samples = await source.samples(now: time)
            let transitions = evaluator.withLock { $0.evaluate(samples, now: time) }
            let routes = routing.withLock { $0 }
            for transition in transitions {
                switch transition {
                case .fired(let rule, let subject, let value):
                    let message = "\(rule.name): \(subject) \(rule.explain(value))"
                    let alert = try await store.openAlert(rule: rule.name, subject: subject, severity: rule.severity.rawValue,
                                                          definition: rule.description, message: message, value: value, now: time)
                    open.withLock { $0[Self.key(rule.name, subject)] = alert.id }
                    sink.offer(Notice(severity: rule.severity, category: "alert", subject: "\(rule.name) \(subject)",
                                      title: message, body: "Rule: \(rule)\nAcknowledge: tradewind alerts ack \(alert.id)",
                                      time: time, alertID: alert.id))
                    try await store.markAlertNotified(id: alert.id, escalationLevel: 0, now: time)
                    observer(alert)
                case .repeated(let rule, let subject, let value):
                    guard let id = open.withLock({ $0[Self.key(rule.name, subject)] }) else { continue }
                    try await store.recordAlertOccurrence(id: id, value: value, now: time)
                    if let alert = try await store.alert(id: id) { observer(alert) }
                case .cleared(let rule, let subject, let value):
                    guard let id = open.withLock({ $0.removeValue(forKey: Self.key(rule.name, subject)) }) else { continue }
                    let alert = try await store.resolveAlert(id: id, by: "condition cleared", now: time)
                    sink.offer(Notice(severity: .info, category: "alert", subject: "\(rule.name) \(subject)",
                                      title: "Resolved: \(rule.name) on \(subject) (\(rule.metric) now \(AlertRule.format(value)))",
                                      time: time, alertID: id, channels: routes.channels(for: rule.severity)))
                    observer(alert)
                }
            }

            // Critical alerts nobody acknowledged go to the next channel of the chain.
            for alert in current where alert.state == .firing && alert.severity == Severity.critical.rawValue {
                guard open.withLock({ $0[Self.key(alert.rule, alert.subject)] }) == alert.id,
                      let channel = routes.escalation(level: alert.escalationLevel, lastNotified: alert.lastNotifiedAt ?? alert.firedAt, now: time)
                else { continue }
                sink.offer(Notice(severity: .critical, category: "alert", subject: "\(alert.rule) \(alert.subject)",
                                  title: "Unacknowledged for \(Coalescer.describe(time - alert.firedAt)): \(alert.message)",
                                  body: "Escalated to \(channel).\nAcknowledge: tradewind alerts ack \(alert.id)",
                                  time: time, alertID: alert.id, channels: [channel]))
                try await store.markAlertNotified(id: alert.id, escalationLevel: alert.escalationLevel + 1, now: time)
                if let updated = try await store.alert(id: alert.id) { observer(updated) }
            }
        } catch {
            logger.warning("alert evaluation failed", metadata: ["error": .string("\(error)")])
        }
    }
}
