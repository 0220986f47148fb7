public import TradewindCore
import RealModule

/// The checks a series passes before a backtest reads it: gaps against the expected interval
/// (trading days only, for an instrument with a calendar), duplicate and out-of-order times,
/// non-positive prices, inconsistent bars (high below low, open or close outside the range)
/// and spikes (a close-to-close log return beyond `spikeDeviations` standard deviations).
public struct DataQualityReport: Sendable {
    public struct Gap: Hashable, Sendable {
        /// Open times of the bars either side of the gap.
        public var after: Timestamp
        public var before: Timestamp
        public var missingBars: Int
    }

    public enum ProblemKind: String, Hashable, Sendable, CaseIterable {
        case duplicate, outOfOrder = "out_of_order", nonPositivePrice = "non_positive_price",
             inconsistentBar = "inconsistent_bar", spike
    }

    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        public var kind: ProblemKind
        public var time: Timestamp
        public var detail: String
        public var description: String { "\(time.iso8601) \(kind.rawValue): \(detail)" }
    }

    public var barCount: Int
    public var first: Timestamp?
    public var last: Timestamp?
    public var interval: BarInterval?
    public var calendar: TradingCalendar?
    public var gaps: [Gap]
    public var problems: [Problem]
    public var spikeDeviations: Double

    public var missingBars: Int { gaps.reduce(0) { $0 + $1.missingBars } }
    public func count(_ kind: ProblemKind) -> Int { problems.filter { $0.kind == kind }.count }
    /// No gaps and no errors. Spikes are warnings: real moves (earnings, crashes) look the same.
    public var isClean: Bool { gaps.isEmpty && !hasErrors }
    /// Problems that make a series unusable (everything but gaps and spikes, which are reported).
    public var hasErrors: Bool { problems.contains { $0.kind != .spike } }

    /// - Parameters:
    ///   - interval: the expected spacing; detected from the bars when `nil`.
    ///   - calendar: days that are not trading days are not gaps (daily and intraday data);
    ///     intraday bars only count gaps within one trading day, since sessions close overnight.
    ///     Without one, the calendar is detected (see ``detectCalendar(_:interval:)``).
    public init(bars: [Bar], interval: BarInterval? = nil, calendar: TradingCalendar? = nil, spikeDeviations: Double = 8) {
        barCount = bars.count
        first = bars.first?.openTime
        last = bars.last?.openTime
        self.spikeDeviations = spikeDeviations
        let times = bars.map(\.openTime)
        let interval = interval ?? BarInterval.detect(times)
        self.interval = interval
        problems = Self.barProblems(bars)
        problems += Self.spikes(bars, deviations: spikeDeviations)
        problems.sort { ($0.time, $0.kind.rawValue) < ($1.time, $1.kind.rawValue) }
        if let calendar {
            self.calendar = calendar
            calendarDetected = false
            gaps = Self.gaps(times, interval: interval, calendar: calendar)
        } else {
            (self.calendar, gaps) = Self.detectCalendar(times, interval: interval)
            calendarDetected = self.calendar != nil
        }
    }

    /// Whether ``calendar`` was inferred from the data rather than given.
    public var calendarDetected: Bool

    /// Without a given calendar, the most specific one the data fits: bars on weekends mean
    /// 24×7; otherwise the exchange calendar if it explains every missing weekday (only XNYS is
    /// known), else weekdays. A gap is reported only if no known calendar explains it.
    static func detectCalendar(_ times: [Timestamp], interval: BarInterval?) -> (TradingCalendar?, [Gap]) {
        guard case .fixed(let span) = interval, span.nanoseconds <= TimeSpan.days(1).nanoseconds else {
            return (nil, gaps(times, interval: interval, calendar: nil))
        }
        if times.contains(where: { $0.weekday >= 5 }) { return (.always, gaps(times, interval: interval, calendar: .always)) }
        let weekdays = gaps(times, interval: interval, calendar: .weekdays)
        guard !weekdays.isEmpty, span == .days(1) else { return (.weekdays, weekdays) }
        let exchange = gaps(times, interval: interval, calendar: .xnys)
        return exchange.isEmpty ? (.xnys, exchange) : (.weekdays, weekdays)
    }

    static func barProblems(_ bars: [Bar]) -> [Problem] {
        var problems: [Problem] = []
        var previous: Timestamp?
        for bar in bars {
            if let previous {
                if bar.openTime == previous {
                    problems.append(Problem(kind: .duplicate, time: bar.openTime, detail: "a second bar at this time"))
                } else if bar.openTime < previous {
                    problems.append(Problem(kind: .outOfOrder, time: bar.openTime, detail: "comes after \(previous.iso8601)"))
                }
            }
            previous = bar.openTime
            if bar.openRaw <= 0 || bar.highRaw <= 0 || bar.lowRaw <= 0 || bar.closeRaw <= 0 {
                problems.append(Problem(kind: .nonPositivePrice, time: bar.openTime,
                                        detail: "open \(bar.open) high \(bar.high) low \(bar.low) close \(bar.close)"))
            }
            if bar.highRaw < bar.lowRaw {
                problems.append(Problem(kind: .inconsistentBar, time: bar.openTime, detail: "high \(bar.high) is below low \(bar.low)"))
            } else if !(bar.lowRaw...bar.highRaw).contains(bar.openRaw) || !(bar.lowRaw...bar.highRaw).contains(bar.closeRaw) {
                problems.append(Problem(kind: .inconsistentBar, time: bar.openTime,
                                        detail: "open \(bar.open) or close \(bar.close) outside low \(bar.low) … high \(bar.high)"))
            }
        }
        return problems
    }

    static func spikes(_ bars: [Bar], deviations: Double) -> [Problem] {
        guard bars.count >= 3, deviations > 0 else { return [] }
        var returns: [Double] = []
        returns.reserveCapacity(bars.count - 1)
        for i in 1..<bars.count where bars[i - 1].closeRaw > 0 && bars[i].closeRaw > 0 {
            returns.append(Double.log(bars[i].close.doubleValue / bars[i - 1].close.doubleValue))
        }
        guard returns.count >= 2 else { return [] }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count - 1)
        let sigma = variance.squareRoot()
        guard sigma > 0 else { return [] }
        var problems: [Problem] = []
        for i in 1..<bars.count where bars[i - 1].closeRaw > 0 && bars[i].closeRaw > 0 {
            let r = Double.log(bars[i].close.doubleValue / bars[i - 1].close.doubleValue)
            let z = (r - mean) / sigma
            if abs(z) > deviations {
                let percent = (bars[i].close.doubleValue / bars[i - 1].close.doubleValue - 1) * 100
                problems.append(Problem(kind: .spike, time: bars[i].openTime,
                                        detail: "close \(bars[i - 1].close) → \(bars[i].close) (\(formatted(percent)) %, \(formatted(z)) σ)"))
            }
        }
        return problems
    }

    static func formatted(_ value: Double) -> String {
        let scaled = (value * 100).rounded() / 100
        return "\(scaled)"
    }

    static func gaps(_ times: [Timestamp], interval: BarInterval?, calendar: TradingCalendar?) -> [Gap] {
        guard let interval, times.count >= 2 else { return [] }
        var gaps: [Gap] = []
        let day = TimeSpan.days(1)
        for i in 1..<times.count where times[i] > times[i - 1] {
            let (a, b) = (times[i - 1], times[i])
            var missing = 0
            switch interval {
            case .months(let step):
                let (x, y) = (a.utcComponents, b.utcComponents)
                missing = max(0, ((y.year * 12 + y.month) - (x.year * 12 + x.month)) / step - 1)
            case .fixed(let span) where span.nanoseconds >= day.nanoseconds:
                if let calendar, span == day {
                    var t = a.startOfUTCDay + day
                    while t < b.startOfUTCDay {
                        if calendar.isTradingDay(t) { missing += 1 }
                        t = t + day
                    }
                } else {
                    missing = max(0, Int(((b - a).nanoseconds - 1) / span.nanoseconds))
                }
            case .fixed(let span):
                guard span.nanoseconds > 0 else { continue }
                // Intraday with a calendar: only within one day (the session closes overnight).
                if calendar != nil, calendar != .always, a.startOfUTCDay != b.startOfUTCDay { continue }
                missing = max(0, Int(((b - a).nanoseconds - 1) / span.nanoseconds))
            }
            if missing > 0 { gaps.append(Gap(after: a, before: b, missingBars: missing)) }
        }
        return gaps
    }
}
