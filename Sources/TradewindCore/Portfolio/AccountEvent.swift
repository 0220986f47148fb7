/// Something that happened to the account rather than to one order.
public enum AccountEvent: Hashable, Sendable {
    /// A perpetual's funding settled: `amount` left the account (negative: it arrived).
    case funding(instrumentID: InstrumentID, rate: Rate, markPrice: Price, amount: Money, at: Timestamp)
    /// Equity fell below the initial margin the open positions need: new exposure is refused
    /// until it recovers.
    case marginCall(equity: Money, initialMargin: Money, maintenanceMargin: Money, at: Timestamp)
    /// Equity fell below the maintenance margin: every position was closed by the venue.
    case liquidation(equity: Money, maintenanceMargin: Money, at: Timestamp)
}
