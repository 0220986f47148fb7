public import TradewindCore

/// What an adapter does with a failed Binance call, from its HTTP status and error code.
///
/// The distinction that matters for never losing or duplicating an order: a call the venue
/// *refused* (the request never reached the matching engine, or was rejected by it) is safe to
/// report as rejected; a call whose *outcome is unknown* (timeouts, 5xx, -1006/-1007) must not be
/// blindly retried as a new order — the order is looked up by its client order id first.
public enum BinanceFailure: Sendable, Equatable {
    /// The venue refused the request; the reason goes to the strategy. Do not retry.
    case rejected(code: Int, message: String)
    /// Our clock is off (-1021): resynchronise with the server time, then retry.
    case clockSkew(message: String)
    /// Rate limit (429, -1003, -1015): back off, at least as long as `Retry-After`.
    case rateLimited(retryAfter: TimeSpan?)
    /// IP ban (418): stop calling until `Retry-After` has passed.
    case banned(retryAfter: TimeSpan?)
    /// The outcome is unknown: query the order by client order id before anything else.
    case unknownOutcome(message: String)
    /// The venue is busy or unreachable and did not act: retry idempotent calls with back-off.
    case transient(message: String)
    /// Bad credentials or permissions (-1002, -1022, -2014, -2015, 401): an operator must act.
    case unauthorized(message: String)

    public static func classify(status: Int, code: Int?, message: String, retryAfter: TimeSpan?) -> BinanceFailure {
        switch (status, code) {
        case (418, _): return .banned(retryAfter: retryAfter)
        case (429, _), (_, .some(-1003)), (_, .some(-1015)): return .rateLimited(retryAfter: retryAfter)
        case (_, .some(-1021)): return .clockSkew(message: message)
        case (401, _), (_, .some(-1002)), (_, .some(-1022)), (_, .some(-2014)), (_, .some(-2015)): return .unauthorized(message: message)
        case (_, .some(-1006)), (_, .some(-1007)), (504, _): return .unknownOutcome(message: message)
        case (_, .some(-1001)), (_, .some(-1008)), (_, .some(-1016)), (500...599, _): return .transient(message: message)
        case (400...499, let code?): return .rejected(code: code, message: message)
        default: return .unknownOutcome(message: message)
        }
    }

    /// Whether the same request may be sent again (after the wait the case implies).
    public var mayRetry: Bool {
        switch self {
        case .clockSkew, .rateLimited, .banned, .transient: true
        case .rejected, .unknownOutcome, .unauthorized: false
        }
    }
}

/// The offset between our clock and Binance's, from `GET /api/v3/time` round trips: the server
/// time is taken to be at the middle of the round trip, and the round trip with the smallest
/// delay wins (its midpoint is the least uncertain).
public struct ServerClockOffset: Sendable {
    public private(set) var offset: TimeSpan = .zero
    public private(set) var bestRoundTrip: TimeSpan?

    public init() {}

    /// One sample: when we sent, the server's time in its answer, when we received.
    public mutating func record(sent: Timestamp, server: Timestamp, received: Timestamp) {
        let roundTrip = received - sent
        guard roundTrip >= .zero, bestRoundTrip.map({ roundTrip <= $0 }) ?? true else { return }
        bestRoundTrip = roundTrip
        let midpoint = sent + TimeSpan(nanoseconds: roundTrip.nanoseconds / 2)
        offset = server - midpoint
    }

    /// Forget the samples (after -1021, the offset is stale).
    public mutating func reset() {
        offset = .zero
        bestRoundTrip = nil
    }

    /// Our time expressed on the server's clock, for `timestamp`.
    public func serverTime(at local: Timestamp) -> Timestamp { local + offset }
}
