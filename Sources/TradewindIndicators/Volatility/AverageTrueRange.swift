/// True range: the largest of high − low, |high − previous close|, |low − previous close|
/// (TA-Lib `TRANGE`); defined from the second bar.
public struct TrueRange: BarIndicator, Sendable {
    @usableFromInline var previousClose: Double?
    @usableFromInline var current: Double?
    @inlinable
    public var value: Double? { current }

    public init() {}

    @inlinable
    public mutating func update(_ bar: BarSample) throws(IndicatorError) {
        try bar.checkFinite("TRANGE")
        advance(bar)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ bar: BarSample) {
        defer { previousClose = bar.close }
        guard let close = previousClose else { return }
        current = Self.range(high: bar.high, low: bar.low, previousClose: close)
    }

    @inlinable
    static func range(high: Double, low: Double, previousClose: Double) -> Double {
        // max is exact, so this equals TA-Lib's compare-and-replace without its branches.
        Swift.max(high - low, Swift.max(abs(low - previousClose), abs(high - previousClose)))
    }
}

/// Wilder's average true range (TA-Lib `ATR`): the mean of the first `period` true ranges,
/// then `(previous × (period − 1) + TR) ÷ period`. First value at bar `period + 1`.
public struct AverageTrueRange: BarIndicator, Sendable {
    public let period: Int
    @usableFromInline var trueRange = TrueRange()
    @usableFromInline var count = 0
    @usableFromInline var sum = 0.0
    @usableFromInline var current: Double?
    @usableFromInline let reciprocal: Double
    @inlinable
    public var value: Double? { current }

    public init(period: Int = 14) throws(IndicatorError) {
        try checkPeriod(period, "ATR")
        self.period = period
        self.reciprocal = 1.0 / Double(period)
    }

    @inlinable
    public mutating func update(_ bar: BarSample) throws(IndicatorError) {
        try bar.checkFinite("ATR")
        advance(bar)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ bar: BarSample) {
        trueRange.advance(bar)
        guard let range = trueRange.value else { return }
        count += 1
        if let previous = current {
            var atr = previous * Double(period - 1)
            atr += range
            current = atr * reciprocal
        } else {
            sum += range
            if count == period { current = sum / Double(period) }
        }
    }
}
