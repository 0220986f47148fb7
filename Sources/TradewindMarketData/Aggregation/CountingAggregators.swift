public import TradewindCore

/// Time bars: buckets of `interval` aligned to the Unix epoch in UTC (so 1h bars start on
/// the hour and 1d bars at midnight UTC); whole weeks start on Monday 00:00 UTC. An input belongs to the bucket containing its
/// open time. A bucket is emitted when an input from a later bucket arrives, or at
/// ``finish(into:)`` if the last input closed exactly at the bucket's end.
public struct TimeBarAggregator: BarAggregator, Sendable {
    public let interval: TimeSpan
    var current: PartialBar?
    var bucketEnd = Timestamp.epoch

    /// - Throws: ``AggregationError/invalidSpecification(_:)`` unless the interval is positive.
    public init(interval: TimeSpan) throws(AggregationError) {
        guard interval.nanoseconds > 0 else { throw .invalidSpecification("time bars need a positive interval") }
        self.interval = interval
    }

    func bucketStart(_ t: Timestamp) -> Timestamp {
        let n = interval.nanoseconds
        // Weeks start on Monday 00:00 UTC (1970-01-05), not on the epoch's Thursday.
        let week = TimeSpan.days(7).nanoseconds
        let origin = n % week == 0 ? TimeSpan.days(4).nanoseconds : 0
        let offset = t.nanosecondsSinceEpoch - origin
        var start = offset / n * n
        if start > offset { start -= n }
        return Timestamp(nanosecondsSinceEpoch: start + origin)
    }

    /// A bucket is emitted as soon as an input closes at its end (the last minute of an hour
    /// closes the hour), otherwise when the first input of a later bucket arrives.
    public mutating func add(_ bar: Bar, into output: inout [Bar]) throws(AggregationError) {
        var partial: PartialBar
        if var open = current, bar.openTime < bucketEnd {
            try open.merge(bar)
            partial = open
        } else {
            if let open = current { output.append(closed(open)) }
            let start = bucketStart(bar.openTime)
            bucketEnd = start + interval
            partial = PartialBar(bar)
            partial.openTime = start
        }
        if partial.closeTime >= bucketEnd {
            output.append(closed(partial))
            current = nil
        } else {
            current = partial
        }
    }

    public mutating func add(_ tick: Tick, into output: inout [Bar]) throws(AggregationError) {
        try add(tick.asBar, into: &output)
    }

    public mutating func finish(into output: inout [Bar]) {
        if let partial = current, partial.closeTime >= bucketEnd { output.append(closed(partial)) }
        current = nil
    }

    func closed(_ partial: PartialBar) -> Bar {
        var bar = partial.bar
        bar.closeTime = bucketEnd
        return bar
    }
}

/// Tick bars: every `count` inputs (trades, or finer bars) make one bar.
public struct TickBarAggregator: BarAggregator, Sendable {
    public let count: Int
    var current: PartialBar?

    public init(count: Int) throws(AggregationError) {
        guard count >= 1 else { throw .invalidSpecification("tick bars need a count of at least 1") }
        self.count = count
    }

    public mutating func add(_ bar: Bar, into output: inout [Bar]) throws(AggregationError) {
        if var partial = current {
            try partial.merge(bar)
            current = partial
        } else {
            current = PartialBar(bar)
        }
        if let partial = current, partial.inputs == count {
            output.append(partial.bar)
            current = nil
        }
    }

    public mutating func add(_ tick: Tick, into output: inout [Bar]) throws(AggregationError) {
        try add(tick.asBar, into: &output)
    }
}

/// Volume bars (`.volume`) or value bars (`.value`): a bar closes at the first input that
/// brings its traded volume, or its traded value Σ price × size, to at least the threshold.
/// Inputs are never split, so a bar may overshoot. A finer bar's value is its close × volume.
public struct ThresholdBarAggregator: BarAggregator, Sendable {
    public enum Measure: Hashable, Sendable {
        case volume(Quantity)
        case value(Money)
    }

    public let measure: Measure
    var current: PartialBar?
    var value = Money.zero

    public init(_ measure: Measure) throws(AggregationError) {
        switch measure {
        case .volume(let q) where !q.isPositive:
            throw .invalidSpecification("volume bars need a positive threshold, got \(q)")
        case .value(let m) where !(m > .zero):
            throw .invalidSpecification("value bars need a positive threshold, got \(m)")
        default:
            break
        }
        self.measure = measure
    }

    public mutating func add(_ bar: Bar, into output: inout [Bar]) throws(AggregationError) {
        if var partial = current {
            try partial.merge(bar)
            current = partial
        } else {
            current = PartialBar(bar)
            value = .zero
        }
        value += bar.close * bar.volume
        guard let partial = current else { return }
        let reached: Bool
        switch measure {
        case .volume(let threshold): reached = partial.bar.volume >= threshold
        case .value(let threshold): reached = value >= threshold
        }
        if reached {
            output.append(partial.bar)
            current = nil
        }
    }

    public mutating func add(_ tick: Tick, into output: inout [Bar]) throws(AggregationError) {
        try add(tick.asBar, into: &output)
    }
}
