import Synchronization

/// A token bucket per caller: `burst` requests at once, refilled at `requestsPerSecond`.
/// The rate and burst come from the configuration and change on reload.
final class RateLimiter: Sendable {
    enum Decision: Equatable { case allowed, limited(retryAfter: Int) }

    private struct Bucket { var tokens: Double; var at: ContinuousClock.Instant }
    private let buckets = Mutex<[String: Bucket]>([:])
    private let settings: @Sendable () -> (rate: Double, burst: Int)

    init(settings: @escaping @Sendable () -> (rate: Double, burst: Int)) {
        self.settings = settings
    }

    func take(_ caller: String, now: ContinuousClock.Instant = .now) -> Decision {
        let (rate, burst) = settings()
        return buckets.withLock { buckets in
            var bucket = buckets[caller] ?? Bucket(tokens: Double(burst), at: now)
            let elapsed = now - bucket.at
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(Double(burst), bucket.tokens + seconds * rate)
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
