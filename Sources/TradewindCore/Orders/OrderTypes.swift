/// Buy or sell.
public enum OrderSide: String, Hashable, Sendable, CaseIterable {
    case buy
    case sell

    public var opposite: OrderSide { self == .buy ? .sell : .buy }
    /// `+1` for buy, `-1` for sell: the sign an execution gives a position.
    public var sign: Int64 { self == .buy ? 1 : -1 }
}

/// How an order's execution price is determined.
public enum OrderType: Hashable, Sendable, CustomStringConvertible {
    /// Execute at the best available price.
    case market
    /// Execute at `price` or better.
    case limit(price: Price)
    /// Becomes a market order once the market trades at or through `trigger`.
    case stop(trigger: Price)
    /// Becomes a limit order at `limit` once the market trades at or through `trigger`.
    case stopLimit(trigger: Price, limit: Price)

    public var limitPrice: Price? {
        switch self {
        case .limit(let price): price
        case .stopLimit(_, let limit): limit
        case .market, .stop: nil
        }
    }

    public var triggerPrice: Price? {
        switch self {
        case .stop(let trigger), .stopLimit(let trigger, _): trigger
        case .market, .limit: nil
        }
    }

    /// Whether the order waits for a trigger before it can fill.
    public var isConditional: Bool { triggerPrice != nil }

    public var description: String {
        switch self {
        case .market: "market"
        case .limit(let price): "limit \(price)"
        case .stop(let trigger): "stop \(trigger)"
        case .stopLimit(let trigger, let limit): "stop \(trigger) limit \(limit)"
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
