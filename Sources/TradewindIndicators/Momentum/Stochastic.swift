/// Raw stochastic %K: where the close sits in the high–low range of the last `period`
/// bars, 0…100; 0 when the range is empty (TA-Lib's convention).
@usableFromInline
struct RawStochastic: Sendable {
    @usableFromInline var window: RollingHighLow

    @usableFromInline
    init(period: Int) {
        window = RollingHighLow(period: period)
    }

    /// Feeds one bar; returns %K once `period` bars were seen.
    @inlinable
    mutating func update(high: Double, low: Double, close: Double) -> Double? {
        window.push(high: high, low: low)
        guard window.isFull else { return nil }
        // One division instead of TA-Lib's two; the results differ by at most an ulp or two.
        let range = window.high - window.low
        return range != 0 ? 100 * (close - window.low) / range : 0
    }
}

/// Slow stochastic oscillator (TA-Lib `STOCH` with simple moving averages):
/// %K = SMA(raw %K over `fastK` bars, `slowK`), %D = SMA(%K, `slowD`).
/// Like TA-Lib, both lines appear together, once %D is defined.
public struct Stochastic: BarIndicator, Sendable {
    public struct Value: Hashable, Sendable {
        public var k: Double
        public var d: Double

        @inlinable
        public init(k: Double, d: Double) {
            self.k = k
            self.d = d
        }
    }

    public let fastK: Int, slowK: Int, slowD: Int
    @usableFromInline var raw: RawStochastic
    @usableFromInline var kAverage: SimpleMovingAverage
    @usableFromInline var dAverage: SimpleMovingAverage
    @inlinable
    public var value: Value? {
        guard let k = kAverage.value, let d = dAverage.value else { return nil }
        return Value(k: k, d: d)
    }

    public init(fastK: Int = 14, slowK: Int = 3, slowD: Int = 3) throws(IndicatorError) {
        try checkPeriod(fastK, "STOCH")
        self.fastK = fastK
        self.slowK = slowK
        self.slowD = slowD
        raw = RawStochastic(period: fastK)
        kAverage = try SimpleMovingAverage(period: slowK)
        dAverage = try SimpleMovingAverage(period: slowD)
    }

    @inlinable
    public mutating func update(_ bar: BarSample) throws(IndicatorError) {
        try bar.checkFinite("STOCH")
        advance(high: bar.high, low: bar.low, close: bar.close)
    }

    @inlinable
    mutating func advance(high: Double, low: Double, close: Double) {
        guard let k = raw.update(high: high, low: low, close: close) else { return }
        kAverage.push(k)
        if let slow = kAverage.value { dAverage.push(slow) }
    }
}

/// Fast stochastic (TA-Lib `STOCHF`): %K is the raw stochastic, %D = SMA(%K, `fastD`).
public struct FastStochastic: BarIndicator, Sendable {
    public let fastK: Int, fastD: Int
    @usableFromInline var raw: RawStochastic
    @usableFromInline var latestK = 0.0
    @usableFromInline var dAverage: SimpleMovingAverage
    @inlinable
    public var value: Stochastic.Value? { dAverage.value.map { Stochastic.Value(k: latestK, d: $0) } }

    public init(fastK: Int = 5, fastD: Int = 3) throws(IndicatorError) {
        try checkPeriod(fastK, "STOCHF")
        self.fastK = fastK
        self.fastD = fastD
        raw = RawStochastic(period: fastK)
        dAverage = try SimpleMovingAverage(period: fastD)
    }

    @inlinable
    public mutating func update(_ bar: BarSample) throws(IndicatorError) {
        try bar.checkFinite("STOCHF")
        advance(high: bar.high, low: bar.low, close: bar.close)
    }

    @inlinable
    mutating func advance(high: Double, low: Double, close: Double) {
        guard let k = raw.update(high: high, low: low, close: close) else { return }
        latestK = k
        dAverage.push(k)
    }
}

/// Stochastic RSI: a stochastic oscillator applied to the RSI series.
///
/// Two conventions disagree, so both are offered and named:
/// - ``Convention/taLib`` (TA-Lib `STOCHRSI`): %K is the raw stochastic of RSI over
///   `stochastic` values, %D = SMA(%K, `dSmoothing`); `kSmoothing` is not used.
/// - ``Convention/tradingView`` (TradingView's "Stoch RSI"): %K = SMA(raw, `kSmoothing`),
///   %D = SMA(%K, `dSmoothing`).
public struct StochasticRSI: ScalarIndicator, Sendable {
    public enum Convention: String, Hashable, Sendable, CaseIterable {
        case taLib = "talib"
        case tradingView = "tradingview"
    }

    public let convention: Convention
    @usableFromInline var rsi: RelativeStrengthIndex
    @usableFromInline var fast: FastStochastic
    @usableFromInline var slow: Stochastic
    /// %K and %D.
    @inlinable
    public var lines: Stochastic.Value? { convention == .taLib ? fast.value : slow.value }
    /// %K, for use as a single series.
    @inlinable
    public var value: Double? { lines?.k }

    public init(rsiPeriod: Int = 14, stochastic: Int = 14, kSmoothing: Int = 3, dSmoothing: Int = 3,
                convention: Convention = .taLib) throws(IndicatorError) {
        self.convention = convention
        rsi = try RelativeStrengthIndex(period: rsiPeriod)
        fast = try FastStochastic(fastK: stochastic, fastD: dSmoothing)
        slow = try Stochastic(fastK: stochastic, slowK: kSmoothing, slowD: dSmoothing)
    }

    @inlinable
    public mutating func update(_ input: Double) throws(IndicatorError) {
        try checkFinite(input, "STOCHRSI")
        advance(input)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ input: Double) {
        rsi.advance(input)
        guard let r = rsi.value else { return }
        switch convention {
        case .taLib: fast.advance(high: r, low: r, close: r)
        case .tradingView: slow.advance(high: r, low: r, close: r)
        }
    }
}

/// Williams %R over `period` bars, −100…0 (TA-Lib `WILLR`); 0 when the range is empty.
public struct WilliamsR: BarIndicator, Sendable {
    public let period: Int
    @usableFromInline var window: RollingHighLow
    @usableFromInline var current: Double?
    @inlinable
    public var value: Double? { current }

    public init(period: Int = 14) throws(IndicatorError) {
        try checkPeriod(period, "WILLR")
        self.period = period
        window = RollingHighLow(period: period)
    }

    @inlinable
    public mutating func update(_ bar: BarSample) throws(IndicatorError) {
        try bar.checkFinite("WILLR")
        advance(bar)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ bar: BarSample) {
        window.push(high: bar.high, low: bar.low)
        guard window.isFull else { return }
        let range = window.high - window.low
        current = range != 0 ? -100 * (window.high - bar.close) / range : 0
    }
}
