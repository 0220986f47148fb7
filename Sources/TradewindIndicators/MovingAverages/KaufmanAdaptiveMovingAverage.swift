/// Kaufman's adaptive moving average (TA-Lib `KAMA`, fast 2, slow 30).
///
/// The smoothing constant is `(ER·(2/3 − 2/31) + 2/31)²`, where the efficiency ratio ER is
/// |net change over `period`| ÷ Σ|bar-to-bar changes|. As in TA-Lib, the first value is
/// produced at input `period + 1`, starting from the previous input, and the path sum is
/// kept as a running total.
public struct KaufmanAdaptiveMovingAverage: ScalarIndicator, Sendable {
    public let period: Int
    @usableFromInline var window: RingBuffer  // the last period + 1 inputs
    @usableFromInline var pathSum = 0.0
    @usableFromInline var current: Double?
    @inlinable
    public var value: Double? { current }
    @usableFromInline static let slowest = 2.0 / (30.0 + 1.0)
    @usableFromInline static let span = 2.0 / (2.0 + 1.0) - slowest

    public init(period: Int) throws(IndicatorError) {
        try checkPeriod(period, "KAMA")
        self.period = period
        window = RingBuffer(capacity: period + 1)
    }

    @inlinable
    public mutating func update(_ input: Double) throws(IndicatorError) {
        try checkFinite(input, "KAMA")
        advance(input)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ input: Double) {
        let previousInput = window.count > 0 ? window[window.count - 1] : input
        let evicted = window.push(input)
        if window.count <= period {
            if window.count > 1 { pathSum += abs(previousInput - input) }
            return
        }
        // The window now spans period + 1 inputs: net change from its oldest to the newest.
        var kama: Double
        if let evicted {
            // Slide the path: drop the step out of the evicted input, add the newest step.
            pathSum -= abs(evicted - window.oldest)
            pathSum += abs(input - previousInput)
            kama = current!
        } else {
            pathSum += abs(previousInput - input)
            kama = previousInput
        }
        let change = input - window.oldest
        var ratio = 1.0
        if !(pathSum <= change || isNearZero(pathSum)) { ratio = abs(change / pathSum) }
        var smoothing = ratio * Self.span + Self.slowest
        smoothing *= smoothing
        kama = (input - kama) * smoothing + kama
        current = kama
    }
}
