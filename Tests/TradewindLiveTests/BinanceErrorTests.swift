import Testing
import TradewindCore
import TradewindLive

struct BinanceErrorTests {
    @Test("statuses and codes map to what the adapter must do")
    func classification() {
        func kind(_ status: Int, _ code: Int?) -> BinanceFailure {
            BinanceFailure.classify(status: status, code: code, message: "m", retryAfter: .seconds(7))
        }
        #expect(kind(400, -2010) == .rejected(code: -2010, message: "m"))  // insufficient balance: never retried
        #expect(kind(400, -1013) == .rejected(code: -1013, message: "m"))  // filter failure
        #expect(kind(400, -1021) == .clockSkew(message: "m"))
        #expect(kind(429, -1003) == .rateLimited(retryAfter: .seconds(7)))
        #expect(kind(418, -1003) == .banned(retryAfter: .seconds(7)))
        #expect(kind(401, -2015) == .unauthorized(message: "m"))
        #expect(kind(400, -1022) == .unauthorized(message: "m"))
        #expect(kind(504, nil) == .unknownOutcome(message: "m"))
        #expect(kind(500, -1007) == .unknownOutcome(message: "m"))
        #expect(kind(503, nil) == .transient(message: "m"))
        #expect(!kind(400, -2010).mayRetry && !kind(504, nil).mayRetry && kind(429, nil).mayRetry && kind(400, -1021).mayRetry)
    }

    @Test("the clock offset comes from the fastest round trip's midpoint")
    func offset() {
        var clock = ServerClockOffset()
        let t = Timestamp(secondsSinceEpoch: 1_700_000_000)
        // Server 1.2 s ahead; a slow sample (400 ms) then a fast one (40 ms).
        clock.record(sent: t, server: t + .seconds(1) + TimeSpan(nanoseconds: 500_000_000), received: t + TimeSpan(nanoseconds: 400_000_000))
        #expect(clock.offset == TimeSpan(nanoseconds: 1_300_000_000))
        clock.record(sent: t + .seconds(5), server: t + .seconds(6) + TimeSpan(nanoseconds: 220_000_000),
                     received: t + .seconds(5) + TimeSpan(nanoseconds: 40_000_000))
        #expect(clock.offset == TimeSpan(nanoseconds: 1_200_000_000))
        // A slower sample later does not replace the better one.
        clock.record(sent: t + .seconds(9), server: t + .seconds(20), received: t + .seconds(10))
        #expect(clock.bestRoundTrip == TimeSpan(nanoseconds: 40_000_000))
        #expect(clock.serverTime(at: t) == t + TimeSpan(nanoseconds: 1_200_000_000))
        clock.reset()
        #expect(clock.offset == .zero && clock.bestRoundTrip == nil)
    }
}
