/// Wilder's directional movement system (TA-Lib `PLUS_DI`, `MINUS_DI`, `ADX`).
///
/// +DM/−DM and the true range are summed over the first `period − 1` changes, then
/// smoothed as `sum − sum ÷ period + new`. ±DI = 100 × DM ÷ TR from bar `period + 1` (0 when TR is
/// below 1e-8); DX = 100 × |+DI − −DI| ÷ (+DI + −DI); ADX is the mean of the first `period`
/// DX values, then Wilder-smoothed, from bar `2·period`. A DX whose DI sum is below 1e-8 is
/// skipped, as TA-Lib does.
public struct DirectionalMovement: BarIndicator, Sendable {
    public struct Value: Hashable, Sendable {
        /// `nil` until `2·period` bars were seen.
        public var adx: Double?
        public var plusDI: Double
        public var minusDI: Double

        @inlinable
        public init(adx: Double?, plusDI: Double, minusDI: Double) {
            self.adx = adx
            self.plusDI = plusDI
            self.minusDI = minusDI
        }
    }

    public let period: Int
    @usableFromInline let reciprocal: Double
    @usableFromInline var previous: BarSample?
    @usableFromInline var changes = 0
    @usableFromInline var plusDM = 0.0
    @usableFromInline var minusDM = 0.0
    @usableFromInline var trueRange = 0.0
    @usableFromInline var dxSum = 0.0
    @usableFromInline var dxCount = 0
    @usableFromInline var adx: Double?
    @usableFromInline var indicators: (plus: Double, minus: Double)?
    @inlinable
    public var value: Value? { indicators.map { Value(adx: adx, plusDI: $0.plus, minusDI: $0.minus) } }

    public init(period: Int = 14) throws(IndicatorError) {
        try checkPeriod(period, minimum: 2, "ADX")
        self.period = period
        self.reciprocal = 1.0 / Double(period)
    }

    @inlinable
    public mutating func update(_ bar: BarSample) throws(IndicatorError) {
        try bar.checkFinite("ADX")
        advance(bar)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ bar: BarSample) {
        defer { previous = bar }
        guard let previous else { return }
        changes += 1
        let up = bar.high - previous.high
        let down = previous.low - bar.low
        let range = TrueRange.range(high: bar.high, low: bar.low, previousClose: previous.close)
        let n = Double(period)
        // A move counts when it is positive and larger than the opposite move (TA-Lib's rule),
        // decided with vector masks rather than branches: the sign of a move is noise to a
        // branch predictor. Adding 0.0 leaves a sum bit-identical, so this is TA-Lib's arithmetic.
        let moves = SIMD2(up, down)
        let counted = moves.replacing(with: 0, where: (moves .<= 0) .| (moves .<= SIMD2(down, up)))
        let plusMove = counted.x, minusMove = counted.y
        if changes < period {
            minusDM += minusMove
            plusDM += plusMove
            trueRange += range
            return
        }
        // Multiplying by reciprocals instead of dividing: within an ulp per step, and the
        // smoothing contracts errors, so results stay within 1e-15 of TA-Lib's divisions.
        minusDM -= minusDM * reciprocal
        plusDM -= plusDM * reciprocal
        minusDM += minusMove
        plusDM += plusMove
        trueRange = trueRange - (trueRange * reciprocal) + range
        let measurable = !isNearZero(trueRange)
        let scale = measurable ? 100.0 / trueRange : 0
        let minus = minusDM * scale
        let plus = plusDM * scale
        indicators = (plus, minus)
        let sum = minus + plus
        // A bar without a measurable DX still counts toward the first `period`, adding nothing.
        let dx: Double? = measurable && !isNearZero(sum) ? 100.0 * (abs(minus - plus) / sum) : nil
        if dxCount < period {
            dxCount += 1
            if let dx { dxSum += dx }
            if dxCount == period { adx = dxSum * reciprocal }
        } else if let dx, let smoothed = adx {
            adx = ((smoothed * (n - 1)) + dx) * reciprocal
        }
    }
}
