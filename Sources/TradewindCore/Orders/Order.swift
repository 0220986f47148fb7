/// What a strategy asks for: the order before it has an identity and a lifecycle.
public struct OrderRequest: Hashable, Sendable {
    public var instrumentID: InstrumentID
    public var side: OrderSide
    public var quantity: Quantity
    public var type: OrderType
    public var timeInForce: TimeInForce
    /// Only ever reduce the position: refused if, at submission, it would open or grow one.
    public var reduceOnly: Bool
    /// Only ever add liquidity: a limit order that would execute on arrival is rejected.
    public var postOnly: Bool
    /// A contingent order: held by the venue until this order is completely filled (one
    /// triggers other). Set by ``StrategyContext``'s bracket helpers.
    public var parentOrderID: ClientOrderID?
    /// One cancels the others: the first execution of any of these orders cancels the rest.
    public var ocoPeerIDs: [ClientOrderID]

    public init(instrumentID: InstrumentID, side: OrderSide, quantity: Quantity, type: OrderType = .market, timeInForce: TimeInForce = .gtc,
                reduceOnly: Bool = false, postOnly: Bool = false, parentOrderID: ClientOrderID? = nil, ocoPeerIDs: [ClientOrderID] = []) {
        self.instrumentID = instrumentID
        self.side = side
        self.quantity = quantity
        self.type = type
        self.timeInForce = timeInForce
        self.reduceOnly = reduceOnly
        self.postOnly = postOnly
        self.parentOrderID = parentOrderID
        self.ocoPeerIDs = ocoPeerIDs
    }

    /// A market order.
    public static func market(_ side: OrderSide, _ quantity: Quantity, of instrument: InstrumentID) -> OrderRequest {
        OrderRequest(instrumentID: instrument, side: side, quantity: quantity)
    }
}

/// An order and its lifecycle state. A value type: every change goes through
/// ``apply(_:)``, which enforces the transition table.
public struct Order: Hashable, Sendable {
    public let id: ClientOrderID
    public let instrumentID: InstrumentID
    public let side: OrderSide
    public let type: OrderType
    /// Total quantity; lowered only by a ``OrderEvent/modify(quantity:at:)``.
    public private(set) var quantity: Quantity
    public let timeInForce: TimeInForce
    public let reduceOnly: Bool
    public let postOnly: Bool
    /// See ``OrderRequest/parentOrderID``.
    public let parentOrderID: ClientOrderID?
    /// See ``OrderRequest/ocoPeerIDs``.
    public let ocoPeerIDs: [ClientOrderID]
    public let createdAt: Timestamp
    public private(set) var status: OrderStatus = .initialized
    public private(set) var filledQuantity: Quantity
    /// Σ price × quantity over fills: the exact average price is `filledCost / filledQuantity`.
    public private(set) var filledCost: Money = .zero
    public private(set) var fees: Money = .zero
    public private(set) var updatedAt: Timestamp
    /// Reason given by the last denial or rejection.
    public private(set) var reason: String?
    public private(set) var tradeIDs: [TradeID] = []
    /// Where to return if a cancel request is refused.
    private var statusBeforeCancelRequest: OrderStatus?

    /// Creates an order from a request.
    /// - Throws: ``OrderError/invalidOrder(_:)`` for a non-positive quantity, a
    ///   non-positive price, or a time in force that the order type cannot honour.
    public init(id: ClientOrderID, request: OrderRequest, createdAt: Timestamp) throws(OrderError) {
        guard request.quantity.isPositive else { throw .invalidOrder("quantity must be positive, got \(request.quantity)") }
        if let price = request.type.limitPrice, !price.isPositive { throw .invalidOrder("prices must be positive, got \(price)") }
        if let price = request.type.triggerPrice, !price.isPositive { throw .invalidOrder("prices must be positive, got \(price)") }
        if case .gtd(let expiry) = request.timeInForce, expiry <= createdAt {
            throw .invalidOrder("GTD expiry \(expiry) is not after creation \(createdAt)")
        }
        if case .trailingStop(let offset) = request.type {
            switch offset {
            case .price(let distance) where !distance.isPositive:
                throw .invalidOrder("trailing distance must be positive, got \(distance)")
            case .fraction(let rate) where !(rate.isPositive && rate.doubleValue < 1):
                throw .invalidOrder("trailing fraction must be in (0, 1), got \(rate)")
            default: break
            }
        }
        if request.postOnly, request.type.limitPrice == nil {
            throw .invalidOrder("post-only needs a limit price (\(request.type) has none)")
        }
        self.id = id
        self.instrumentID = request.instrumentID
        self.side = request.side
        self.type = request.type
        self.quantity = request.quantity
        self.timeInForce = request.timeInForce
        self.reduceOnly = request.reduceOnly
        self.postOnly = request.postOnly
        self.parentOrderID = request.parentOrderID
        self.ocoPeerIDs = request.ocoPeerIDs
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.filledQuantity = .zero(precision: request.quantity.precision)
    }

    public var remainingQuantity: Quantity { quantity - filledQuantity }

    /// Volume-weighted fill price, or `nil` before the first fill.
    public var averageFillPrice: Double? {
        filledQuantity.isZero ? nil : filledCost.doubleValue / filledQuantity.doubleValue
    }

    /// Applies one lifecycle event.
    ///
    /// The table is the whole state machine; every pair not listed is illegal.
    /// - Throws: ``OrderError/invalidTransition(order:from:event:)`` for an illegal pair,
    ///   ``OrderError/duplicateFill(order:trade:)`` for a trade id seen before,
    ///   ``OrderError/overfill(order:remaining:fill:)`` for a fill above the remaining quantity.
    public mutating func apply(_ event: OrderEvent) throws(OrderError) {
        // A replayed execution is recognised by its trade id whatever the state, so a
        // venue re-sending fills after a reconnect is never mistaken for a new one.
        if case .fill(let fill) = event, tradeIDs.contains(fill.tradeID) {
            throw .duplicateFill(order: id, trade: fill.tradeID)
        }
        let next: OrderStatus
        switch (status, event) {
        case (.initialized, .submit): next = .submitted
        case (.initialized, .deny(let reason, _)):
            next = .denied
            self.reason = reason
        case (.submitted, .accept): next = .accepted
        case (.submitted, .reject(let reason, _)):
            next = .rejected
            self.reason = reason
        // Only conditional orders have a trigger to hit.
        case (.accepted, .trigger) where type.isConditional: next = .triggered
        // The trigger raced a cancel request: still pending, but a refused cancel returns to triggered.
        case (.pendingCancel, .trigger) where type.isConditional && statusBeforeCancelRequest == .accepted:
            statusBeforeCancelRequest = .triggered
            next = .pendingCancel
        // Venues may fill a market order without a separate acknowledgement.
        case (.submitted, .fill(let fill)), (.accepted, .fill(let fill)), (.triggered, .fill(let fill)),
             (.partiallyFilled, .fill(let fill)):
            try record(fill)
            next = remainingQuantity.isZero ? .filled : .partiallyFilled
        // A fill may race a cancel request; the order stays pending unless it completes.
        case (.pendingCancel, .fill(let fill)):
            try record(fill)
            next = remainingQuantity.isZero ? .filled : .pendingCancel
        case (.submitted, .requestCancel), (.accepted, .requestCancel), (.triggered, .requestCancel),
             (.partiallyFilled, .requestCancel):
            statusBeforeCancelRequest = status
            next = .pendingCancel
        // The order finished while a cancel was on its way: the refusal changes nothing.
        case (.filled, .cancelRejected), (.canceled, .cancelRejected), (.expired, .cancelRejected):
            next = status
        case (.pendingCancel, .cancelRejected(let reason, _)):
            next = statusBeforeCancelRequest ?? .accepted
            self.reason = reason
        // Venue-initiated cancels (IOC remainder, self-trade prevention) need no request.
        case (.pendingCancel, .cancel), (.submitted, .cancel), (.accepted, .cancel), (.triggered, .cancel),
             (.partiallyFilled, .cancel):
            next = .canceled
        // An amendment lowers the total; down to what has filled completes the order.
        case (.submitted, .modify(let newQuantity, _)), (.accepted, .modify(let newQuantity, _)),
             (.triggered, .modify(let newQuantity, _)), (.partiallyFilled, .modify(let newQuantity, _)):
            guard newQuantity.isPositive, newQuantity >= filledQuantity, newQuantity <= quantity else {
                throw .invalidOrder("order \(id): cannot change quantity \(quantity) to \(newQuantity) with \(filledQuantity) filled")
            }
            quantity = newQuantity
            next = remainingQuantity.isZero ? .filled : status
        case (.accepted, .expire), (.triggered, .expire), (.partiallyFilled, .expire), (.pendingCancel, .expire):
            next = .expired
        default:
            throw .invalidTransition(order: id, from: status, event: event.name)
        }
        status = next
        updatedAt = event.timestamp
    }

    private mutating func record(_ fill: Fill) throws(OrderError) {
        if fill.quantity > remainingQuantity || !fill.quantity.isPositive {
            throw .overfill(order: id, remaining: remainingQuantity, fill: fill.quantity)
        }
        tradeIDs.append(fill.tradeID)
        filledQuantity += fill.quantity
        filledCost += fill.notional
        fees += fill.fee
    }
}

extension OrderEvent {
    /// When the event happened.
    public var timestamp: Timestamp {
        switch self {
        case .submit(let t), .deny(_, let t), .accept(let t), .reject(_, let t), .trigger(let t), .requestCancel(let t),
             .cancelRejected(_, let t), .cancel(let t), .expire(let t), .modify(_, let t):
            t
        case .fill(let fill): fill.timestamp
        }
    }
}
