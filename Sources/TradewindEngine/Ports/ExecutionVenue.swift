public import TradewindCore

/// A venue's report about one order: the order id plus what happened to it.
public struct ExecutionReport: Hashable, Sendable {
    public var orderID: ClientOrderID
    public var event: OrderEvent

    public init(orderID: ClientOrderID, event: OrderEvent) {
        self.orderID = orderID
        self.event = event
    }
}

/// Where orders go: a simulated exchange in backtest and paper trading, an
/// exchange adapter live. The engine talks to nothing else.
///
/// Reports are appended to a caller-owned buffer so a backtest's hot loop does not
/// allocate; a live adapter appends nothing here and delivers reports later
/// through the trading node.
public protocol ExecutionVenue {
    /// Takes a new order (already in state `submitted`).
    mutating func submit(_ order: Order, now: Timestamp, reports: inout [ExecutionReport])
    /// Asks to cancel a working order.
    mutating func cancel(_ orderID: ClientOrderID, now: Timestamp, reports: inout [ExecutionReport])
    /// Shows the venue a bar before the strategy sees it; a simulated venue matches
    /// working orders against it, a real venue ignores it.
    mutating func onBar(_ event: BarEvent, reports: inout [ExecutionReport])
    /// Shows the venue a best bid/offer; a simulated venue matches against it.
    mutating func onQuote(_ event: QuoteEvent, reports: inout [ExecutionReport])
    /// Shows the venue a trade print; a simulated venue matches against it.
    mutating func onTrade(_ event: TradeTickEvent, reports: inout [ExecutionReport])
}

extension ExecutionVenue {
    /// Real venues match on their own; market data is not theirs to see.
    public mutating func onQuote(_ event: QuoteEvent, reports: inout [ExecutionReport]) {}
    public mutating func onTrade(_ event: TradeTickEvent, reports: inout [ExecutionReport]) {}
}
