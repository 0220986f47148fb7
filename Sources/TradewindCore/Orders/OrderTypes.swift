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

    /// IOC and FOK: only the moment of arrival counts; nothing rests.
    public var isImmediate: Bool {
        switch self {
        case .ioc, .fok: true
        case .gtc, .day, .gtd: false
        }
    }

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

/// A name that usually ends in a sequence number (`sma-cross-17`, `T-4`), kept as the text
/// before the number plus the number, so ids made in a hot loop cost no string formatting and
/// hash as one integer. Any other text is kept whole. The text form is exactly what was given.
@usableFromInline
struct SequencedName: Hashable, Sendable {
    /// The text before `-<number>`, or the whole name when it has no number.
    @usableFromInline let prefix: String
    /// The number after the last `-`, or -1.
    @usableFromInline let number: Int

    @inlinable
    init(prefix: String, number: Int) {
        self.prefix = prefix
        self.number = number
    }

    init(_ text: String) {
        // Only a canonical number (no sign, no leading zero) may be split off, so the text
        // form round-trips exactly.
        if let dash = text.lastIndex(of: "-") {
            let digits = text.utf8[text.utf8.index(after: dash)...]
            if !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }),
               digits.count == 1 || digits.first != 48, let number = Int(Substring(digits)) {
                self.init(prefix: String(text[..<dash]), number: number)
                return
            }
        }
        self.init(prefix: text, number: -1)
    }

    var text: String { number < 0 ? prefix : "\(prefix)-\(number)" }

    @inlinable
    static func == (lhs: SequencedName, rhs: SequencedName) -> Bool { lhs.number == rhs.number && lhs.prefix == rhs.prefix }

    /// Equal names have equal numbers, so the number alone is a valid hash; names without one
    /// hash their text.
    @inlinable
    func hash(into hasher: inout Hasher) {
        if number < 0 { hasher.combine(prefix) } else { hasher.combine(number) }
    }
}

/// An order's identifier chosen by its sender; unique within a run and derived
/// deterministically (strategy name plus sequence) so replays produce the same ids.
public struct ClientOrderID: Hashable, Comparable, Sendable, CustomStringConvertible {
    @usableFromInline let name: SequencedName

    public init(_ value: String) { name = SequencedName(value) }

    /// `<prefix>-<number>` without formatting it.
    @inlinable
    public init(prefix: String, number: Int) {
        precondition(number >= 0, "order sequence numbers are not negative")
        name = SequencedName(prefix: prefix, number: number)
    }

    /// The id's text, exactly as given.
    public var value: String { name.text }
    public var description: String { name.text }
    public static func < (lhs: ClientOrderID, rhs: ClientOrderID) -> Bool { lhs.value < rhs.value }
}

/// A venue's identifier for one execution; used to refuse duplicate fills.
public struct TradeID: Hashable, Sendable, CustomStringConvertible {
    @usableFromInline let name: SequencedName

    public init(_ value: String) { name = SequencedName(value) }

    /// `<prefix>-<number>` without formatting it.
    @inlinable
    public init(prefix: String, number: Int) {
        precondition(number >= 0, "trade sequence numbers are not negative")
        name = SequencedName(prefix: prefix, number: number)
    }

    /// The id's text, exactly as given.
    public var value: String { name.text }
    public var description: String { name.text }
}
