public import TradewindCore

/// Stops calling a venue that keeps failing, and probes it before trusting it again.
///
/// Closed: calls go through; `failureThreshold` consecutive failures open it. Open: calls are
/// refused at once (the caller fails fast instead of piling up timeouts) until `openFor` has
/// passed; then half-open: up to `probes` calls go through — one success closes the breaker,
/// one failure opens it again for another `openFor`. Time is given, never read.
public struct CircuitBreaker: Sendable {
    public enum State: String, Sendable, Equatable {
        case closed, open, halfOpen = "half-open"
    }

    public var failureThreshold: Int
    public var openFor: TimeSpan
    public var probes: Int
    public private(set) var state: State = .closed
    public private(set) var consecutiveFailures = 0
    private var openedAt: Timestamp?
    private var probesInFlight = 0

    public init(failureThreshold: Int = 5, openFor: TimeSpan = .seconds(30), probes: Int = 1) {
        self.failureThreshold = failureThreshold
        self.openFor = openFor
        self.probes = probes
    }

    /// Whether a call may go out now; a call allowed while half-open is a probe.
    public mutating func allowsCall(at now: Timestamp) -> Bool {
        switch state {
        case .closed:
            return true
        case .open:
            guard let openedAt, now - openedAt >= openFor else { return false }
            state = .halfOpen
            probesInFlight = 1
            return true
        case .halfOpen:
            guard probesInFlight < probes else { return false }
            probesInFlight += 1
            return true
        }
    }

    public mutating func recordSuccess() {
        consecutiveFailures = 0
        probesInFlight = 0
        state = .closed
        openedAt = nil
    }

    public mutating func recordFailure(at now: Timestamp) {
        consecutiveFailures += 1
        if state == .halfOpen || consecutiveFailures >= failureThreshold {
            state = .open
            openedAt = now
            probesInFlight = 0
        }
    }

    /// When the breaker will next let a probe through; `nil` unless open.
    public var reopensAt: Timestamp? { state == .open ? openedAt.map { $0 + openFor } : nil }
}
