/// Identifies a tradable instrument on a venue: `GOOG.NASDAQ`, `BTCUSD.BINANCE`.
public struct InstrumentID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var symbol: String
    public var venue: String

    public init(symbol: String, venue: String) {
        self.symbol = symbol
        self.venue = venue
    }

    public var description: String { "\(symbol).\(venue)" }

    public static func < (lhs: InstrumentID, rhs: InstrumentID) -> Bool { lhs.description < rhs.description }
}

/// Why an instrument definition or a value for it is invalid.
public enum InstrumentError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidDefinition(InstrumentID, String)
    case priceOffTick(InstrumentID, Price)
    case quantityOffLot(InstrumentID, Quantity)

    public var description: String {
        switch self {
        case .invalidDefinition(let id, let reason): "instrument \(id): \(reason)"
        case .priceOffTick(let id, let price): "instrument \(id): price \(price) is not a multiple of the tick size"
        case .quantityOffLot(let id, let quantity): "instrument \(id): quantity \(quantity) is not a multiple of the lot size"
        }
    }
}

/// What the venue lets you trade and at which granularity.
public struct Instrument: Hashable, Sendable {
    public var id: InstrumentID
    /// Fractional digits of prices (`2` for a cent-quoted stock).
    public var pricePrecision: UInt8
    /// Fractional digits of quantities (`0` for whole shares, `8` for BTC).
    public var sizePrecision: UInt8
    /// Smallest price increment.
    public var tickSize: Price
    /// Smallest quantity increment.
    public var lotSize: Quantity

    /// - Throws: ``InstrumentError/invalidDefinition(_:_:)`` when precisions exceed
    ///   the maximum or tick/lot sizes are not positive at those precisions.
    public init(id: InstrumentID, pricePrecision: UInt8, sizePrecision: UInt8, tickSize: Price? = nil, lotSize: Quantity? = nil) throws(InstrumentError) {
        guard pricePrecision <= FixedPoint.maxPrecision, sizePrecision <= FixedPoint.maxPrecision else {
            throw .invalidDefinition(id, "precision above \(FixedPoint.maxPrecision)")
        }
        let tick = tickSize ?? Price(uncheckedRaw: 1, precision: pricePrecision)
        let lot = lotSize ?? Quantity(uncheckedRaw: 1, precision: sizePrecision)
        guard tick.isPositive, tick.precision <= pricePrecision else {
            throw .invalidDefinition(id, "tick size \(tick) must be positive with at most \(pricePrecision) decimals")
        }
        guard lot.isPositive, lot.precision <= sizePrecision else {
            throw .invalidDefinition(id, "lot size \(lot) must be positive with at most \(sizePrecision) decimals")
        }
        self.id = id
        self.pricePrecision = pricePrecision
        self.sizePrecision = sizePrecision
        self.tickSize = tick.rescaled(to: pricePrecision)!
        self.lotSize = lot.rescaled(to: sizePrecision)!
    }

    /// The price at this instrument's precision if it lies on the tick grid.
    /// - Throws: ``InstrumentError/priceOffTick(_:_:)``.
    public func validate(price: Price) throws(InstrumentError) -> Price {
        guard let scaled = price.rescaled(to: pricePrecision), scaled.raw % tickSize.raw == 0 else {
            throw .priceOffTick(id, price)
        }
        return scaled
    }

    /// The quantity at this instrument's precision if it is a whole number of lots.
    /// - Throws: ``InstrumentError/quantityOffLot(_:_:)``.
    public func validate(quantity: Quantity) throws(InstrumentError) -> Quantity {
        guard let scaled = quantity.rescaled(to: sizePrecision), scaled.raw % lotSize.raw == 0 else {
            throw .quantityOffLot(id, quantity)
        }
        return scaled
    }
}
