/// Direction of a position or round-trip trade.
public enum PositionSide: String, Hashable, Sendable {
    case flat
    case long
    case short
}

/// A round trip: a position's life from flat to flat (a flip closes one trade and
/// opens the next).
public struct Trade: Hashable, Sendable {
    public var instrumentID: InstrumentID
    public var side: PositionSide
    public var entryTime: Timestamp
    /// Volume-weighted entry price (exactly the fill price when there was one entry fill).
    public var entryPrice: Price
    public var exitTime: Timestamp
    public var exitPrice: Price
    /// Total quantity entered (and therefore exited), positive.
    public var quantity: Quantity
    /// Gross profit minus fees of both legs.
    public var pnl: Money
    /// Fees charged on the entry and exit fills of this trade.
    public var fees: Money

    public init(instrumentID: InstrumentID, side: PositionSide, entryTime: Timestamp, entryPrice: Price, exitTime: Timestamp,
                exitPrice: Price, quantity: Quantity, pnl: Money, fees: Money) {
        self.instrumentID = instrumentID
        self.side = side
        self.entryTime = entryTime
        self.entryPrice = entryPrice
        self.exitTime = exitTime
        self.exitPrice = exitPrice
        self.quantity = quantity
        self.pnl = pnl
        self.fees = fees
    }

    /// Gross profit before fees.
    public var grossPnL: Money { pnl + fees }
}

extension Money {
    /// `self / quantity` as a price at `precision` digits, rounded half-even: a
    /// volume-weighted average price from an exact cost.
    public func perUnit(_ quantity: Quantity, precision: UInt8) -> Price {
        // raw / 10^12  ÷  (q / 10^qp)  =  raw × 10^qp / (q × 10^12); scale to `precision`.
        let numerator = raw * FixedPoint.pow10Wide(Int(quantity.precision) + Int(precision))
        let denominator = Int128(quantity.raw) * FixedPoint.pow10Wide(Money.scale)
        let value = FixedPoint.divideHalfEven(numerator, by: denominator)
        return Price(uncheckedRaw: Int64(value), precision: precision)
    }
}
