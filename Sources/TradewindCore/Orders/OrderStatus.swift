/// Where an order is in its life.
public enum OrderStatus: String, Hashable, Sendable, CaseIterable {
    /// Created, not yet sent.
    case initialized
    /// Refused before leaving the engine (risk check). Terminal.
    case denied
    /// Sent to the venue, not yet acknowledged.
    case submitted
    /// Acknowledged by the venue and working.
    case accepted
    /// Refused by the venue. Terminal.
    case rejected
    /// A stop's trigger was hit; now working as market or limit.
    case triggered
    /// A cancel was requested and not yet confirmed.
    case pendingCancel
    /// Some but not all quantity executed.
    case partiallyFilled
    /// All quantity executed. Terminal.
    case filled
    /// Cancelled (by request, or the unfilled part of an IOC). Terminal.
    case canceled
    /// Time in force ran out. Terminal.
    case expired

    public var isTerminal: Bool {
        switch self {
        case .denied, .rejected, .filled, .canceled, .expired: true
        default: false
        }
    }

    /// Whether the order can still execute at the venue.
    public var isWorking: Bool {
        switch self {
        case .submitted, .accepted, .triggered, .pendingCancel, .partiallyFilled: true
        default: false
        }
    }
}

/// Something that happens to an order; fed to ``Order/apply(_:)``.
public enum OrderEvent: Hashable, Sendable {
    case submit(at: Timestamp)
    case deny(reason: String, at: Timestamp)
    case accept(at: Timestamp)
    case reject(reason: String, at: Timestamp)
    case trigger(at: Timestamp)
    case requestCancel(at: Timestamp)
    case cancelRejected(reason: String, at: Timestamp)
    case cancel(at: Timestamp)
    case expire(at: Timestamp)
    /// The venue lowered the order's total quantity (never below what has filled).
    case modify(quantity: Quantity, at: Timestamp)
    case fill(Fill)

    /// A short name for error messages.
    public var name: String {
        switch self {
        case .submit: "submit"
        case .deny: "deny"
        case .accept: "accept"
        case .reject: "reject"
        case .trigger: "trigger"
        case .requestCancel: "requestCancel"
        case .cancelRejected: "cancelRejected"
        case .cancel: "cancel"
        case .expire: "expire"
        case .modify: "modify"
        case .fill: "fill"
        }
    }
}

/// Why an order could not be built or an event could not be applied.
public enum OrderError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidTransition(order: ClientOrderID, from: OrderStatus, event: String)
    case duplicateFill(order: ClientOrderID, trade: TradeID)
    case overfill(order: ClientOrderID, remaining: Quantity, fill: Quantity)
    case invalidOrder(String)

    public var description: String {
        switch self {
        case .invalidTransition(let id, let from, let event):
            "order \(id): '\(event)' is not allowed in state \(from.rawValue)"
        case .duplicateFill(let id, let trade): "order \(id): duplicate fill \(trade)"
        case .overfill(let id, let remaining, let fill): "order \(id): fill of \(fill) exceeds remaining \(remaining)"
        case .invalidOrder(let reason): "invalid order: \(reason)"
        }
    }
}
