public import TradewindCore

/// How the simulated venue turns a bar into executions. Every choice is explicit so a
/// backtest states its assumptions; the defaults are the most common textbook ones.
public struct FillModel: Hashable, Sendable {
    /// When a resting limit order counts as reached.
    public enum LimitRule: String, Hashable, Sendable, CaseIterable {
        /// The bar touched the limit price (optimistic: assumes the queue was ahead of nobody).
        case touch
        /// The bar traded strictly through the limit (conservative: touching may not fill).
        case tradeThrough = "through"
    }

    /// Price concession on fills that take liquidity (market, stop, trailing stop,
    /// market-if-touched); resting limit fills get their limit.
    public enum Slippage: Hashable, Sendable {
        case none
        /// A whole number of the instrument's ticks.
        case ticks(Int)
        /// A fraction of the fill price (`0.0005` = 5 bp), rounded to the tick against the trader.
        case fraction(Rate)
        /// A fraction of the bar's high − low, rounded to the tick against the trader.
        case rangeFraction(Rate)
    }

    public var limitRule: LimitRule
    public var slippage: Slippage
    /// The largest fraction of a bar's volume one order may take (`0.1` = 10 %); the rest
    /// keeps working. `nil`: no cap.
    public var participation: Rate?
    /// How long an order or a cancel takes to reach the venue.
    public var latency: TimeSpan

    public init(limitRule: LimitRule = .touch, slippage: Slippage = .none, participation: Rate? = nil, latency: TimeSpan = .zero) {
        self.limitRule = limitRule
        self.slippage = slippage
        self.participation = participation
        self.latency = latency
    }

    public static let standard = FillModel()
}
