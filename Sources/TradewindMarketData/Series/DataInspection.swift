public import TradewindCore

/// A health report of a bar file: size, span, interval, gaps and problems.
public struct DataInspection: Sendable {
    /// A stretch where bars are missing.
    public struct Gap: Hashable, Sendable {
        /// Open time of the bar before the gap and of the bar after it.
        public var from: Timestamp
        public var to: Timestamp
        /// How many bars the interval says are missing.
        public var missingBars: Int
    }

    public var rowCount: Int
    public var validBars: Int
    public var first: Timestamp?
    public var last: Timestamp?
    public var interval: BarInterval?
    /// True for daily data without weekend bars: gaps then count missing weekdays only.
    public var tradingDays: Bool
    public var gaps: [Gap]
    public var issues: [CSVIssue]
    public var pricePrecision: UInt8?
    public var sizePrecision: UInt8?

    public var duplicateCount: Int { issues.filter { $0.kind == .duplicateTimestamp }.count }
    public var outOfOrderCount: Int { issues.filter { $0.kind == .outOfOrderTimestamp }.count }
    public var isClean: Bool { issues.isEmpty }

    /// Inspects a lenient scan of a file.
    public init(scan: CSVBarParser.Scan) {
        rowCount = scan.rowCount
        issues = scan.issues
        let bars = scan.series?.bars ?? []
        validBars = bars.count
        first = bars.first?.openTime
        last = bars.last?.openTime
        interval = scan.series?.interval
        pricePrecision = scan.series?.instrument.pricePrecision
        sizePrecision = scan.series?.instrument.sizePrecision
        let stamps = bars.map(\.openTime)
        tradingDays = interval == .fixed(.days(1)) && !stamps.contains { $0.weekday >= 5 }
        gaps = Self.findGaps(stamps, interval: interval, tradingDays: tradingDays)
    }

    static func findGaps(_ stamps: [Timestamp], interval: BarInterval?, tradingDays: Bool) -> [Gap] {
        guard let interval, stamps.count >= 2 else { return [] }
        var gaps: [Gap] = []
        for i in 1..<stamps.count {
            let (previous, current) = (stamps[i - 1], stamps[i])
            let missing: Int
            switch interval {
            case _ where tradingDays:
                missing = weekdaysStrictlyBetween(previous, current)
            case .months(let step):
                // By month number, so month-end stamps (Jan 31, Feb 29, Mar 31) are not gaps.
                let (a, b) = (previous.utcComponents, current.utcComponents)
                let months = (b.year * 12 + b.month) - (a.year * 12 + a.month)
                missing = max(0, months / step - 1)
            case .fixed(let span):
                let diff = (current - previous).nanoseconds
                missing = span.nanoseconds > 0 ? max(0, Int((diff - 1) / span.nanoseconds)) : 0
            }
            if missing > 0 { gaps.append(Gap(from: previous, to: current, missingBars: missing)) }
        }
        return gaps
    }

    static func weekdaysStrictlyBetween(_ a: Timestamp, _ b: Timestamp) -> Int {
        let day: Int64 = 86_400_000_000_000
        var t = a.startOfUTCDay.nanosecondsSinceEpoch + day
        let end = b.startOfUTCDay.nanosecondsSinceEpoch
        var count = 0
        while t < end {
            if Timestamp(nanosecondsSinceEpoch: t).weekday < 5 { count += 1 }
            t += day
        }
        return count
    }
}
