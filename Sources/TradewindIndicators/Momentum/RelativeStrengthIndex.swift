/// Wilder's relative strength index (TA-Lib `RSI`).
///
/// Average gain and loss are seeded with the simple average of the first `period`
/// changes, then smoothed as `(previous × (period − 1) + change) ÷ period`. The first value
/// appears at input `period + 1`. When both averages are (near) zero the RSI is 0, as in TA-Lib.
public struct RelativeStrengthIndex: ScalarIndicator, Sendable {
    public let period: Int
    @usableFromInline var previousInput: Double?
    @usableFromInline var changes = 0
    @usableFromInline var gain = 0.0
    @usableFromInline var loss = 0.0
    @usableFromInline var current: Double?
    @inlinable
    public var value: Double? { current }

    public init(period: Int) throws(IndicatorError) {
        try checkPeriod(period, "RSI")
        self.period = period
    }

    @inlinable
    public mutating func update(_ input: Double) throws(IndicatorError) {
        try checkFinite(input, "RSI")
        advance(input)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ input: Double) {
        defer { previousInput = input }
        guard let previous = previousInput else { return }
        let change = input - previous
        changes += 1
        let n = Double(period)
        if changes <= period {
            if change < 0 { loss -= change } else { gain += change }
            guard changes == period else { return }
            loss /= n
            gain /= n
        } else {
            // Wilder smoothing with a reciprocal multiply (TA-Lib divides; the two agree to
            // an ulp per step and the smoothing damps old differences), branch-free because
            // the sign of a price change is a coin flip the predictor cannot learn.
            let reciprocal = 1 / n
            loss = (loss * (n - 1) + Swift.max(-change, 0)) * reciprocal
            gain = (gain * (n - 1) + Swift.max(change, 0)) * reciprocal
        }
        let total = gain + loss
        current = isNearZero(total) ? 0 : 100 * (gain / total)
    }
}

/// Rate of change in percent over `period` inputs: `(x / x₋ₙ − 1) × 100` (TA-Lib `ROC`); 0 when x₋ₙ is 0.
public struct RateOfChange: ScalarIndicator, Sendable {
    public let period: Int
    @usableFromInline var window: RingBuffer
    @usableFromInline var current: Double?
    @inlinable
    public var value: Double? { current }

    public init(period: Int) throws(IndicatorError) {
        try checkPeriod(period, "ROC")
        self.period = period
        window = RingBuffer(capacity: period + 1)
    }

    @inlinable
    public mutating func update(_ input: Double) throws(IndicatorError) {
        try checkFinite(input, "ROC")
        advance(input)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ input: Double) {
        window.push(input)
        guard window.isFull else { return }
        let past = window.oldest
        current = past != 0 ? ((input / past) - 1) * 100 : 0
    }
}
