/// Buy or sell.
public enum OrderSide: String, Hashable, Sendable, CaseIterable {
    case buy
    case sell

    public var opposite: OrderSide { self == .buy ? .sell : .buy }
    /// `+1` for buy, `-1` for sell: the sign an execution gives a position.
    public var sign: Int64 { self == .buy ? 1 : -1 }
}

/// How far a trailing stop follows the best price since the order started working.
public enum TrailingOffset: Hashable, Sendable, CustomStringConvertible {
    /// A fixed price distance.
    case price(Price)
    /// A fraction of the best price (`0.02` = 2 %).
    case fraction(Rate)

    public var description: String {
        switch self {
        case .price(let distance): "\(distance)"
        case .fraction(let rate): "\(rate.doubleValue * 100)%"
        }
    }
}

/// How an order's execution price is determined.
public enum OrderType: Hashable, Sendable, CustomStringConvertible {
    /// Execute at the best available price.
    case market
    /// Execute at `price` or better.
    case limit(price: Price)
    /// Becomes a market order once the market trades at or through `trigger`
    /// (above the market for a buy, below for a sell).
    case stop(trigger: Price)
    /// Becomes a limit order at `limit` once the market trades at or through `trigger`.
    case stopLimit(trigger: Price, limit: Price)
    /// A stop whose trigger follows the best price since the order started working: for a
    /// sell, `offset` below the highest price seen; for a buy, above the lowest.
    case trailingStop(offset: TrailingOffset)
    /// Becomes a market order once the market touches `trigger` from the favourable side
    /// (below the market for a buy, above for a sell): a limit's trigger with a market's fill.
    case marketIfTouched(trigger: Price)

    public var limitPrice: Price? {
        switch self {
        case .limit(let price): price
        case .stopLimit(_, let limit): limit
        case .market, .stop, .trailingStop, .marketIfTouched: nil
        }
    }

    /// The fixed trigger, if the order has one (a trailing stop's moves).
    public var triggerPrice: Price? {
        switch self {
        case .stop(let trigger), .stopLimit(let trigger, _), .marketIfTouched(let trigger): trigger
        case .market, .limit, .trailingStop: nil
        }
    }

    /// Whether the order waits for a trigger before it can fill.
    public var isConditional: Bool {
        switch self {
        case .market, .limit: false
        case .stop, .stopLimit, .trailingStop, .marketIfTouched: true
        }
    }

    /// Whether a fill takes liquidity (everything but a resting limit).
    public var takesLiquidity: Bool {
        switch self {
        case .limit, .stopLimit: false
        case .market, .stop, .trailingStop, .marketIfTouched: true
        }
    }

    public var description: String {
        switch self {
        case .market: "market"
        case .limit(let price): "limit \(price)"
        case .stop(let trigger): "stop \(trigger)"
        case .stopLimit(let trigger, let limit): "stop \(trigger) limit \(limit)"
        case .trailingStop(let offset): "trailing stop \(offset)"
        case .marketIfTouched(let trigger): "market-if-touched \(trigger)"
        }
    }
}

/// How long an order stays working.
public enum TimeInForce: Hashable, Sendable, CustomStringConvertible {
    /// Good till cancelled.
    case gtc
    /// Immediate or cancel: fill what is possible now, cancel the rest.
    case ioc
    /// Fill or kill: fill entirely now or cancel entirely.
    case fok
    /// Expires at the end of the trading day.
    case day
    /// Good till the given time.
    case gtd(Timestamp)

    public var description: String {
        switch self {
        case .gtc: "GTC"
        case .ioc: "IOC"
        case .fok: "FOK"
        case .day: "DAY"
        case .gtd(let t): "GTD(\(t))"
        }
    }
}

/// An order's identifier chosen by its sender; unique within a run and derived
/// deterministically (strategy name plus sequence) so replays produce the same ids.
public struct ClientOrderID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var value: String
    public init(_ value: String) { self.value = value }
    public var description: String { value }
    public static func < (lhs: ClientOrderID, rhs: ClientOrderID) -> Bool { lhs.value < rhs.value }
}

/// A venue's identifier for one execution; used to refuse duplicate fills.
public struct TradeID: Hashable, Sendable, CustomStringConvertible {
    public var value: String
    public init(_ value: String) { self.value = value }
    public var description: String { value }
}
