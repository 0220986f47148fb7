/// MACD (TA-Lib `MACD`): line = EMA(fast) − EMA(slow), signal = EMA(line, `signal`),
/// histogram = line − signal.
///
/// TA-Lib starts both averages on the same bar: the slow EMA is seeded with the mean
/// of the first `slow` inputs and the fast EMA with the mean of the `fast` inputs ending
/// on that same bar (earlier inputs do not affect it). This type does the same, so the
/// three lines appear together after `slow + signal − 2` inputs and match TA-Lib exactly.
public struct MovingAverageConvergenceDivergence: ScalarIndicator, Sendable {
    public struct Value: Hashable, Sendable {
        public var macd: Double
        public var signal: Double
        public var histogram: Double

        @inlinable
        public init(macd: Double, signal: Double, histogram: Double) {
            self.macd = macd
            self.signal = signal
            self.histogram = histogram
        }
    }

    public let fastPeriod: Int, slowPeriod: Int, signalPeriod: Int
    @usableFromInline var recent: RingBuffer
    @usableFromInline var seen = 0
    @usableFromInline var fastEMA: Double?
    @usableFromInline let fastK: Double
    @usableFromInline var slowEMA: ExponentialMovingAverage
    @usableFromInline var signalEMA: ExponentialMovingAverage
    @usableFromInline var line: Double?
    @inlinable
    public var lines: Value? {
        guard let line, let signal = signalEMA.value else { return nil }
        return Value(macd: line, signal: signal, histogram: line - signal)
    }
    @inlinable
    public var value: Double? { lines?.macd }

    public init(fast: Int = 12, slow: Int = 26, signal: Int = 9) throws(IndicatorError) {
        try checkPeriod(fast, "MACD")
        try checkPeriod(signal, "MACD")
        let (fast, slow) = fast <= slow ? (fast, slow) : (slow, fast)  // TA-Lib swaps them too
        fastPeriod = fast
        slowPeriod = slow
        signalPeriod = signal
        recent = RingBuffer(capacity: fast)
        fastK = 2.0 / Double(fast + 1)
        slowEMA = try ExponentialMovingAverage(period: slow)
        signalEMA = try ExponentialMovingAverage(period: signal)
    }

    @inlinable
    public mutating func update(_ input: Double) throws(IndicatorError) {
        try checkFinite(input, "MACD")
        advance(input)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ input: Double) {
        seen += 1
        slowEMA.push(input)
        if let fast = fastEMA {
            fastEMA = (input - fast) * fastK + fast
        } else {
            recent.push(input)
            guard seen == slowPeriod else { return }
            var sum = 0.0
            for i in 0..<fastPeriod { sum += recent[i] }
            fastEMA = sum / Double(fastPeriod)
        }
        guard let fast = fastEMA, let slow = slowEMA.value else { return }
        line = fast - slow
        signalEMA.push(fast - slow)
    }
}
