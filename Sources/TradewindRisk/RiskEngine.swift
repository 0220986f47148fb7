public import TradewindCore

/// Whether a bot may trade: normally, only to reduce its positions, or not at all.
public enum TradingState: String, Sendable, Codable, CaseIterable {
    case active, reducing, halted
}

/// The rule a decision or a state change came from; every refusal names one.
public enum RiskRule: String, Sendable, Codable, CaseIterable {
    case tradingState = "trading-state"
    case orderNotional = "max-order-notional"
    case orderQuantity = "max-order-quantity"
    case positionQuantity = "max-position"
    case positionNotional = "max-position-notional"
    case grossExposure = "max-gross-exposure"
    case openOrders = "max-open-orders"
    case priceBand = "price-band"
    case orderRate = "max-orders-per-second"
    case instrument = "tick-and-lot"
    case dailyLoss = "daily-loss-limit"
    case drawdown = "max-drawdown"
    case manual
}

/// Limits in front of every order, the same in backtest, paper and live. Every limit is
/// optional; none set allows everything.
public struct RiskLimits: Sendable, Hashable {
    public var maxOrderNotional: Money?
    public var maxOrderQuantity: Quantity?
    /// Largest absolute position per instrument after the order.
    public var maxPositionQuantity: Quantity?
    public var maxPositionNotional: Money?
    /// Largest sum of absolute position values across instruments after the order.
    public var maxGrossExposure: Money?
    public var maxOpenOrders: Int?
    /// A priced order (limit or trigger) must lie within this fraction of the last price.
    public var priceBand: Rate?
    public var maxOrdersPerSecond: Int?
    /// Loss from the day's starting equity (UTC day) that stops new risk.
    public var dailyLossLimit: Money?
    /// Fall from the equity peak, as a fraction, that stops new risk.
    public var maxDrawdown: Rate?
    /// Where each post-trade limit moves the bot.
    public var onDailyLoss: TradingState = .reducing
    public var onDrawdown: TradingState = .halted

    public init(maxOrderNotional: Money? = nil, maxOrderQuantity: Quantity? = nil, maxPositionQuantity: Quantity? = nil,
                maxPositionNotional: Money? = nil, maxGrossExposure: Money? = nil, maxOpenOrders: Int? = nil, priceBand: Rate? = nil,
                maxOrdersPerSecond: Int? = nil, dailyLossLimit: Money? = nil, maxDrawdown: Rate? = nil,
                onDailyLoss: TradingState = .reducing, onDrawdown: TradingState = .halted) {
        self.maxOrderNotional = maxOrderNotional
        self.maxOrderQuantity = maxOrderQuantity
        self.maxPositionQuantity = maxPositionQuantity
        self.maxPositionNotional = maxPositionNotional
        self.maxGrossExposure = maxGrossExposure
        self.maxOpenOrders = maxOpenOrders
        self.priceBand = priceBand
        self.maxOrdersPerSecond = maxOrdersPerSecond
        self.dailyLossLimit = dailyLossLimit
        self.maxDrawdown = maxDrawdown
        self.onDailyLoss = onDailyLoss
        self.onDrawdown = onDrawdown
    }

    public static let none = RiskLimits()
}

/// What the risk engine needs to know about an order and the account when it is submitted.
public struct OrderProposal: Sendable {
    public var instrument: Instrument
    public var side: OrderSide
    public var quantity: Quantity
    /// The order's limit or trigger price, if it has one.
    public var price: Price?
    /// The latest traded (or mark) price of the instrument.
    public var lastPrice: Price?
    /// The account's position in the instrument before the order.
    public var position: Quantity
    /// Gross exposure of the account before the order, at the latest prices.
    public var grossExposure: Money
    /// Working orders of the account before this one.
    public var openOrders: Int

    public init(instrument: Instrument, side: OrderSide, quantity: Quantity, price: Price?, lastPrice: Price?, position: Quantity,
                grossExposure: Money, openOrders: Int) {
        self.instrument = instrument
        self.side = side
        self.quantity = quantity
        self.price = price
        self.lastPrice = lastPrice
        self.position = position
        self.grossExposure = grossExposure
        self.openOrders = openOrders
    }

    /// Position after a complete fill.
    public var positionAfter: Quantity { side == .buy ? position + quantity : position - quantity }

    /// Whether the order only brings the position towards zero (never through it).
    public var reducesPosition: Bool {
        side == .buy ? position.isNegative && quantity <= position.magnitude : position.isPositive && quantity <= position
    }
}

public enum RiskDecision: Sendable, Equatable {
    case allow
    case deny(RiskRule, String)

    public var reason: String? {
        if case .deny(let rule, let text) = self { return "risk \(rule.rawValue): \(text)" }
        return nil
    }
}

/// A change of trading state, with the rule and numbers that caused it.
public struct RiskEvent: Sendable, Equatable {
    public var time: Timestamp
    public var from: TradingState
    public var to: TradingState
    public var rule: RiskRule
    public var reason: String
}

/// Pre-trade checks and post-trade limits. Pure and deterministic: time comes from the events
/// it is given, so a backtest and a live bot with the same inputs decide the same.
public struct RiskEngine: Sendable {
    public var limits: RiskLimits
    public private(set) var state: TradingState = .active
    public private(set) var events: [RiskEvent] = []
    /// Times of the orders allowed within the last second, oldest first.
    private var recentOrders: [Timestamp] = []
    private var recentStart = 0
    private var day: Int64?
    private var dayStartEquity: Money = .zero
    private var peakEquity: Money?

    public init(limits: RiskLimits) {
        self.limits = limits
    }

    /// Decides on an order; an allowed order counts towards the order rate.
    public mutating func check(_ order: OrderProposal, at now: Timestamp) -> RiskDecision {
        let decision = evaluate(order, at: now)
        if decision == .allow, limits.maxOrdersPerSecond != nil { recentOrders.append(now) }
        return decision
    }

    private mutating func evaluate(_ order: OrderProposal, at now: Timestamp) -> RiskDecision {
        switch state {
        case .halted: return .deny(.tradingState, "trading is halted; no order is accepted")
        case .reducing where !order.reducesPosition:
            return .deny(.tradingState, "only position-reducing orders are accepted (\(order.side) \(order.quantity) with \(order.position) held)")
        default: break
        }
        do {
            _ = try order.instrument.validate(quantity: order.quantity)
            if let price = order.price { _ = try order.instrument.validate(price: price) }
        } catch {
            return .deny(.instrument, error.description)
        }
        if let limit = limits.maxOrderQuantity, order.quantity > limit {
            return .deny(.orderQuantity, "quantity \(order.quantity) is above \(limit)")
        }
        let reference = order.price ?? order.lastPrice
        if let limit = limits.maxOrderNotional, let reference, reference * order.quantity > limit {
            return .deny(.orderNotional, "notional \((reference * order.quantity).formatted(places: 2)) is above \(limit.formatted(places: 2))")
        }
        let after = order.positionAfter
        if let limit = limits.maxPositionQuantity, after.magnitude > limit, !order.reducesPosition {
            return .deny(.positionQuantity, "position would be \(after), beyond ±\(limit)")
        }
        if let reference, !order.reducesPosition {
            let valueAfter = reference * after.magnitude
            if let limit = limits.maxPositionNotional, valueAfter > limit {
                return .deny(.positionNotional, "position would be worth \(valueAfter.formatted(places: 2)), above \(limit.formatted(places: 2))")
            }
            if let limit = limits.maxGrossExposure {
                let gross = order.grossExposure - reference * order.position.magnitude + valueAfter
                if gross > limit {
                    return .deny(.grossExposure, "gross exposure would be \(gross.formatted(places: 2)), above \(limit.formatted(places: 2))")
                }
            }
        }
        if let limit = limits.maxOpenOrders, order.openOrders >= limit {
            return .deny(.openOrders, "\(order.openOrders) orders already working, at most \(limit)")
        }
        if let band = limits.priceBand, let price = order.price, let last = order.lastPrice, last.isPositive {
            let distance = abs(price.doubleValue / last.doubleValue - 1)
            if distance > band.doubleValue {
                return .deny(.priceBand, "price \(price) is \(Self.percent(distance)) from the last price \(last), beyond \(Self.percent(band.doubleValue))")
            }
        }
        if let limit = limits.maxOrdersPerSecond {
            let windowStart = now + TimeSpan(nanoseconds: -1_000_000_000)
            while recentStart < recentOrders.count, recentOrders[recentStart] <= windowStart { recentStart += 1 }
            if recentStart > 1_024 { recentOrders.removeFirst(recentStart); recentStart = 0 }
            if recentOrders.count - recentStart >= limit {
                return .deny(.orderRate, "\(limit) orders in the last second already")
            }
        }
        return .allow
    }

    /// Post-trade: the account's equity at a time. Returns the state change it caused, if any.
    @discardableResult
    public mutating func observe(equity: Money, at now: Timestamp) -> RiskEvent? {
        let today = now.startOfUTCDay.nanosecondsSinceEpoch
        if day != today {
            day = today
            dayStartEquity = equity
        }
        if peakEquity.map({ equity > $0 }) ?? true { peakEquity = equity }
        if let limit = limits.maxDrawdown, let peak = peakEquity, peak > .zero {
            let fall = 1 - equity.doubleValue / peak.doubleValue
            if fall > limit.doubleValue {
                return move(to: limits.onDrawdown, at: now, rule: .drawdown,
                            reason: "equity \(equity.formatted(places: 2)) is \(Self.percent(fall)) below its peak \(peak.formatted(places: 2)), beyond \(Self.percent(limit.doubleValue))")
            }
        }
        if let limit = limits.dailyLossLimit {
            let loss = dayStartEquity - equity
            if loss > limit {
                return move(to: limits.onDailyLoss, at: now, rule: .dailyLoss,
                            reason: "lost \(loss.formatted(places: 2)) today, beyond \(limit.formatted(places: 2))")
            }
        }
        return nil
    }

    /// An operator's decision (e.g. resuming after a halt).
    @discardableResult
    public mutating func set(_ target: TradingState, at now: Timestamp, reason: String) -> RiskEvent? {
        guard target != state else { return nil }
        let event = RiskEvent(time: now, from: state, to: target, rule: .manual, reason: reason)
        state = target
        events.append(event)
        return event
    }

    /// Limits only ever tighten the state automatically: active → reducing → halted.
    private mutating func move(to target: TradingState, at now: Timestamp, rule: RiskRule, reason: String) -> RiskEvent? {
        let order: [TradingState] = [.active, .reducing, .halted]
        guard order.firstIndex(of: target)! > order.firstIndex(of: state)! else { return nil }
        let event = RiskEvent(time: now, from: state, to: target, rule: rule, reason: reason)
        state = target
        events.append(event)
        return event
    }

    static func percent(_ fraction: Double) -> String {
        let hundredths = Int((fraction * 10_000).rounded())
        return "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100) %"
    }
}
