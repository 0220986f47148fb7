import Testing
import TradewindCore
import TradewindLive

struct ResilienceTests {
    static let t0 = Timestamp(iso8601: "2024-03-01T00:00:00Z")!

    @Test("back-off grows exponentially under its cap, jitters within it, honours Retry-After and stops")
    func backoff() {
        var backoff = Backoff(base: .seconds(1), factor: 2, maximum: .seconds(10), maxAttempts: 6, seed: 1)
        let ceilings: [Int64] = [1, 2, 4, 8, 10]
        for (retry, ceiling) in ceilings.enumerated() {
            let delay = backoff.delay(beforeRetry: retry + 1)!
            #expect(delay >= .zero && delay <= .seconds(ceiling))
        }
        #expect(backoff.delay(beforeRetry: 6) == nil)
        var again = Backoff(base: .seconds(1), maxAttempts: 6, seed: 1)
        var same = Backoff(base: .seconds(1), maxAttempts: 6, seed: 1)
        var first: [TimeSpan?] = [], second: [TimeSpan?] = []
        for retry in 1...5 {
            first.append(again.delay(beforeRetry: retry))
            second.append(same.delay(beforeRetry: retry))
        }
        #expect(first == second)
        var venue = Backoff(base: .seconds(1), maxAttempts: 3, seed: 2)
        #expect(venue.delay(beforeRetry: 1, retryAfter: .seconds(60)) == .seconds(60))
        // Full jitter: over many draws the first retry's delays spread over the whole [0, base).
        var spread = Backoff(base: .seconds(1), maxAttempts: 2, seed: 3)
        var draws: [Double] = []
        for _ in 0..<1_000 { draws.append(Double(spread.delay(beforeRetry: 1)!.nanoseconds) / 1e9) }
        #expect(draws.min()! < 0.05 && draws.max()! > 0.95)
    }

    @Test("the breaker opens after repeated failures, fails fast, half-opens to probe, and closes on success")
    func breaker() {
        var breaker = CircuitBreaker(failureThreshold: 3, openFor: .seconds(30), probes: 1)
        for i in 0..<3 {
            let allowed = breaker.allowsCall(at: Self.t0)
            #expect(allowed)
            breaker.recordFailure(at: Self.t0 + .seconds(Int64(i)))
        }
        #expect(breaker.state == .open && breaker.reopensAt == Self.t0 + .seconds(32))
        let early = breaker.allowsCall(at: Self.t0 + .seconds(10))
        #expect(!early)
        let probe = breaker.allowsCall(at: Self.t0 + .seconds(33))
        #expect(probe && breaker.state == .halfOpen)
        let second = breaker.allowsCall(at: Self.t0 + .seconds(33))
        #expect(!second)  // one probe at a time
        breaker.recordFailure(at: Self.t0 + .seconds(34))
        let reopened = breaker.allowsCall(at: Self.t0 + .seconds(40))
        #expect(breaker.state == .open && !reopened)
        let probeAgain = breaker.allowsCall(at: Self.t0 + .seconds(65))
        #expect(probeAgain)
        breaker.recordSuccess()
        let closed = breaker.allowsCall(at: Self.t0 + .seconds(65))
        #expect(breaker.state == .closed && breaker.consecutiveFailures == 0 && closed)
        // Successes in between reset the count: failures must be consecutive.
        breaker.recordFailure(at: Self.t0)
        breaker.recordFailure(at: Self.t0)
        breaker.recordSuccess()
        breaker.recordFailure(at: Self.t0)
        #expect(breaker.state == .closed)
    }

    @Test("the weight limiter spends and refills by weight, says how long to wait, and trusts the venue's count")
    func limiter() {
        var limiter = WeightedRateLimiter(capacity: 6_000, per: .minutes(1))
        #expect(limiter.acquire(weight: 5_000, at: Self.t0) == .zero)
        let wait = limiter.acquire(weight: 2_000, at: Self.t0)
        #expect(wait == .seconds(10))  // 1,000 missing at 100 a second
        let left = limiter.available(at: Self.t0)
        #expect(left == 1_000)
        let later = limiter.acquire(weight: 2_000, at: Self.t0 + .seconds(10))
        #expect(later == .zero)
        // 20 s later the bucket would hold 2,000, but the venue says 5,900 of 6,000 are used.
        limiter.observeUsedWeight(5_900, at: Self.t0 + .seconds(30))
        let trusted = limiter.available(at: Self.t0 + .seconds(30))
        #expect(trusted == 100)
        // Never more than full, however long it rests.
        let rested = limiter.available(at: Self.t0 + .hours(5))
        #expect(rested == 6_000)
    }
}
