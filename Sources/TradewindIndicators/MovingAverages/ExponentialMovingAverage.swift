/// Exponential moving average with `k = 2 / (period + 1)` (TA-Lib `EMA`).
///
/// Seeded, as TA-Lib does, with the simple average of the first `period` inputs;
/// it has no value before that.
public struct ExponentialMovingAverage: ScalarIndicator, Sendable {
    public let period: Int
    public let smoothing: Double
    @usableFromInline var seedSum = 0.0
    @usableFromInline var seen = 0
    @usableFromInline var current: Double?
    @inlinable
    public var value: Double? { current }

    /// - Throws: ``IndicatorError/invalidParameter(indicator:reason:)`` unless `period >= 1`.
    public init(period: Int) throws(IndicatorError) {
        guard period >= 1 else { throw .invalidParameter(indicator: "EMA", reason: "period must be at least 1, got \(period)") }
        self.period = period
        self.smoothing = 2.0 / Double(period + 1)
    }

    @inlinable
    public mutating func update(_ input: Double) throws(IndicatorError) {
        try checkFinite(input, "EMA")
        push(input)
    }

    /// Update without the finiteness check, for composite indicators (see ``SimpleMovingAverage``).
    @inlinable
    mutating func push(_ input: Double) {
        if let previous = current {
            current = (input - previous) * smoothing + previous
            return
        }
        seedSum += input
        seen += 1
        if seen == period { current = seedSum / Double(period) }
    }
}
