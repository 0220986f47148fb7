public import TradewindCore

/// Merges similar notices: the first of a topic goes out at once, the ones that follow within the
/// window are held and leave as one digest when it closes ("12 fills on BTCUSDT in the last 60 s").
/// Critical notices are never held.
public struct Coalescer: Sendable {
    public var window: TimeSpan
    private struct Group {
        var opened: Timestamp
        var count: Int
        var held: [Notice]
    }
    private var groups: [String: Group] = [:]

    public init(window: TimeSpan) {
        self.window = window
    }

    /// The notice to send now, or `nil` when it joined an open window.
    public mutating func add(_ notice: Notice) -> Notice? {
        guard notice.severity != .critical, window > .zero else { return notice }
        let topic = notice.topic
        if var group = groups[topic], notice.time < group.opened + window {
            group.count += 1
            group.held.append(notice)
            groups[topic] = group
            return nil
        }
        // A window that closed without followers may still be listed until the next `due`.
        if let old = groups[topic], !old.held.isEmpty { pendingDigests.append(Self.digest(old, window: window)) }
        groups[topic] = Group(opened: notice.time, count: 1, held: [])
        return notice
    }
    private var pendingDigests: [Notice] = []

    /// Digests of the windows closed by `now`, oldest first.
    public mutating func due(now: Timestamp) -> [Notice] {
        var ready = pendingDigests
        pendingDigests.removeAll()
        for (topic, group) in groups.sorted(by: { $0.value.opened < $1.value.opened }) where now >= group.opened + window {
            groups[topic] = nil
            if !group.held.isEmpty { ready.append(Self.digest(group, window: window)) }
        }
        return ready
    }

    /// Every held notice as digests, whatever their windows (at shutdown).
    public mutating func flush() -> [Notice] {
        var ready = pendingDigests
        pendingDigests.removeAll()
        for group in groups.values.sorted(by: { $0.opened < $1.opened }) where !group.held.isEmpty {
            ready.append(Self.digest(group, window: window))
        }
        groups.removeAll()
        return ready
    }

    /// Notices held now (for metrics and tests).
    public var heldCount: Int { groups.values.reduce(0) { $0 + $1.held.count } + pendingDigests.count }

    private static func digest(_ group: Group, window: TimeSpan) -> Notice {
        let held = group.held
        guard held.count > 1 else { return held[0] }
        let last = held[held.count - 1]
        let shown = held.suffix(10)
        var body = shown.map { "• " + $0.title }.joined(separator: "\n")
        if held.count > shown.count { body = "• … \(held.count - shown.count) earlier\n" + body }
        return Notice(severity: held.map(\.severity).max() ?? last.severity, category: last.category, subject: last.subject, bot: last.bot,
                      title: "\(group.count) \(plural(last.category)) on \(last.subject) in the last \(Self.describe(window))"
                        + (last.bot.map { " (\($0))" } ?? ""),
                      body: body, time: last.time)
    }

    public static func plural(_ noun: String) -> String {
        noun.hasSuffix("s") ? noun + "es" : noun.hasSuffix("y") ? String(noun.dropLast()) + "ies" : noun + "s"
    }

    /// `60 s`, `5 min`, `1 h`: how a person reads a window.
    public static func describe(_ span: TimeSpan) -> String {
        let seconds = span.nanoseconds / 1_000_000_000
        if seconds > 0 && seconds % 3_600 == 0 { return "\(seconds / 3_600) h" }
        if seconds >= 120 && seconds % 60 == 0 { return "\(seconds / 60) min" }
        if seconds >= 1 { return "\(seconds) s" }
        return "\(span.nanoseconds / 1_000_000) ms"
    }
}

/// A per-channel token bucket: `perMinute` messages a minute on average, `burst` at once.
public struct SendBudget: Sendable, Equatable {
    public var perMinute: Double
    public var burst: Double
    private var tokens: Double
    private var updated: Timestamp?

    public init(perMinute: Double, burst: Int) {
        precondition(perMinute > 0 && burst >= 1, "a budget allows something")
        self.perMinute = perMinute
        self.burst = Double(burst)
        self.tokens = Double(burst)
    }

    private mutating func refill(_ now: Timestamp) {
        if let updated, now > updated {
            tokens = min(burst, tokens + Double((now - updated).nanoseconds) * perMinute / 60e9)
        }
        if updated.map({ now > $0 }) ?? true { updated = now }
    }

    /// Spends one message if the budget allows it now.
    public mutating func take(now: Timestamp) -> Bool {
        refill(now)
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }

    /// When the next message will be allowed.
    public mutating func nextAllowed(now: Timestamp) -> Timestamp {
        refill(now)
        guard tokens < 1 else { return now }
        return now + TimeSpan(nanoseconds: Int64(((1 - tokens) / perMinute * 60e9).rounded(.up)))
    }
}
