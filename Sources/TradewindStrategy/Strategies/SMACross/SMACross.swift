public import TradewindCore
import TradewindIndicators

/// Long-only moving-average crossover: buy `size` when the fast SMA of closes
/// crosses above the slow SMA, sell the whole position when it crosses below.
/// Each instrument has its own averages, so one instance can trade a portfolio.
///
/// A cross needs both averages on two consecutive bars: the fast average was at
/// or below (above) the slow one on the previous bar and is strictly above (below)
/// it now. Orders are market orders, so they fill at the next bar's open.
public struct SMACross: Strategy {
    public static let name = "sma-cross"
    public static let summary = "long-only fast/slow simple moving average crossover"

    public let parameters: SMACrossParameters
    struct Averages {
        var fast: SimpleMovingAverage
        var slow: SimpleMovingAverage
        /// fast − slow on the previous bar, once both averages were ready.
        var previousSpread: Double?
    }
    /// Per instrument index, created on its first bar.
    private var averages: [Averages] = []
    private let fresh: Averages

    public init(parameters: SMACrossParameters) throws(StrategyError) {
        self.parameters = parameters
        do {
            fresh = Averages(fast: try SimpleMovingAverage(period: parameters.fast), slow: try SimpleMovingAverage(period: parameters.slow))
        } catch {
            throw .invalidParameter(name: "fast", reason: error.description)
        }
    }

    public func indicatorValues(instrument: Int) -> [(name: String, value: Double)] {
        guard instrument < averages.count else { return [] }
        return [("sma(\(parameters.fast))", averages[instrument].fast.value), ("sma(\(parameters.slow))", averages[instrument].slow.value)]
            .compactMap { name, value in value.map { (name, $0) } }
    }

    public mutating func onBar(_ event: BarEvent, context: inout StrategyContext) throws {
        let instrument = event.instrument
        while averages.count <= instrument { averages.append(fresh) }
        // A price converted from its exact decimal is always finite: the unchecked update.
        let close = event.bar.close.doubleValue
        let cross: (previous: Double, spread: Double)? = averages.withUnsafeMutableBufferPointer { all in
            all[instrument].fast.update(finite: close)
            all[instrument].slow.update(finite: close)
            guard let fastValue = all[instrument].fast.value, let slowValue = all[instrument].slow.value else { return nil }
            let spread = fastValue - slowValue
            defer { all[instrument].previousSpread = spread }
            return all[instrument].previousSpread.map { ($0, spread) }
        }
        guard let (previous, spread) = cross else { return }
        if previous <= 0 && spread > 0 {
            let id = context.instrument(instrument).id
            if context.position(instrument).isFlat && !context.hasOpenOrders(in: id) {
                context.submit(.market(.buy, parameters.size, of: id))
            }
        } else if previous >= 0 && spread < 0 {
            let position = context.position(instrument)
            if position.isLong { context.submit(.market(.sell, position.quantity, of: context.instrument(instrument).id)) }
        }
    }
}
