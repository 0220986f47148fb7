public import TradewindCore
public import TradewindStrategy

/// Why the engine stopped. Every case is fatal for the run: continuing would make
/// the books disagree with the venue.
public enum EngineError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A report broke the order state machine (duplicate fill, fill after cancel…).
    case order(OrderError)
    /// A report names an order this engine never sent.
    case unknownOrder(ClientOrderID)
    case strategy(StrategyError)
    /// Events went back in time.
    case timeWentBackwards(from: Timestamp, to: Timestamp)
    /// The engine was set up wrongly (strategy names, time frames).
    case configuration(String)

    public var description: String {
        switch self {
        case .order(let error): error.description
        case .unknownOrder(let id): "venue reported on unknown order \(id)"
        case .strategy(let error): error.description
        case .timeWentBackwards(let from, let to): "event at \(to) arrived after \(from)"
        case .configuration(let reason): "engine configuration: \(reason)"
        }
    }
}
