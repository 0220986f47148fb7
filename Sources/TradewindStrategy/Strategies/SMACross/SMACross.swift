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

    public mutating func onBar(_ event: BarEvent, context: inout StrategyContext) throws {
        let instrument = event.instrument
        while averages.count <= instrument { averages.append(fresh) }
        let close = event.bar.close.doubleValue
        try averages[instrument].fast.update(close)
        try averages[instrument].slow.update(close)
        guard let fastValue = averages[instrument].fast.value, let slowValue = averages[instrument].slow.value else { return }
        let spread = fastValue - slowValue
        defer { averages[instrument].previousSpread = spread }
        guard let previous = averages[instrument].previousSpread else { return }

        let position = context.position(event.instrument)
        if previous <= 0 && spread > 0 && position.isFlat && !context.hasOpenOrders(in: context.instrument(instrument).id) {
            context.submit(.market(.buy, parameters.size, of: context.instrument(event.instrument).id))
        } else if previous >= 0 && spread < 0 && position.isLong {
            context.submit(.market(.sell, position.quantity, of: context.instrument(event.instrument).id))
        }
    }
}
