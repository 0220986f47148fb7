/// SuperTrend (not in TA-Lib; the common TradingView definition).
///
/// With `hl2 = (high + low) ÷ 2` and Wilder's ATR(`period`): the lower band
/// `hl2 − multiplier × ATR` only rises while the previous close stays above it, the upper
/// band `hl2 + multiplier × ATR` only falls while the previous close stays below it. The trend
/// starts up, turns down when a close falls below the lower band and up when a close rises
/// above the upper band. The line is the lower band in an uptrend, the upper in a downtrend.
public struct SuperTrend: BarIndicator, Sendable {
    public struct Value: Hashable, Sendable {
        public var line: Double
        /// +1 uptrend, −1 downtrend.
        public var direction: Int

        @inlinable
        public init(line: Double, direction: Int) {
            self.line = line
            self.direction = direction
        }
    }

    public let multiplier: Double
    @usableFromInline var atr: AverageTrueRange
    @usableFromInline var lowerBand: Double?
    @usableFromInline var upperBand: Double?
    @usableFromInline var previousClose: Double?
    @usableFromInline var direction = 1
    @usableFromInline var current: Value?
    @inlinable
    public var value: Value? { current }

    public init(period: Int = 10, multiplier: Double = 3) throws(IndicatorError) {
        guard multiplier > 0, multiplier.isFinite else {
            throw .invalidParameter(indicator: "SUPERTREND", reason: "multiplier must be positive")
        }
        self.multiplier = multiplier
        atr = try AverageTrueRange(period: period)
    }

    @inlinable
    public mutating func update(_ bar: BarSample) throws(IndicatorError) {
        try bar.checkFinite("SUPERTREND")
        advance(bar)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ bar: BarSample) {
        atr.advance(bar)
        defer { previousClose = bar.close }
        guard let range = atr.value else { return }
        let middle = (bar.high + bar.low) / 2
        var lower = middle - multiplier * range
        var upper = middle + multiplier * range
        if let previousLower = lowerBand, let previousUpper = upperBand, let close = previousClose {
            if close > previousLower { lower = max(lower, previousLower) }
            if close < previousUpper { upper = min(upper, previousUpper) }
            if direction == -1 && bar.close > previousUpper {
                direction = 1
            } else if direction == 1 && bar.close < previousLower {
                direction = -1
            }
        }
        lowerBand = lower
        upperBand = upper
        current = Value(line: direction == 1 ? lower : upper, direction: direction)
    }
}
