/// Bollinger bands (TA-Lib `BBANDS` with a simple moving average): middle = SMA(`period`),
/// upper/lower = middle ± `deviations` × population standard deviation.
///
/// The variance is E[x²] − E[x]² from running sums, as TA-Lib computes it, and is taken as
/// 0 below 1e-8.
public struct BollingerBands: ScalarIndicator, Sendable {
    public struct Value: Hashable, Sendable {
        public var upper: Double
        public var middle: Double
        public var lower: Double

        @inlinable
        public init(upper: Double, middle: Double, lower: Double) {
            self.upper = upper
            self.middle = middle
            self.lower = lower
        }
    }

    public let period: Int
    public let deviations: Double
    @usableFromInline var average: SimpleMovingAverage
    @usableFromInline var squares: RingBuffer
    @usableFromInline var squareSum = 0.0
    @usableFromInline var bands: Value?
    @inlinable
    public var lines: Value? { bands }
    @inlinable
    public var value: Double? { bands?.middle }

    public init(period: Int = 20, deviations: Double = 2) throws(IndicatorError) {
        try checkPeriod(period, "BBANDS")
        self.period = period
        self.deviations = deviations
        average = try SimpleMovingAverage(period: period)
        squares = RingBuffer(capacity: period)
    }

    @inlinable
    public mutating func update(_ input: Double) throws(IndicatorError) {
        try checkFinite(input, "BBANDS")
        advance(input)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ input: Double) {
        average.push(input)
        if let leaving = squares.push(input * input) { squareSum -= leaving }
        squareSum += input * input
        guard let mean = average.value else { return }
        let variance = squareSum / Double(period) - mean * mean
        let deviation = variance < 0.000_000_01 ? 0 : variance.squareRoot()
        let width = deviation * deviations
        bands = Value(upper: mean + width, middle: mean, lower: mean - width)
    }
}

/// Keltner channels: middle = EMA(close, `period`), upper/lower = middle ± `multiplier` ×
/// ATR(`atrPeriod`) (Wilder). Not in TA-Lib; this is the common modern definition
/// (Linda Raschke's), ready when both averages are.
public struct KeltnerChannels: BarIndicator, Sendable {
    public let multiplier: Double
    @usableFromInline var middle: ExponentialMovingAverage
    @usableFromInline var atr: AverageTrueRange
    @inlinable
    public var value: BollingerBands.Value? {
        guard let mid = middle.value, let range = atr.value else { return nil }
        return BollingerBands.Value(upper: mid + multiplier * range, middle: mid, lower: mid - multiplier * range)
    }

    public init(period: Int = 20, multiplier: Double = 2, atrPeriod: Int = 10) throws(IndicatorError) {
        self.multiplier = multiplier
        middle = try ExponentialMovingAverage(period: period)
        atr = try AverageTrueRange(period: atrPeriod)
    }

    @inlinable
    public mutating func update(_ bar: BarSample) throws(IndicatorError) {
        try bar.checkFinite("KELTNER")
        advance(bar)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ bar: BarSample) {
        middle.push(bar.close)
        atr.advance(bar)
    }
}

/// Donchian channels over `period` bars: upper = highest high, lower = lowest low,
/// middle = their mean. Not in TA-Lib.
public struct DonchianChannels: BarIndicator, Sendable {
    public let period: Int
    @usableFromInline var window: RollingHighLow
    @inlinable
    public var value: BollingerBands.Value? {
        guard window.isFull else { return nil }
        return BollingerBands.Value(upper: window.high, middle: (window.high + window.low) / 2, lower: window.low)
    }

    public init(period: Int = 20) throws(IndicatorError) {
        try checkPeriod(period, "DONCHIAN")
        self.period = period
        window = RollingHighLow(period: period)
    }

    @inlinable
    public mutating func update(_ bar: BarSample) throws(IndicatorError) {
        try bar.checkFinite("DONCHIAN")
        advance(bar)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ bar: BarSample) {
        window.push(high: bar.high, low: bar.low)
    }
}
