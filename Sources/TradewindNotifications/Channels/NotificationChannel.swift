public import TradewindAlerts
public import TradewindCore

/// One way to reach an operator. A channel sends one message and says how it failed; retries,
/// batching and rate limits belong to the ``DeliveryService`` in front of it.
public protocol NotificationChannel: Sendable {
    /// `telegram`, `email`, `webhook`: how routes and the CLI name it.
    var name: String { get }
    func send(_ notice: Notice) async throws(DeliveryError)
}

/// Why a message did not go out, and whether trying again can help.
public enum DeliveryError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A timeout, a dropped connection, a 5xx, a rate limit: worth another attempt, no earlier
    /// than `retryAfter` when the server said so.
    case retryable(String, retryAfter: TimeSpan?)
    /// Refused for good (bad credentials, unknown chat, malformed request): retrying cannot help.
    case permanent(String)

    public var description: String {
        switch self {
        case .retryable(let reason, let after): reason + (after.map { " (retry after \($0))" } ?? "")
        case .permanent(let reason): reason
        }
    }

    public var reason: String {
        switch self {
        case .retryable(let reason, _), .permanent(let reason): reason
        }
    }
}

extension Notice {
    /// `[CRITICAL] title` for channels without formatting.
    var plainHeadline: String {
        (severity == .info ? "" : "[\(severity.rawValue.uppercased())] ") + title
    }
}
