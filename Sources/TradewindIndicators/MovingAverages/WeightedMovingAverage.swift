/// Linearly weighted moving average, weights 1…period with the newest heaviest (TA-Lib `WMA`).
///
/// Kept with TA-Lib's two running sums (the plain sum and the weighted sum), so an update
/// is O(1) and values agree with TA-Lib bit for bit.
public struct WeightedMovingAverage: ScalarIndicator, Sendable {
    public let period: Int
    @usableFromInline var window: RingBuffer
    @usableFromInline var plainSum = 0.0
    @usableFromInline var weightedSum = 0.0
    @usableFromInline var trailing = 0.0
    @usableFromInline let divider: Double
    @usableFromInline var current: Double?
    @inlinable
    public var value: Double? { current }

    public init(period: Int) throws(IndicatorError) {
        try checkPeriod(period, "WMA")
        self.period = period
        self.window = RingBuffer(capacity: period)
        self.divider = Double(period * (period + 1) / 2)
    }

    @inlinable
    public mutating func update(_ input: Double) throws(IndicatorError) {
        try checkFinite(input, "WMA")
        advance(input)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ input: Double) {
        window.push(input)
        if window.count < period {
            plainSum += input
            weightedSum += input * Double(window.count)
            return
        }
        plainSum += input
        plainSum -= trailing
        weightedSum += input * Double(period)
        trailing = window.oldest
        current = weightedSum / divider
        weightedSum -= plainSum
    }
}
