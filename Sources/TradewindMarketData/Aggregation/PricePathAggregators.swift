public import TradewindCore

/// The prices a finer bar is assumed to have traded through, in the order the
/// backtest's fill model also assumes: open, the extreme nearer the open, the farther
/// extreme, close. The bar's volume is attributed to its close.
struct PricePoint {
    var price: Int64
    var time: Timestamp
    var volume: Int64
}

extension Bar {
    var pricePath: [PricePoint] {
        let (_, first, second, _) = pathRaw
        return [
            PricePoint(price: openRaw, time: openTime, volume: 0),
            PricePoint(price: first, time: closeTime, volume: 0),
            PricePoint(price: second, time: closeTime, volume: 0),
            PricePoint(price: closeRaw, time: closeTime, volume: volumeRaw),
        ]
    }
}

/// Range bars: a bar's high − low never exceeds `size`. When the next price would push
/// it beyond, the bar closes at its last price and a new bar opens at that next price.
public struct RangeBarAggregator: BarAggregator, Sendable {
    public let size: Price
    var current: PartialBar?
    var precision: (price: UInt8, size: UInt8)?

    public init(size: Price) throws(AggregationError) {
        guard size.isPositive else { throw .invalidSpecification("range bars need a positive size, got \(size)") }
        self.size = size
    }

    public mutating func add(_ bar: Bar, into output: inout [Bar]) throws(AggregationError) {
        try checkPrecision(bar)
        for point in bar.pricePath { try add(point, bar: bar, into: &output) }
    }

    public mutating func add(_ tick: Tick, into output: inout [Bar]) throws(AggregationError) {
        let bar = tick.asBar
        try checkPrecision(bar)
        try add(PricePoint(price: bar.closeRaw, time: tick.time, volume: bar.volumeRaw), bar: bar, into: &output)
    }

    mutating func checkPrecision(_ bar: Bar) throws(AggregationError) {
        if precision == nil {
            guard size.rescaled(to: bar.pricePrecision) != nil else {
                throw .invalidSpecification("range size \(size) has more decimals than the prices (\(bar.pricePrecision))")
            }
            precision = (bar.pricePrecision, bar.sizePrecision)
        }
        guard precision! == (bar.pricePrecision, bar.sizePrecision) else { throw .precisionMismatch("inputs mix precisions") }
    }

    mutating func add(_ point: PricePoint, bar: Bar, into output: inout [Bar]) throws(AggregationError) {
        let limit = size.rescaled(to: bar.pricePrecision)!.raw
        if var partial = current {
            let high = max(partial.high, point.price)
            let low = min(partial.low, point.price)
            if high - low <= limit {
                partial.high = high
                partial.low = low
                partial.close = point.price
                partial.volume += point.volume
                partial.closeTime = point.time
                current = partial
                return
            }
            output.append(partial.bar)
        }
        var fresh = PartialBar(bar)
        fresh.openTime = point.time
        fresh.closeTime = point.time
        (fresh.open, fresh.high, fresh.low, fresh.close) = (point.price, point.price, point.price, point.price)
        fresh.volume = point.volume
        current = fresh
    }
}

/// Renko bricks of `box` size, built from the price path.
///
/// The first price is the anchor. A brick forms when the price moves a whole box beyond
/// the last brick in the same direction; a reversal needs two boxes (the new brick starts
/// one box beyond the last brick's open). One move can form several bricks. A brick has no
/// wicks (high and low are its open and close); volume traded since the last brick goes on
/// the first brick formed. Bricks open at the previous brick's close time.
public struct RenkoAggregator: BarAggregator, Sendable {
    public let box: Price
    var anchor: Int64?
    var lastClose: Int64 = 0
    var direction = 0
    var pendingVolume: Int64 = 0
    var lastBrickTime: Timestamp?
    var precision: (price: UInt8, size: UInt8)?

    public init(box: Price) throws(AggregationError) {
        guard box.isPositive else { throw .invalidSpecification("Renko needs a positive box size, got \(box)") }
        self.box = box
    }

    public mutating func add(_ bar: Bar, into output: inout [Bar]) throws(AggregationError) {
        try checkPrecision(bar)
        for point in bar.pricePath { add(point, into: &output) }
    }

    public mutating func add(_ tick: Tick, into output: inout [Bar]) throws(AggregationError) {
        let bar = tick.asBar
        try checkPrecision(bar)
        add(PricePoint(price: bar.closeRaw, time: tick.time, volume: bar.volumeRaw), into: &output)
    }

    mutating func checkPrecision(_ bar: Bar) throws(AggregationError) {
        if precision == nil {
            guard box.rescaled(to: bar.pricePrecision) != nil else {
                throw .invalidSpecification("box size \(box) has more decimals than the prices (\(bar.pricePrecision))")
            }
            precision = (bar.pricePrecision, bar.sizePrecision)
        }
        guard precision! == (bar.pricePrecision, bar.sizePrecision) else { throw .precisionMismatch("inputs mix precisions") }
    }

    mutating func add(_ point: PricePoint, into output: inout [Bar]) {
        let b = box.rescaled(to: precision!.price)!.raw
        pendingVolume += point.volume
        guard anchor != nil else {
            anchor = point.price
            lastClose = point.price
            lastBrickTime = point.time
            return
        }
        while true {
            let up: Bool
            let open: Int64
            switch direction {
            case 0:
                if point.price >= lastClose + b { (up, open) = (true, lastClose) }
                else if point.price <= lastClose - b { (up, open) = (false, lastClose) }
                else { return }
            case 1:
                if point.price >= lastClose + b { (up, open) = (true, lastClose) }
                else if point.price <= lastClose - 2 * b { (up, open) = (false, lastClose - b) }
                else { return }
            default:
                if point.price <= lastClose - b { (up, open) = (false, lastClose) }
                else if point.price >= lastClose + 2 * b { (up, open) = (true, lastClose + b) }
                else { return }
            }
            let close = up ? open + b : open - b
            output.append(Bar(openTime: lastBrickTime ?? point.time, closeTime: point.time, openRaw: open, highRaw: max(open, close),
                              lowRaw: min(open, close), closeRaw: close, volumeRaw: pendingVolume,
                              pricePrecision: precision!.price, sizePrecision: precision!.size))
            pendingVolume = 0
            lastClose = close
            direction = up ? 1 : -1
            lastBrickTime = point.time
        }
    }
}

/// Heikin-Ashi bars, one per input bar:
/// close = (O + H + L + C) ÷ 4, open = (previous HA open + previous HA close) ÷ 2 (the first:
/// (O + C) ÷ 2), high = max(H, HA open, HA close), low = min(L, HA open, HA close).
///
/// The close is exact with two more decimals than the input; the recursive open is rounded
/// half-even at that precision (repeated halving has no finite exact form).
public struct HeikinAshiAggregator: BarAggregator, Sendable {
    var previous: (open: Int64, close: Int64)?

    public init() {}

    public mutating func add(_ bar: Bar, into output: inout [Bar]) throws(AggregationError) {
        let extra: UInt8 = 2
        guard bar.pricePrecision + extra <= FixedPoint.maxPrecision else {
            throw .invalidSpecification("prices with \(bar.pricePrecision) decimals are too precise for Heikin-Ashi")
        }
        let scale: Int64 = 100
        let (o, h, l, c) = (bar.openRaw * scale, bar.highRaw * scale, bar.lowRaw * scale, bar.closeRaw * scale)
        let close = (o + h + l + c) / 4  // exact: each term is a multiple of 100
        let open = previous.map { Self.halfEven($0.open + $0.close) } ?? (o + c) / 2
        previous = (open, close)
        output.append(Bar(openTime: bar.openTime, closeTime: bar.closeTime, openRaw: open, highRaw: max(h, open, close),
                          lowRaw: min(l, open, close), closeRaw: close, volumeRaw: bar.volumeRaw,
                          pricePrecision: bar.pricePrecision + extra, sizePrecision: bar.sizePrecision))
    }

    public mutating func add(_ tick: Tick, into output: inout [Bar]) throws(AggregationError) {
        try add(tick.asBar, into: &output)
    }

    /// `sum / 2` rounded half to even.
    static func halfEven(_ sum: Int64) -> Int64 {
        let half = sum / 2
        guard sum % 2 != 0 else { return half }
        // sum is odd: the exact value is half ± 0.5; pick the even neighbour.
        let other = sum > 0 ? half + 1 : half - 1
        return half % 2 == 0 ? half : other
    }
}
