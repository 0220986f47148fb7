/// Double exponential moving average: `2·EMA − EMA(EMA)` (TA-Lib `DEMA`).
///
/// The inner EMA of the EMA is seeded, as in TA-Lib, with the simple average of the
/// first `period` EMA values, so the first value appears after `2·(period − 1)` inputs.
public struct DoubleExponentialMovingAverage: ScalarIndicator, Sendable {
    public let period: Int
    @usableFromInline var first: ExponentialMovingAverage
    @usableFromInline var second: ExponentialMovingAverage
    @inlinable
    public var value: Double? {
        guard let e1 = first.value, let e2 = second.value else { return nil }
        return 2 * e1 - e2
    }

    public init(period: Int) throws(IndicatorError) {
        try checkPeriod(period, "DEMA")
        self.period = period
        first = try ExponentialMovingAverage(period: period)
        second = try ExponentialMovingAverage(period: period)
    }

    @inlinable
    public mutating func update(_ input: Double) throws(IndicatorError) {
        try checkFinite(input, "DEMA")
        advance(input)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ input: Double) {
        first.push(input)
        if let e1 = first.value { second.push(e1) }
    }
}

/// Triple exponential moving average: `3·EMA − 3·EMA² + EMA³` (TA-Lib `TEMA`), each
/// stage seeded with the simple average of the first `period` values of the stage before.
public struct TripleExponentialMovingAverage: ScalarIndicator, Sendable {
    public let period: Int
    @usableFromInline var first: ExponentialMovingAverage
    @usableFromInline var second: ExponentialMovingAverage
    @usableFromInline var third: ExponentialMovingAverage
    @inlinable
    public var value: Double? {
        guard let e1 = first.value, let e2 = second.value, let e3 = third.value else { return nil }
        return 3 * e1 - 3 * e2 + e3
    }

    public init(period: Int) throws(IndicatorError) {
        try checkPeriod(period, "TEMA")
        self.period = period
        first = try ExponentialMovingAverage(period: period)
        second = try ExponentialMovingAverage(period: period)
        third = try ExponentialMovingAverage(period: period)
    }

    @inlinable
    public mutating func update(_ input: Double) throws(IndicatorError) {
        try checkFinite(input, "TEMA")
        advance(input)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ input: Double) {
        first.push(input)
        guard let e1 = first.value else { return }
        second.push(e1)
        guard let e2 = second.value else { return }
        third.push(e2)
    }
}
