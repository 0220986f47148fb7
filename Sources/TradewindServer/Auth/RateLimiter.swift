import Synchronization
import TradewindCore

/// A token bucket per caller: `burst` requests at once, refilled at `requestsPerSecond`.
/// The rate and burst come from the configuration and change on reload.
final class RateLimiter: Sendable {
    enum Decision: Equatable { case allowed, limited(retryAfter: Int) }

    private struct Bucket { var tokens: Double; var at: ContinuousClock.Instant }
    private let buckets = Mutex<[String: Bucket]>([:])
    private let settings: @Sendable () -> (rate: Double, burst: Int)

    static let forgetAbove = 10_000

    init(settings: @escaping @Sendable () -> (rate: Double, burst: Int)) {
        self.settings = settings
    }

    func take(_ caller: String, now: ContinuousClock.Instant = .now) -> Decision {
        let (rate, burst) = settings()
        return buckets.withLock { buckets in
            // Callers idle long enough to have refilled are forgotten (their bucket would be full
            // anyway): login attempts under made-up names cannot grow this without bound.
            if buckets.count >= Self.forgetAbove {
                let idle = Duration.seconds(Double(burst) / rate + 1)
                buckets = buckets.filter { now - $0.value.at < idle }
            }
            var bucket = buckets[caller] ?? Bucket(tokens: Double(burst), at: now)
            bucket.tokens = min(Double(burst), bucket.tokens + (now - bucket.at).inSeconds * rate)
            bucket.at = now
            defer { buckets[caller] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return .allowed
            }
            return .limited(retryAfter: max(1, Int(((1 - bucket.tokens) / rate).rounded(.up))))
        }
    }
}
