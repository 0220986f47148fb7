public import TradewindCore

/// What a simulated execution costs.
public struct FeeModel: Hashable, Sendable {
    /// Fraction of notional charged on every fill (`0.001` = 0.1 %).
    public var rate: Rate

    public init(rate: Rate) { self.rate = rate }

    public static let free = FeeModel(rate: .zero())

    /// The exact fee for a fill of `quantity` at `price`.
    @inlinable
    public func fee(price: Price, quantity: Quantity) -> Money { (price * quantity) * rate }
}
