public import TradewindCore

/// What a simulated execution costs: a rate on notional (maker or taker), a fixed amount
/// per unit traded, and a minimum per fill.
public struct FeeModel: Hashable, Sendable {
    /// Fraction of notional charged on a fill that added liquidity (negative: a rebate).
    public var makerRate: Rate
    /// Fraction of notional charged on a fill that took liquidity.
    public var takerRate: Rate
    /// Charged per unit of quantity on every fill (e.g. 0.005 per share).
    public var perUnit: Price
    /// The least a fill that costs anything is charged (rebates are not raised to it).
    public var minimum: Money

    /// The same `rate` for maker and taker fills.
    public init(rate: Rate) {
        self.init(maker: rate, taker: rate)
    }

    public init(maker: Rate, taker: Rate, perUnit: Price = .zero(), minimum: Money = .zero) {
        self.makerRate = maker
        self.takerRate = taker
        self.perUnit = perUnit
        self.minimum = minimum
    }

    public static let free = FeeModel(rate: .zero())

    /// The exact fee for a fill of `quantity` at `price`.
    @inlinable
    public func fee(price: Price, quantity: Quantity, liquidity: Liquidity = .taker) -> Money {
        let rate = liquidity == .maker ? makerRate : takerRate
        var fee = (price * quantity) * rate
        if !perUnit.isZero { fee += perUnit * quantity }
        if !fee.isNegative && fee < minimum { fee = minimum }
        return fee
    }
}
