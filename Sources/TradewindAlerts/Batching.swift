public import TradewindCore

/// Merges similar notices: the first of a topic goes out at once, the ones that follow within the
/// window are held and leave as one digest when it closes ("12 fills on BTCUSDT in the last 60 s").
/// Critical notices are never held.
public struct Coalescer: Sendable {
    public var window: TimeSpan
    /// Titles a digest lists (the most recent); the rest are counted.
    static let shown = 10
    private struct Group {
        var opened: Timestamp
        /// Notices in the window, the one sent at once included.
        var count: Int
        /// Held after the first: how many, the latest few, and the most severe.
        var heldCount = 0
        var recent: [Notice] = []
        var severity = Severity.info

        mutating func add(_ notice: Notice, keeping shown: Int) {
            count += 1
            heldCount += 1
            severity = max(severity, notice.severity)
            if recent.count == shown { recent.removeFirst() }
            recent.append(notice)
        }
    }
    private var groups: [String: Group] = [:]
    private var pendingDigests: [Notice] = []

    public init(window: TimeSpan) {
        self.window = window
    }

    /// The notice to send now, or `nil` when it joined an open window. Constant time and
    /// memory per notice, however many a window collects.
    public mutating func add(_ notice: Notice) -> Notice? {
        guard notice.severity != .critical, window > .zero else { return notice }
        let topic = notice.topic
        if let index = groups.index(forKey: topic), notice.time < groups.values[index].opened + window {
            // One lookup, mutated in place: a copy of the group would copy its notices on every add.
            groups.values[index].add(notice, keeping: Self.shown)
            return nil
        }
        // A window that closed without a `due` since still owes its digest.
        if let old = groups[topic], old.heldCount > 0 { pendingDigests.append(Self.digest(old, window: window)) }
        groups[topic] = Group(opened: notice.time, count: 1)
        return notice
    }

    /// Digests of the windows closed by `now`, oldest first.
    public mutating func due(now: Timestamp) -> [Notice] {
        var ready = pendingDigests
        pendingDigests.removeAll()
        for (topic, group) in groups.sorted(by: { $0.value.opened < $1.value.opened }) where now >= group.opened + window {
            groups[topic] = nil
            if group.heldCount > 0 { ready.append(Self.digest(group, window: window)) }
        }
        return ready
    }

    /// Every held notice as digests, whatever their windows (at shutdown).
    public mutating func flush() -> [Notice] {
        var ready = pendingDigests
        pendingDigests.removeAll()
        for group in groups.values.sorted(by: { $0.opened < $1.opened }) where group.heldCount > 0 {
            ready.append(Self.digest(group, window: window))
        }
        groups.removeAll()
        return ready
    }

    /// Notices held now (for metrics and tests).
    public var heldCount: Int { groups.values.reduce(0) { $0 + $1.heldCount } + pendingDigests.count }

    private static func digest(_ group: Group, window: TimeSpan) -> Notice {
        let last = group.recent[group.recent.count - 1]
        guard group.heldCount > 1 else { return last }
        var body = group.recent.map { "• " + $0.title }.joined(separator: "\n")
        if group.heldCount > group.recent.count { body = "• … \(group.heldCount - group.recent.count) earlier\n" + body }
        return Notice(severity: group.severity, category: last.category, subject: last.subject, bot: last.bot,
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
