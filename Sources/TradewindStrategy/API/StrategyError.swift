/// Errors raised by or about a strategy.
public enum StrategyError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknownStrategy(String, available: [String])
    case invalidParameter(name: String, reason: String)
    /// A strategy callback threw; `event` names the hook (`onBar`, `onFill`, …).
    case callbackFailed(strategy: String, event: String, at: String, reason: String)

    public var description: String {
        switch self {
        case .unknownStrategy(let name, let available):
            "unknown strategy '\(name)'; available: \(available.joined(separator: ", "))"
        case .invalidParameter(let name, let reason): "parameter '\(name)': \(reason)"
        case .callbackFailed(let strategy, let event, let at, let reason):
            "strategy \(strategy) failed in \(event) at \(at): \(reason)"
        }
    }
}
