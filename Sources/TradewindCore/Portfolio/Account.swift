/// A single-currency cash account: cash moves with every fill, fees are tracked.
///
/// Equity (cash plus the market value of positions) needs prices, so the
/// portfolio computes it; the account only knows cash.
public struct Account: Hashable, Sendable {
    public let startingCash: Money
    public private(set) var cash: Money
    public private(set) var feesPaid: Money = .zero
    /// Net funding paid on perpetuals (negative when funding was received).
    public private(set) var fundingPaid: Money = .zero

    public init(startingCash: Money) {
        self.startingCash = startingCash
        self.cash = startingCash
    }

    /// Settles a fill: a buy pays notional plus fee, a sell receives notional minus fee.
    public mutating func apply(_ fill: Fill) {
        let notional = fill.notional
        cash += fill.side == .buy ? -notional : notional
        cash -= fill.fee
        feesPaid += fill.fee
    }

    /// Settles a funding payment: `amount` leaves the account (arrives when negative).
    public mutating func applyFunding(_ amount: Money) {
        cash -= amount
        fundingPaid += amount
    }
}
