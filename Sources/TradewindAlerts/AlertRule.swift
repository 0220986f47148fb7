public import TradewindCore

/// One value of one metric for one subject (a bot, a venue, an instrument), sampled now.
public struct MetricSample: Sendable, Equatable {
    public var metric: String
    public var subject: String
    public var value: Double

    public init(metric: String, subject: String, value: Double) {
        self.metric = metric
        self.subject = subject
        self.value = value
    }
}

/// A threshold on a metric, written in one line:
///
/// ```
/// NAME: METRIC[(SUBJECT)] OP THRESHOLD[%] [for DURATION] [severity info|warning|critical] [cooldown DURATION]
///
/// deep-drawdown: drawdown > 5% severity critical cooldown 30m
/// losing-day: daily_pnl(paper-goog) < -500 severity warning
/// stale-feed: bar_age_minutes > 10 for 1m
/// btc-100k: price(BTCUSDT) crosses 100000 severity info
/// breaker: circuit_open > 0 severity critical
/// ```
///
/// Without a subject the rule holds for every subject the metric is sampled for (each bot gets
/// its own alert).
public struct AlertRule: Sendable, Equatable, CustomStringConvertible {
    public enum Comparison: String, Sendable, CaseIterable {
        case above = ">", atLeast = ">=", below = "<", atMost = "<="
        case crosses = "crosses", crossesAbove = "crosses_above", crossesBelow = "crosses_below"

        public var isCrossing: Bool { self == .crosses || self == .crossesAbove || self == .crossesBelow }
    }

    /// The metrics a rule may name, with what they measure (the server samples them).
    public static let metrics: [(name: String, help: String)] = [
        ("drawdown", "percent below the bot's equity peak"),
        ("daily_pnl", "the bot's equity change since 00:00 UTC, in its account currency"),
        ("equity", "the bot's equity"),
        ("latency_p99_ms", "the bot's bar-to-order latency, 99th percentile of recent orders, in ms"),
        ("bar_age_minutes", "minutes since the bot last received a bar"),
        ("rejections", "orders the venue or the risk engine refused, since the bot started"),
        ("price", "last price of an instrument (subject: the symbol)"),
        ("circuit_open", "1 while a venue's circuit breaker is open (subject: the venue)"),
        ("venue_disconnected_seconds", "seconds a venue's stream has been down (subject: the venue)"),
    ]

    public var name: String
    public var metric: String
    public var subject: String?
    public var comparison: Comparison
    public var threshold: Double
    /// How long the condition must hold before the alert fires.
    public var duration: TimeSpan
    public var severity: Severity
    /// After an alert resolves, the same rule and subject cannot fire again for this long.
    public var cooldown: TimeSpan

    public init(name: String, metric: String, subject: String? = nil, comparison: Comparison, threshold: Double,
                duration: TimeSpan = .zero, severity: Severity = .warning, cooldown: TimeSpan = .minutes(15)) {
        self.name = name
        self.metric = metric
        self.subject = subject
        self.comparison = comparison
        self.threshold = threshold
        self.duration = duration
        self.severity = severity
        self.cooldown = cooldown
    }

    /// The rule's own line, which parses back to it.
    public var description: String {
        var text = "\(name): \(metric)\(subject.map { "(\($0))" } ?? "") \(comparison.rawValue) \(Self.format(threshold))"
        if duration > .zero { text += " for \(duration)" }
        text += " severity \(severity.rawValue) cooldown \(cooldown)"
        return text
    }

    /// The condition in words, for a notice: `drawdown 6.2 > 5`.
    public func explain(_ value: Double) -> String {
        "\(metric) \(Self.format(value)) \(comparison.rawValue.split(separator: "_").joined(separator: " ")) \(Self.format(threshold))"
    }

    /// A threshold or a value as a rule writes it: `5`, `-500`, `0.25`.
    public static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }

    /// Parses one rule line; the error says which part is wrong.
    public init(parsing line: String) throws(AlertRuleError) {
        let text = Self.trimmed(line)
        guard let colon = text.firstIndex(of: ":") else { throw AlertRuleError(rule: line, reason: "expected 'NAME: METRIC OP VALUE'") }
        let name = Self.trimmed(text[..<colon])
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw AlertRuleError(rule: line, reason: "a rule name is letters, digits, '-' and '_'")
        }
        var words = text[text.index(after: colon)...].split(separator: " ").map(String.init)
        func fail(_ reason: String) -> AlertRuleError { AlertRuleError(rule: line, reason: reason) }
        guard words.count >= 3 else { throw fail("expected 'METRIC OP VALUE' after the name") }

        var metric = words.removeFirst()
        var subject: String?
        if let open = metric.firstIndex(of: "(") {
            guard metric.hasSuffix(")") else { throw fail("a subject is written metric(SUBJECT)") }
            subject = String(metric[metric.index(after: open)..<metric.index(before: metric.endIndex)])
            metric = String(metric[..<open])
            if subject?.isEmpty ?? true { throw fail("the subject in \(metric)() is empty") }
        }
        guard Self.metrics.contains(where: { $0.name == metric }) else {
            throw fail("unknown metric '\(metric)' (known: \(Self.metrics.map(\.name).joined(separator: ", ")))")
        }
        var operatorWord = words.removeFirst()
        if operatorWord == "crosses", let next = words.first, next == "above" || next == "below" {
            operatorWord += "_" + words.removeFirst()
        }
        guard let comparison = Comparison(rawValue: operatorWord) else {
            throw fail("unknown comparison '\(operatorWord)' (use >, >=, <, <=, crosses, crosses above, crosses below)")
        }
        guard !words.isEmpty else { throw fail("missing the threshold") }
        var thresholdText = words.removeFirst()
        if thresholdText.hasSuffix("%") {
            guard metric == "drawdown" else { throw fail("only drawdown is in percent") }
            thresholdText.removeLast()
        }
        guard let threshold = Double(thresholdText), threshold.isFinite else { throw fail("the threshold '\(thresholdText)' is not a number") }
        if metric == "price" && subject == nil { throw fail("price needs an instrument: price(SYMBOL)") }

        var rule = AlertRule(name: name, metric: metric, subject: subject, comparison: comparison, threshold: threshold)
        while !words.isEmpty {
            let key = words.removeFirst()
            guard !words.isEmpty else { throw fail("'\(key)' needs a value") }
            let value = words.removeFirst()
            switch key {
            case "for":
                guard let span = TimeSpan(compact: value) else { throw fail("'for \(value)': a duration is like 30s, 5m, 1h") }
                rule.duration = span
            case "cooldown":
                guard let span = TimeSpan(compact: value) else { throw fail("'cooldown \(value)': a duration is like 30s, 5m, 1h") }
                rule.cooldown = span
            case "severity":
                guard let severity = Severity(rawValue: value) else { throw fail("severity is info, warning or critical, not '\(value)'") }
                rule.severity = severity
            default:
                throw fail("unexpected '\(key)' (options: for, severity, cooldown)")
            }
        }
        if comparison.isCrossing && rule.duration > .zero { throw fail("a crossing happens at an instant: 'for' does not apply") }
        self = rule
    }

    static func trimmed(_ text: some StringProtocol) -> String {
        String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }

    /// Whether `value` breaches the threshold (level rules).
    func breaches(_ value: Double) -> Bool {
        switch comparison {
        case .above: value > threshold
        case .atLeast: value >= threshold
        case .below: value < threshold
        case .atMost: value <= threshold
        case .crosses, .crossesAbove, .crossesBelow: false
        }
    }

    /// Whether the move from `previous` to `value` crosses the threshold (crossing rules).
    func crossed(from previous: Double, to value: Double) -> Bool {
        let up = previous < threshold && value >= threshold
        let down = previous > threshold && value <= threshold
        switch comparison {
        case .crosses: return up || down
        case .crossesAbove: return up
        case .crossesBelow: return down
        default: return false
        }
    }
}

public struct AlertRuleError: Error, Sendable, Equatable, CustomStringConvertible {
    public var rule: String
    public var reason: String
    public var description: String { "alert rule '\(rule)': \(reason)" }
}
