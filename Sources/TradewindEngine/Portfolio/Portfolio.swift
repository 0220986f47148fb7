public import TradewindCore

/// Whether the account may borrow.
public enum AccountType: String, Hashable, Sendable, CaseIterable {
    /// No borrowing: buys need cash, sells need a position (no shorting).
    case cash
    /// Cash may go negative and positions may be short, within a ``MarginPolicy``.
    case margin
}

/// Cash, positions and marks for every instrument of a run, with equity kept
/// up to date in O(1) per price update.
public struct Portfolio: Sendable {
    public let accountType: AccountType
    public private(set) var account: Account
    public private(set) var positions: [Position]
    /// Latest price seen per instrument (a close, or a fill before any close).
    public private(set) var marks: [Price?]
    /// Σ market value of positions at their marks, maintained incrementally.
    public private(set) var positionsValue: Money = .zero
    /// Σ |market value| of positions: the exposure margin requirements are computed on.
    public private(set) var grossExposure: Money = .zero
    private var values: [Money]

    public init(instruments: [Instrument], startingCash: Money, accountType: AccountType) {
        self.accountType = accountType
        self.account = Account(startingCash: startingCash)
        self.positions = instruments.map {
            Position(instrumentID: $0.id, sizePrecision: $0.sizePrecision, pricePrecision: $0.pricePrecision)
        }
        self.marks = Array(repeating: nil, count: instruments.count)
        self.values = Array(repeating: .zero, count: instruments.count)
    }

    /// Cash plus positions marked to their latest prices.
    @inlinable
    public var equity: Money { account.cash + positionsValue }

    /// Market value of the position in one instrument at its mark (negative for a short).
    public func value(_ instrument: Int) -> Money { values[instrument] }

    /// Equity and gross exposure if the position in `instrument` were worth `value` instead.
    public func revalued(_ instrument: Int, at value: Money) -> (equity: Money, grossExposure: Money) {
        (equity + value - values[instrument], grossExposure - values[instrument].magnitude + value.magnitude)
    }

    /// Gross PnL realised by all positions.
    public var realizedPnL: Money { positions.reduce(.zero) { $0 + $1.realizedPnL } }

    /// Open positions' value at their marks minus their cost.
    public var unrealizedPnL: Money { positionsValue - positions.reduce(.zero) { $0 + $1.costBasis } }

    /// Settles a funding payment (`amount` leaves the account; arrives when negative).
    public mutating func applyFunding(_ amount: Money) { account.applyFunding(amount) }

    /// Records the latest price of an instrument.
    public mutating func mark(_ instrument: Int, at price: Price) {
        marks[instrument] = price
        revalue(instrument)
    }

    /// Applies a fill to cash and the position; returns what the position did.
    public mutating func apply(_ fill: Fill, instrument: Int) -> PositionChange {
        account.apply(fill)
        let change = positions[instrument].apply(fill)
        if marks[instrument] == nil { marks[instrument] = fill.price }
        revalue(instrument)
        return change
    }

    private mutating func revalue(_ instrument: Int) {
        let quantity = positions[instrument].quantity
        let newValue = quantity.isZero ? .zero : marks[instrument].map { $0 * quantity } ?? .zero
        let oldValue = values[instrument]
        positionsValue += newValue - oldValue
        grossExposure += newValue.magnitude - oldValue.magnitude
        values[instrument] = newValue
    }
}
