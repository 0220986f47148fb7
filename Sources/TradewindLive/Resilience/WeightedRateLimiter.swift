public import TradewindCore

/// A token bucket counted in request weight, as venues publish their limits (Binance: 6,000
/// weight a minute per IP; an order book snapshot weighs more than a ping). The bucket holds
/// `capacity` and refills continuously at `capacity` per `interval`; a request takes its weight
/// or is told how long to wait. Time is given, never read.
public struct WeightedRateLimiter: Sendable {
    public let capacity: Double
    public let interval: TimeSpan
    private var tokens: Double
    private var updatedAt: Timestamp?

    public init(capacity: Int, per interval: TimeSpan) {
        self.capacity = Double(capacity)
        self.interval = interval
        self.tokens = Double(capacity)
    }

    private mutating func refill(at now: Timestamp) {
        if let updatedAt, now > updatedAt {
            tokens = min(capacity, tokens + Double((now - updatedAt).nanoseconds) / Double(interval.nanoseconds) * capacity)
        }
        if updatedAt.map({ now > $0 }) ?? true { updatedAt = now }
    }

    /// Takes `weight` if available and returns zero; otherwise takes nothing and returns how
    /// long until it would be available.
    public mutating func acquire(weight: Int, at now: Timestamp) -> TimeSpan {
        refill(at: now)
        let need = Double(min(weight, Int(capacity)))
        if tokens >= need {
            tokens -= need
            return .zero
        }
        let missing = need - tokens
        return TimeSpan(nanoseconds: Int64((missing / capacity * Double(interval.nanoseconds)).rounded(.up)))
    }

    /// The venue's own count of used weight (a response header such as
    /// `X-MBX-USED-WEIGHT-1M`) is the truth: the bucket never shows more than it leaves.
    public mutating func observeUsedWeight(_ used: Int, at now: Timestamp) {
        refill(at: now)
        tokens = min(tokens, max(0, capacity - Double(used)))
    }

    /// Weight available now.
    public mutating func available(at now: Timestamp) -> Int {
        refill(at: now)
        return Int(tokens)
    }
}
