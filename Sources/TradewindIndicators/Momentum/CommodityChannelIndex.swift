/// Commodity channel index over `period` bars (TA-Lib `CCI`):
/// `(TP − mean(TP)) ÷ (0.015 × mean |TP − mean(TP)|)`, TP = (high + low + close) ÷ 3; 0 when
/// either factor is zero.
///
/// The mean absolute deviation depends on every value in the window relative to the
/// current mean, so an update costs O(period) — the one indicator here that is not O(1).
/// Sums run in TA-Lib's buffer order so values match it bit for bit.
public struct CommodityChannelIndex: BarIndicator, Sendable {
    public let period: Int
    @usableFromInline var window: RingBuffer
    @usableFromInline var current: Double?
    @inlinable
    public var value: Double? { current }

    public init(period: Int = 20) throws(IndicatorError) {
        try checkPeriod(period, "CCI")
        self.period = period
        window = RingBuffer(capacity: period)
    }

    @inlinable
    public mutating func update(_ bar: BarSample) throws(IndicatorError) {
        try bar.checkFinite("CCI")
        advance(bar)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ bar: BarSample) {
        let typical = (bar.high + bar.low + bar.close) / 3.0
        window.push(typical)
        guard window.isFull else { return }
        // Both sums run in TA-Lib's buffer order (bit-exact; a four-lane version measured slower).
        let (average, deviation) = window.storage.withUnsafeBufferPointer { slots in
            var sum = 0.0
            for value in slots { sum += value }
            let mean = sum / Double(slots.count)
            var deviation = 0.0
            for value in slots { deviation += abs(value - mean) }
            return (mean, deviation)
        }
        let distance = typical - average
        current = distance != 0 && deviation != 0 ? distance / (0.015 * (deviation / Double(period))) : 0
    }
}

/// Money flow index over `period` bars (TA-Lib `MFI`): a volume-weighted RSI of the typical
/// price; 0 when the total money flow is below 1 (TA-Lib's guard).
public struct MoneyFlowIndex: BarIndicator, Sendable {
    public let period: Int
    @usableFromInline var positive: RingBuffer
    @usableFromInline var negative: RingBuffer
    @usableFromInline var positiveSum = 0.0
    @usableFromInline var negativeSum = 0.0
    @usableFromInline var previousTypical: Double?
    @usableFromInline var current: Double?
    @inlinable
    public var value: Double? { current }

    public init(period: Int = 14) throws(IndicatorError) {
        try checkPeriod(period, "MFI")
        self.period = period
        positive = RingBuffer(capacity: period)
        negative = RingBuffer(capacity: period)
    }

    @inlinable
    public mutating func update(_ bar: BarSample) throws(IndicatorError) {
        try bar.checkFinite("MFI")
        advance(bar)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ bar: BarSample) {
        let typical = (bar.high + bar.low + bar.close) / 3.0
        defer { previousTypical = typical }
        guard let previous = previousTypical else { return }
        if positive.isFull {
            positiveSum -= positive.oldest
            negativeSum -= negative.oldest
        }
        let change = typical - previous
        let flow = typical * bar.volume
        let down = change < 0 ? flow : 0.0
        let up = change > 0 ? flow : 0.0
        positive.push(up)
        negative.push(down)
        positiveSum += up
        negativeSum += down
        guard positive.isFull else { return }
        let total = positiveSum + negativeSum
        current = total < 1.0 ? 0 : 100.0 * (positiveSum / total)
    }
}
