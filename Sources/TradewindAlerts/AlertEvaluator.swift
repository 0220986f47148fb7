public import TradewindCore

/// What changed when the rules were evaluated against a set of samples.
public enum AlertTransition: Sendable, Equatable {
    /// The condition began (or, for a crossing, happened) and the alert is not in cool-down.
    case fired(rule: AlertRule, subject: String, value: Double)
    /// A crossing rule crossed again while its alert was still open: one alert, one more occurrence.
    case repeated(rule: AlertRule, subject: String, value: Double)
    /// A level rule's condition cleared.
    case cleared(rule: AlertRule, subject: String, value: Double)
}

/// Evaluates alert rules over successive samples; pure, so time and values come in as arguments.
///
/// A level rule fires once when its condition has held for the rule's duration and stays firing
/// (a burst of breaches is one alert) until the condition clears; it cannot fire again for that
/// rule and subject within the cool-down after it fired. A crossing rule fires when consecutive
/// samples straddle the threshold; later crossings while its alert is open count as repeats.
public struct AlertEvaluator: Sendable {
    public private(set) var rules: [AlertRule]
    private struct Instance {
        var breachingSince: Timestamp?
        var firing = false
        var lastFired: Timestamp?
        var lastValue: Double?
    }
    private var instances: [String: Instance] = [:]

    public init(rules: [AlertRule]) {
        self.rules = rules
    }

    static func key(_ rule: String, _ subject: String) -> String { rule + "\u{1F}" + subject }

    /// Replaces the rules (a configuration reload); what is known about unchanged rules is kept.
    public mutating func replaceRules(_ new: [AlertRule]) {
        let kept = Set(new.filter { rule in rules.contains(rule) }.map(\.name))
        instances = instances.filter { kept.contains(String($0.key.split(separator: "\u{1F}", maxSplits: 1)[0])) }
        rules = new
    }

    /// Marks an alert open at start-up (from storage), so a restart does not fire it again.
    public mutating func restore(rule: String, subject: String, firedAt: Timestamp, open: Bool) {
        var instance = instances[Self.key(rule, subject)] ?? Instance()
        instance.firing = open
        instance.lastFired = max(instance.lastFired ?? firedAt, firedAt)
        if open { instance.breachingSince = firedAt }
        instances[Self.key(rule, subject)] = instance
    }

    /// An operator resolved the alert: a crossing rule may fire again on the next crossing.
    public mutating func resolved(rule: String, subject: String) {
        instances[Self.key(rule, subject)]?.firing = false
    }

    public mutating func evaluate(_ samples: [MetricSample], now: Timestamp) -> [AlertTransition] {
        var transitions: [AlertTransition] = []
        for rule in rules {
            for sample in samples where sample.metric == rule.metric && (rule.subject == nil || rule.subject == sample.subject) {
                guard sample.value.isFinite else { continue }
                let key = Self.key(rule.name, sample.subject)
                var instance = instances[key] ?? Instance()
                defer {
                    instance.lastValue = sample.value
                    instances[key] = instance
                }
                let coolingDown = instance.lastFired.map { now < $0 + rule.cooldown } ?? false
                if rule.comparison.isCrossing {
                    guard let previous = instance.lastValue, rule.crossed(from: previous, to: sample.value) else { continue }
                    if instance.firing {
                        transitions.append(.repeated(rule: rule, subject: sample.subject, value: sample.value))
                    } else if !coolingDown {
                        instance.firing = true
                        instance.lastFired = now
                        transitions.append(.fired(rule: rule, subject: sample.subject, value: sample.value))
                    }
                    continue
                }
                if rule.breaches(sample.value) {
                    let since = instance.breachingSince ?? now
                    instance.breachingSince = since
                    if !instance.firing && !coolingDown && now - since >= rule.duration {
                        instance.firing = true
                        instance.lastFired = now
                        transitions.append(.fired(rule: rule, subject: sample.subject, value: sample.value))
                    }
                } else {
                    instance.breachingSince = nil
                    if instance.firing {
                        instance.firing = false
                        transitions.append(.cleared(rule: rule, subject: sample.subject, value: sample.value))
                    }
                }
            }
        }
        return transitions
    }
}

/// Which channels hear what: a list per severity, and for critical alerts an escalation chain —
/// an alert nobody acknowledged within `escalateAfter` goes to the next channel of the chain.
public struct AlertRouting: Sendable, Equatable {
    public var routes: [Severity: [String]]
    public var escalation: [String]
    public var escalateAfter: TimeSpan

    public init(routes: [Severity: [String]], escalation: [String] = [], escalateAfter: TimeSpan = .minutes(10)) {
        self.routes = routes
        self.escalation = escalation
        self.escalateAfter = escalateAfter
    }

    public func channels(for severity: Severity) -> [String] { routes[severity] ?? [] }

    /// The channel a still-unacknowledged critical alert goes to now, or `nil` when it is not yet
    /// time or the chain is spent. `level` is how many escalations already happened.
    public func escalation(level: Int, lastNotified: Timestamp, now: Timestamp) -> String? {
        guard level < escalation.count, now >= lastNotified + escalateAfter else { return nil }
        return escalation[level]
    }
}
