/// Delays between retries of an idempotent call: exponential growth from `base` by `factor`,
/// capped at `maximum`, with "full jitter" (a uniform draw between zero and the capped delay)
/// so many clients retrying after one outage do not hit the venue in step.
///
/// Seeded, so a test (or a replay) sees the same delays.
public struct Backoff: Sendable {
    public var base: TimeSpan
    public var factor: Double
    public var maximum: TimeSpan
    /// Attempts in all, the first included; `retries` is one less.
    public var maxAttempts: Int
    private var random: SplitMix64

    public init(base: TimeSpan = .nanoseconds(200_000_000), factor: Double = 2, maximum: TimeSpan = .seconds(30), maxAttempts: Int = 6,
                seed: UInt64) {
        self.base = base
        self.factor = factor
        self.maximum = maximum
        self.maxAttempts = maxAttempts
        self.random = SplitMix64(seed: seed)
    }

    /// The delay before retry `attempt` (1 for the first retry), or `nil` when attempts are spent.
    public mutating func delay(beforeRetry attempt: Int) -> TimeSpan? {
        guard attempt >= 1, attempt < maxAttempts else { return nil }
        var ceiling = Double(base.nanoseconds)
        for _ in 1..<attempt { ceiling = min(ceiling * factor, Double(maximum.nanoseconds)) }
        ceiling = min(ceiling, Double(maximum.nanoseconds))
        return TimeSpan(nanoseconds: Int64(random.nextUnitDouble() * ceiling))
    }

    /// The delay a venue asked for (HTTP 429/418 `Retry-After`) wins over the computed one.
    public mutating func delay(beforeRetry attempt: Int, retryAfter: TimeSpan?) -> TimeSpan? {
        guard let computed = delay(beforeRetry: attempt) else { return nil }
        return retryAfter.map { max($0, computed) } ?? computed
    }
}

extension TimeSpan {
    public static func nanoseconds(_ n: Int64) -> TimeSpan { TimeSpan(nanoseconds: n) }
}
