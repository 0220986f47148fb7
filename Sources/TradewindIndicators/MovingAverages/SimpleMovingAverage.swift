/// Simple moving average of the last `period` inputs (TA-Lib `SMA`).
///
/// Keeps a running sum and a ring buffer. The sum is updated in TA-Lib's order
/// (drop the oldest, then add the newest) so values agree with TA-Lib bit for bit
/// rather than merely to rounding.
public struct SimpleMovingAverage: ScalarIndicator, Sendable {
    public let period: Int
    @usableFromInline var window: [Double]
    @usableFromInline var next = 0
    @usableFromInline var count = 0
    @usableFromInline var sum = 0.0
    @usableFromInline var current: Double?
    @inlinable
    public var value: Double? { current }

    /// - Throws: ``IndicatorError/invalidParameter(indicator:reason:)`` unless `period >= 1`.
    public init(period: Int) throws(IndicatorError) {
        guard period >= 1 else { throw .invalidParameter(indicator: "SMA", reason: "period must be at least 1, got \(period)") }
        self.period = period
        self.window = Array(repeating: 0, count: period)
    }

    @inlinable
    public mutating func update(_ input: Double) throws(IndicatorError) {
        try checkFinite(input, "SMA")
        push(input)
    }

    /// Update with input the caller knows is finite (a price converted from its exact decimal):
    /// no check, no throw.
    @inlinable
    public mutating func update(finite input: Double) { push(input) }

    /// Update without the finiteness check, for composite indicators feeding values they
    /// derived themselves from already-checked input.
    @inlinable @inline(__always)
    mutating func push(_ input: Double) {
        if count == period {
            sum -= window[next]
        } else {
            count += 1
        }
        sum += input
        window[next] = input
        next = next + 1 == period ? 0 : next + 1
        if count == period { current = sum / Double(period) }
    }
}
