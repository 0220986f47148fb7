public import TradewindCore

/// Long-only moving-average crossover: buy `size` when the fast SMA of closes
/// crosses above the slow SMA, sell the whole position when it crosses below.
/// Each instrument has its own averages, so one instance can trade a portfolio.
///
/// A cross needs both averages on two consecutive bars: the fast average was at
/// or below (above) the slow one on the previous bar and is strictly above (below)
/// it now. Orders are market orders, so they fill at the next bar's open.
///
/// The comparison is exact: the averages are kept as integer sums of the closes' fixed-point
/// values, and `fast mean > slow mean` is decided as `fastSum × slow > slowSum × fast`. No
/// division and no rounding, so a tie is a tie (floating-point means can differ in the last
/// bit when the exact means are equal), and the per-bar cost is a few integer operations.
public struct SMACross: Strategy {
    public static let name = "sma-cross"
    public static let summary = "long-only fast/slow simple moving average crossover"

    public let parameters: SMACrossParameters

    /// One instrument's closes and sums. The fast window is the newest part of the slow
    /// one, so one ring of `slow` closes serves both averages.
    struct Averages {
        /// The last `slow` closes at `scale` decimals; `next` is the oldest (overwritten next).
        var closes: [Int64]
        var next = 0
        var seen = 0
        var scale: UInt8 = 0
        var fastSum: Int128 = 0
        var slowSum: Int128 = 0
        /// The sign of fast mean − slow mean on the previous bar once both were ready
        /// (−1, 0, 1), else ``noSign``: one byte, no optional to unwrap per bar.
        var previousSign: Int8 = noSign
        static let noSign: Int8 = 2
    }
    /// The first instrument's averages, created on its first bar. Kept apart from the others so
    /// that a single-instrument run's bar writes one array (the ring), not an array of them too:
    /// each array write is a copy-on-write check.
    private var first: Averages?
    /// Instruments 1, 2, …, created on their first bars.
    private var others: [Averages] = []

    public init(parameters: SMACrossParameters) throws(StrategyError) {
        self.parameters = parameters
    }

    public func indicatorValues(instrument: Int) -> [(name: String, value: Double)] {
        let found = instrument == 0 ? first : (instrument - 1 < others.count ? others[instrument - 1] : nil)
        guard let state = found else { return [] }
        let unit = Double(FixedPoint.pow10(state.scale))
        var values: [(name: String, value: Double)] = []
        if state.seen >= parameters.fast { values.append(("sma(\(parameters.fast))", Double(state.fastSum) / Double(parameters.fast) / unit)) }
        if state.seen >= parameters.slow { values.append(("sma(\(parameters.slow))", Double(state.slowSum) / Double(parameters.slow) / unit)) }
        return values
    }

    public mutating func onBar(_ event: BarEvent, context: inout StrategyContext) throws {
        let instrument = event.instrument
        let fast = parameters.fast, slow = parameters.slow
        let close = event.bar.close
        let cross: (previous: Int, now: Int)?
        if instrument == 0 {
            if first == nil { first = Averages(closes: Array(repeating: 0, count: slow)) }
            cross = Self.push(close, into: &first!, fast: fast, slow: slow)
        } else {
            while others.count < instrument { others.append(Averages(closes: Array(repeating: 0, count: slow))) }
            cross = others.withUnsafeMutableBufferPointer { all in Self.push(close, into: &all[instrument - 1], fast: fast, slow: slow) }
        }
        guard let (previous, now) = cross else { return }
        if previous <= 0 && now > 0 {
            let id = context.instrument(instrument).id
            if context.position(instrument).isFlat && !context.hasOpenOrders(in: id) {
                context.submit(.market(.buy, parameters.size, of: id))
            }
        } else if previous >= 0 && now < 0 {
            let position = context.position(instrument)
            if position.isLong { context.submit(.market(.sell, position.quantity, of: context.instrument(instrument).id)) }
        }
    }

    /// Adds a close; returns the previous and the new sign of fast mean − slow mean once both
    /// averages were ready on the previous bar too. In place: no copy of the ring.
    ///
    /// The sums cannot overflow, so they use wrapping arithmetic (no overflow branch per
    /// operation): a close is an `Int64` (|close| ≤ 2⁶³), a window holds at most
    /// ``SMACrossParameters/maximumSlow`` (2²⁰) of them, so |sum| ≤ 2⁸³ and |sum × window| ≤ 2¹⁰³,
    /// far inside `Int128`. Rescaling a close (`raw * 10^k`) stays checked.
    @inline(__always)
    static func push(_ close: Price, into state: inout Averages, fast: Int, slow: Int) -> (previous: Int, now: Int)? {
        if close.precision > state.scale { rescale(&state, to: close.precision) }
        var raw = close.raw
        if close.precision < state.scale { raw *= FixedPoint.pow10(state.scale - close.precision) }
        let oldest = state.next, seen = state.seen
        // The close leaving the fast window sits `slow - fast` places after the oldest.
        var leavingFast = oldest &+ (slow &- fast)
        if leavingFast >= slow { leavingFast &-= slow }
        let (leftFast, leftSlow) = state.closes.withUnsafeMutableBufferPointer { ring in
            let base = ring.baseAddress.unsafelyUnwrapped
            defer { base[oldest] = raw }
            return (base[leavingFast], base[oldest])
        }
        // Until a window is full, the slot leaving it has never been written and still holds
        // the ring's initial zero, so subtracting it unconditionally is exact.
        state.fastSum = state.fastSum &+ Int128(raw) &- Int128(leftFast)
        state.slowSum = state.slowSum &+ Int128(raw) &- Int128(leftSlow)
        state.next = oldest &+ 1 == slow ? 0 : oldest &+ 1
        state.seen = seen &+ 1
        guard seen &+ 1 >= slow else { return nil }
        let difference = state.fastSum &* Int128(slow) &- state.slowSum &* Int128(fast)
        let sign = difference > 0 ? 1 : (difference < 0 ? -1 : 0)
        defer { state.previousSign = Int8(truncatingIfNeeded: sign) }
        return state.previousSign == Averages.noSign ? nil : (Int(state.previousSign), sign)
    }

    /// A close with more decimals than the ones seen so far: the stored closes and sums move
    /// to its scale (a close with fewer decimals is scaled up on its own instead).
    static func rescale(_ state: inout Averages, to precision: UInt8) {
        if state.seen == 0 {
            state.scale = precision
            return
        }
        let factor = FixedPoint.pow10(precision - state.scale)
        for index in state.closes.indices { state.closes[index] *= factor }
        state.fastSum *= Int128(factor)
        state.slowSum *= Int128(factor)
        state.scale = precision
    }
}
