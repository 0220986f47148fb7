/// Whether an execution added or removed liquidity; decides maker or taker fees.
public enum Liquidity: String, Hashable, Sendable {
    case maker
    case taker
}

/// One execution of (part of) an order.
public struct Fill: Hashable, Sendable {
    public var orderID: ClientOrderID
    public var tradeID: TradeID
    public var instrumentID: InstrumentID
    public var side: OrderSide
    /// Executed quantity, positive.
    public var quantity: Quantity
    public var price: Price
    /// Fee charged for this execution, in account currency (positive = paid).
    public var fee: Money
    public var liquidity: Liquidity
    public var timestamp: Timestamp

    public init(orderID: ClientOrderID, tradeID: TradeID, instrumentID: InstrumentID, side: OrderSide, quantity: Quantity,
                price: Price, fee: Money, liquidity: Liquidity, timestamp: Timestamp) {
        self.orderID = orderID
        self.tradeID = tradeID
        self.instrumentID = instrumentID
        self.side = side
        self.quantity = quantity
        self.price = price
        self.fee = fee
        self.liquidity = liquidity
        self.timestamp = timestamp
    }

    /// `price × quantity`, exact.
    public var notional: Money { price * quantity }
}
