public import TradewindCore

/// Bars of one instrument in ascending time order, with their interval.
public struct BarSeries: Sendable {
    public var instrument: Instrument
    public var bars: [Bar]
    /// The bar length; `nil` for a single bar with nothing given.
    public var interval: BarInterval?

    public init(instrument: Instrument, bars: [Bar], interval: BarInterval?) {
        self.instrument = instrument
        self.bars = bars
        self.interval = interval
    }
}

/// How a file's timestamps relate to the bars they label.
public enum BarTimestampConvention: String, Hashable, Sendable, CaseIterable {
    /// The timestamp is when the bar opened (most vendors, and the shipped data).
    case open
    /// The timestamp is when the bar closed.
    case close
}

extension BarSeries {
    /// Assigns open and close times to bars whose file gave one timestamp each.
    ///
    /// With `.open`, a bar closes at `open + interval`, or at the next bar's open if
    /// that is earlier (calendar months, sessions that end early), so that no bar
    /// ever closes after its successor opens. With `.close`, the mirror rule applies.
    public static func assignTimes(stamps: [Timestamp], convention: BarTimestampConvention, interval: BarInterval?) -> [(open: Timestamp, close: Timestamp)] {
        var result: [(open: Timestamp, close: Timestamp)] = []
        result.reserveCapacity(stamps.count)
        for (i, stamp) in stamps.enumerated() {
            switch convention {
            case .open:
                var close = interval?.end(after: stamp) ?? stamp
                if i + 1 < stamps.count, stamps[i + 1] < close { close = stamps[i + 1] }
                result.append((stamp, close))
            case .close:
                var open = stamp
                if let interval {
                    // Walk back by one interval: the largest start whose end is at or before the stamp.
                    switch interval {
                    case .fixed(let span): open = Timestamp(nanosecondsSinceEpoch: stamp.nanosecondsSinceEpoch - span.nanoseconds)
                    case .months(let n): open = BarInterval.months(-n).end(after: stamp)
                    }
                }
                if i > 0, stamps[i - 1] > open { open = stamps[i - 1] }
                result.append((open, stamp))
            }
        }
        return result
    }
}
