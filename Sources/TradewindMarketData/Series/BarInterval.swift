public import TradewindCore

/// The nominal length of a bar: a fixed span, or calendar months (whose length varies).
public enum BarInterval: Hashable, Sendable, CustomStringConvertible {
    case fixed(TimeSpan)
    case months(Int)

    /// The end of a bar that opens at `start`.
    public func end(after start: Timestamp) -> Timestamp {
        switch self {
        case .fixed(let span):
            return start + span
        case .months(let count):
            let c = start.utcComponents
            let total = c.year * 12 + (c.month - 1) + count
            let year = total / 12
            let month = total % 12 + 1
            let day = min(c.day, Timestamp.daysInMonth(year: year, month: month))
            return Timestamp(year: year, month: month, day: day, hour: c.hour, minute: c.minute, second: c.second,
                             nanosecond: c.nanosecond)!
        }
    }

    /// Approximate length in days, for annualisation.
    public var approximateDays: Double {
        switch self {
        case .fixed(let span): span.days
        case .months(let count): Double(count) * 365.2425 / 12
        }
    }

    public var description: String {
        switch self {
        case .fixed(let span): span.description
        case .months(let count): count == 1 ? "1 month" : "\(count) months"
        }
    }

    /// The most common spacing between consecutive timestamps (ties go to the shorter),
    /// recognising calendar months when every spacing is 28–31 days.
    /// - Returns: `nil` with fewer than two timestamps.
    public static func detect(_ times: [Timestamp]) -> BarInterval? {
        guard times.count >= 2 else { return nil }
        var counts: [Int64: Int] = [:]
        var allMonthLike = true
        for i in 1..<times.count {
            let diff = times[i].nanosecondsSinceEpoch - times[i - 1].nanosecondsSinceEpoch
            guard diff > 0 else { continue }
            counts[diff, default: 0] += 1
            if diff < TimeSpan.days(28).nanoseconds || diff > TimeSpan.days(31).nanoseconds { allMonthLike = false }
        }
        guard !counts.isEmpty else { return nil }
        if allMonthLike { return .months(1) }
        // Sorting keys makes the tie-break independent of dictionary order.
        let best = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }[0].key
        return .fixed(TimeSpan(nanoseconds: best))
    }
}
