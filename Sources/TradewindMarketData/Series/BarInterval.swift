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

    /// The most common spacing between consecutive timestamps (ties go to the shorter).
    /// Spacings that are all whole calendar months (each 28–31 days per month, so a
    /// missing month does not hide the pattern) give `.months` with the most common count.
    /// - Returns: `nil` with fewer than two timestamps.
    public static func detect(_ times: [Timestamp]) -> BarInterval? {
        guard times.count >= 2 else { return nil }
        var spans: [Int64: Int] = [:]
        var months: [Int: Int] = [:]
        var allMonthLike = true
        // Regular data repeats one spacing: counting runs of equal spacings first keeps a
        // million-bar series to a handful of dictionary updates instead of a million.
        func count(_ diff: Int64, _ run: Int) {
            spans[diff, default: 0] += run
            guard allMonthLike else { return }
            let days = Double(diff) / 86_400e9
            let count = Int((days / 30.436875).rounded())
            if count < 1 || days < 28 * Double(count) || days > 31 * Double(count) {
                allMonthLike = false
            } else {
                months[count, default: 0] += run
            }
        }
        var runDiff: Int64 = 0
        var run = 0
        for i in 1..<times.count {
            let diff = times[i].nanosecondsSinceEpoch - times[i - 1].nanosecondsSinceEpoch
            guard diff > 0 else { continue }
            if diff == runDiff {
                run += 1
            } else {
                if run > 0 { count(runDiff, run) }
                (runDiff, run) = (diff, 1)
            }
        }
        if run > 0 { count(runDiff, run) }
        guard !spans.isEmpty else { return nil }
        if allMonthLike { return .months(mostCommon(months)) }
        return .fixed(TimeSpan(nanoseconds: mostCommon(spans)))
    }

    /// The key seen most often; ties go to the smaller key so the answer never depends on dictionary order.
    private static func mostCommon<Key: Comparable>(_ counts: [Key: Int]) -> Key {
        counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }[0].key
    }
}

extension BarInterval {
    /// A time-frame label as an interval: `1mo` (or `1M`) for months, else `30s`, `5m`, `1h`, `1d`, `1w`.
    public init?(timeframe: String) {
        for suffix in ["mo", "M"] where timeframe.hasSuffix(suffix) {
            guard let count = Int(timeframe.dropLast(suffix.count)), count > 0 else { return nil }
            self = .months(count)
            return
        }
        guard let span = TimeSpan(compact: timeframe), span > .zero else { return nil }
        self = .fixed(span)
    }
}
