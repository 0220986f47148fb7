/// What one fill did to a position.
public struct PositionChange: Hashable, Sendable {
    /// Gross profit or loss realised by the closing part of the fill.
    public var realizedPnL: Money
    /// The round trip this fill completed, if it brought the position to flat or flipped it.
    public var closedTrade: Trade?
}

/// A net position in one instrument with exact cost accounting.
///
/// The position keeps its *cost basis* (Σ signed quantity × price of the open
/// part) instead of an average price, so a full close realises exactly
/// `proceeds − cost` with no rounding; a partial close takes a prorated share of
/// the cost, rounded half-even at 10^-12.
public struct Position: Hashable, Sendable {
    public let instrumentID: InstrumentID
    /// Signed: positive long, negative short.
    public private(set) var quantity: Quantity
    /// Signed cost of the open quantity: positive for a long, negative for a short.
    public private(set) var costBasis: Money = .zero
    /// Gross PnL realised over the position's whole history.
    public private(set) var realizedPnL: Money = .zero
    /// Fees paid over the position's whole history.
    public private(set) var fees: Money = .zero
    /// Price precision used when reporting average prices.
    public let pricePrecision: UInt8

    // The current round trip, reset when it closes.
    private var tripOpenedAt: Timestamp?
    private var tripEntryQuantity: Quantity
    private var tripEntryCost: Money = .zero
    private var tripExitProceeds: Money = .zero
    private var tripRealized: Money = .zero
    private var tripFees: Money = .zero

    public init(instrumentID: InstrumentID, sizePrecision: UInt8, pricePrecision: UInt8) {
        self.instrumentID = instrumentID
        self.quantity = .zero(precision: sizePrecision)
        self.tripEntryQuantity = .zero(precision: sizePrecision)
        self.pricePrecision = pricePrecision
    }

    public var side: PositionSide { quantity.isZero ? .flat : (quantity.isPositive ? .long : .short) }
    public var isFlat: Bool { quantity.isZero }

    /// Average entry price of the open quantity, rounded to price precision + 4 digits.
    public var averagePrice: Price? {
        guard !quantity.isZero else { return nil }
        return costBasis.perUnit(quantity, precision: min(pricePrecision + 4, FixedPoint.maxPrecision))
    }

    /// Mark-to-market value of the open quantity (negative for a short).
    @inlinable
    public func marketValue(at price: Price) -> Money { price * quantity }

    /// Profit or loss of the open quantity if closed at `price`, before fees.
    public func unrealizedPnL(at price: Price) -> Money { marketValue(at: price) - costBasis }

    /// Applies a fill: extends, reduces, closes or flips the position.
    public mutating func apply(_ fill: Fill) -> PositionChange {
        precondition(fill.instrumentID == instrumentID, "fill for \(fill.instrumentID) applied to \(instrumentID)")
        let signed = fill.side == .buy ? fill.quantity : -fill.quantity
        fees += fill.fee
        let reducing = !quantity.isZero && (quantity.isPositive != signed.isPositive)
        guard reducing else {
            open(signed, fill: fill, fee: fill.fee)
            return PositionChange(realizedPnL: .zero, closedTrade: nil)
        }

        let openMagnitude = quantity.magnitude
        let closing = min(fill.quantity, openMagnitude)
        let opening = fill.quantity - closing
        // Split the fee between the closing and the opening part of a flip.
        let closingFee = opening.isZero ? fill.fee : fill.fee.prorated(closing, of: fill.quantity)
        let removedCost = costBasis.prorated(closing, of: openMagnitude)
        let proceeds = fill.price * (quantity.isPositive ? closing : -closing)
        let realized = proceeds - removedCost
        realizedPnL += realized
        costBasis -= removedCost
        quantity += quantity.isPositive ? -closing : closing
        tripRealized += realized
        tripExitProceeds += fill.price * closing
        tripFees += closingFee

        var trade: Trade?
        if quantity.isZero {
            trade = closeTrip(at: fill)
            costBasis = .zero
        }
        if !opening.isZero {
            open(fill.side == .buy ? opening : -opening, fill: fill, fee: fill.fee - closingFee)
        }
        return PositionChange(realizedPnL: realized, closedTrade: trade)
    }

    private mutating func open(_ signed: Quantity, fill: Fill, fee: Money) {
        if quantity.isZero { tripOpenedAt = fill.timestamp }
        quantity += signed
        costBasis += fill.price * signed
        tripEntryQuantity += signed.magnitude
        tripEntryCost += fill.price * signed.magnitude
        tripFees += fee
    }

    private mutating func closeTrip(at fill: Fill) -> Trade {
        let precision = min(pricePrecision + 4, FixedPoint.maxPrecision)
        let entryPrice = tripEntryCost.perUnit(tripEntryQuantity, precision: precision)
        let exitPrice = tripExitProceeds.perUnit(tripEntryQuantity, precision: precision)
        let trade = Trade(
            instrumentID: instrumentID,
            side: fill.side == .sell ? .long : .short,
            entryTime: tripOpenedAt ?? fill.timestamp,
            entryPrice: entryPrice.rescaledTrimmed(minimum: pricePrecision),
            exitTime: fill.timestamp,
            exitPrice: exitPrice.rescaledTrimmed(minimum: pricePrecision),
            quantity: tripEntryQuantity,
            pnl: tripRealized - tripFees,
            fees: tripFees
        )
        tripOpenedAt = nil
        tripEntryQuantity = .zero(precision: tripEntryQuantity.precision)
        tripEntryCost = .zero
        tripExitProceeds = .zero
        tripRealized = .zero
        tripFees = .zero
        return trade
    }
}

extension Price {
    /// Drops trailing zero digits down to `minimum` precision: an average that
    /// happens to be a whole tick prints like the tick.
    func rescaledTrimmed(minimum: UInt8) -> Price {
        var value = self
        while value.precision > minimum, value.raw % 10 == 0 {
            value = Price(uncheckedRaw: value.raw / 10, precision: value.precision - 1)
        }
        return value
    }
}
