public import TradewindCore

/// Why an aggregation could not be configured or fed.
public enum AggregationError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidSpecification(String)
    case precisionMismatch(String)
    case outOfOrder(previous: Timestamp, next: Timestamp)

    public var description: String {
        switch self {
        case .invalidSpecification(let reason): reason
        case .precisionMismatch(let reason): reason
        case .outOfOrder(let previous, let next): "input at \(next) arrived after \(previous)"
        }
    }
}

/// Builds new bars from a stream of finer bars or trade ticks.
///
/// A bar is emitted only once it has closed; an unfinished bar at the end of the input
/// is never emitted (``finish(into:)`` emits a time bar only if its interval is complete).
/// Bars keep the input's exact prices; the only exception is Heikin-Ashi (see there).
public protocol BarAggregator {
    /// Feeds one input bar, appending any bars it closes to `output`.
    mutating func add(_ bar: Bar, into output: inout [Bar]) throws(AggregationError)
    /// Feeds one trade, appending any bars it closes to `output`.
    mutating func add(_ tick: Tick, into output: inout [Bar]) throws(AggregationError)
    /// Signals the end of input.
    mutating func finish(into output: inout [Bar])
}

extension BarAggregator {
    public mutating func finish(into output: inout [Bar]) {}

    /// Aggregates a whole series of bars.
    public func aggregate(_ bars: [Bar]) throws(AggregationError) -> [Bar] {
        var copy = self
        var output: [Bar] = []
        for bar in bars { try copy.add(bar, into: &output) }
        copy.finish(into: &output)
        return output
    }

    /// Aggregates a whole series of ticks.
    public func aggregate(_ ticks: [Tick]) throws(AggregationError) -> [Bar] {
        var copy = self
        var output: [Bar] = []
        for tick in ticks { try copy.add(tick, into: &output) }
        copy.finish(into: &output)
        return output
    }
}

/// An open bar being built, in raw fixed-point units.
struct PartialBar: Sendable {
    var openTime: Timestamp
    var closeTime: Timestamp
    var open: Int64
    var high: Int64
    var low: Int64
    var close: Int64
    var volume: Int64
    var pricePrecision: UInt8
    var sizePrecision: UInt8
    var inputs = 1

    init(_ bar: Bar) {
        openTime = bar.openTime
        closeTime = bar.closeTime
        open = bar.openRaw
        high = bar.highRaw
        low = bar.lowRaw
        close = bar.closeRaw
        volume = bar.volumeRaw
        pricePrecision = bar.pricePrecision
        sizePrecision = bar.sizePrecision
    }

    init(_ tick: Tick) {
        self.init(Bar(openTime: tick.time, closeTime: tick.time, open: tick.price, high: tick.price, low: tick.price,
                      close: tick.price, volume: tick.size))
    }

    mutating func merge(_ bar: Bar) throws(AggregationError) {
        guard bar.pricePrecision == pricePrecision, bar.sizePrecision == sizePrecision else {
            throw .precisionMismatch("inputs mix precisions (\(pricePrecision)/\(sizePrecision) and \(bar.pricePrecision)/\(bar.sizePrecision))")
        }
        guard bar.openTime >= openTime else { throw .outOfOrder(previous: closeTime, next: bar.openTime) }
        high = max(high, bar.highRaw)
        low = min(low, bar.lowRaw)
        close = bar.closeRaw
        volume += bar.volumeRaw
        closeTime = max(closeTime, bar.closeTime)
        inputs += 1
    }

    var bar: Bar {
        Bar(openTime: openTime, closeTime: closeTime, openRaw: open, highRaw: high, lowRaw: low, closeRaw: close,
            volumeRaw: volume, pricePrecision: pricePrecision, sizePrecision: sizePrecision)
    }
}

extension Tick {
    /// A tick as a zero-length bar, so every aggregator has one code path.
    var asBar: Bar {
        Bar(openTime: time, closeTime: time, open: price, high: price, low: price, close: price, volume: size)
    }
}
