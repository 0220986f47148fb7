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
    public var marks: [Price?] { books.map(\.mark) }
    /// Σ market value of positions at their marks, maintained incrementally.
    public private(set) var positionsValue: Money = .zero
    /// Σ |market value| of positions: the exposure margin requirements are computed on.
    public private(set) var grossExposure: Money = .zero
    /// Mark and market value per instrument, side by side: one array written per price update.
    private var books: SlotArray<MarkBook>

    struct MarkBook: Sendable {
        var mark: Price?
        /// Position × mark (negative for a short).
        var value: Money = .zero
    }

    public init(instruments: [Instrument], startingCash: Money, accountType: AccountType) {
        self.accountType = accountType
        self.account = Account(startingCash: startingCash)
        self.positions = instruments.map {
            Position(instrumentID: $0.id, sizePrecision: $0.sizePrecision, pricePrecision: $0.pricePrecision)
        }
        self.books = SlotArray(Array(repeating: MarkBook(), count: instruments.count))
    }

    /// Cash plus positions marked to their latest prices.
    @inlinable
    public var equity: Money { account.cash + positionsValue }

    /// Market value of the position in one instrument at its mark (negative for a short).
    public func value(_ instrument: Int) -> Money { books[instrument].value }

    /// The latest price seen for one instrument.
    public func mark(of instrument: Int) -> Price? { books[instrument].mark }

    /// Equity and gross exposure if the position in `instrument` were worth `value` instead.
    public func revalued(_ instrument: Int, at value: Money) -> (equity: Money, grossExposure: Money) {
        (equity + value - books[instrument].value, grossExposure - books[instrument].value.magnitude + value.magnitude)
    }

    /// Gross PnL realised by all positions.
    public var realizedPnL: Money { positions.reduce(.zero) { $0 + $1.realizedPnL } }

    /// Open positions' value at their marks minus their cost.
    public var unrealizedPnL: Money { positionsValue - positions.reduce(.zero) { $0 + $1.costBasis } }

    /// Settles a funding payment (`amount` leaves the account; arrives when negative).
    public mutating func applyFunding(_ amount: Money) { account.applyFunding(amount) }

    /// Records the latest price of an instrument.
    @inline(__always)
    public mutating func mark(_ instrument: Int, at price: Price) {
        books.makeUnique()
        markPrepared(instrument, at: price)
    }

    /// Readies ``markPrepared(_:at:)`` for a run of bars: the copy-on-write check of the marks,
    /// made once for the run.
    @inline(__always)
    mutating func prepareForMarks() { books.makeUnique() }

    /// ``mark(_:at:)`` after ``prepareForMarks()``, with no copy of the portfolio made since.
    @inline(__always)
    mutating func markPrepared(_ instrument: Int, at price: Price) {
        let quantity = positions[instrument].quantity
        // Prices and values stay in registers: storing the mark and reading it back
        // at another width stalls store-to-load forwarding on every bar.
        let newValue = quantity.isZero ? Money.zero : price * quantity
        let oldValue = books[prepared: instrument].value
        books[prepared: instrument] = MarkBook(mark: price, value: newValue)
        addToTotals(newValue, replacing: oldValue)
    }

    /// Applies a fill to cash and the position; returns what the position did.
    public mutating func apply(_ fill: Fill, instrument: Int) -> PositionChange {
        account.apply(fill)
        let change = positions[instrument].apply(fill)
        let quantity = positions[instrument].quantity
        let price = books[instrument].mark ?? fill.price
        let newValue = quantity.isZero ? Money.zero : price * quantity
        let oldValue = books[instrument].value
        books[instrument] = MarkBook(mark: price, value: newValue)
        addToTotals(newValue, replacing: oldValue)
        return change
    }

    @inline(__always)
    private mutating func addToTotals(_ newValue: Money, replacing oldValue: Money) {
        positionsValue += newValue - oldValue
        grossExposure += newValue.magnitude - oldValue.magnitude
    }
}
