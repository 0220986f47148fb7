import Foundation
import Testing
@testable import TradewindServer

@Suite("Live stream framing")
struct StreamFramesTests {
    func event(_ n: Int, padding: Int = 0) -> StreamEvent {
        StreamEvent(type: "bar", bot: "b", owner: "system", data: "{\"n\":\(n),\"pad\":\"\(String(repeating: "x", count: padding))\"}",
                    time: "2026-01-01T00:00:00Z")
    }

    @Test("one waiting event is one JSON object; several are one array; nothing is lost or reordered")
    func batching() throws {
        #expect(StreamRoute.frames([event(1)]) == [event(1).json])
        let three = StreamRoute.frames([event(1), event(2), event(3)])
        #expect(three.count == 1)
        let decoded = try JSONSerialization.jsonObject(with: Data(three[0].utf8)) as? [[String: Any]]
        #expect(decoded?.compactMap { ($0["data"] as? [String: Any])?["n"] as? Int } == [1, 2, 3])
    }

    @Test("a large burst is split into frames under the limit, in order")
    func splitting() throws {
        let burst = (0..<300).map { event($0, padding: 500) }
        let frames = StreamRoute.frames(burst)
        #expect(frames.count > 1)
        #expect(frames.allSatisfy { $0.utf8.count <= StreamRoute.frameLimit })
        var seen: [Int] = []
        for frame in frames {
            let value = try JSONSerialization.jsonObject(with: Data(frame.utf8))
            let events = (value as? [[String: Any]]) ?? [value as! [String: Any]]
            seen += events.compactMap { ($0["data"] as? [String: Any])?["n"] as? Int }
        }
        #expect(seen == Array(0..<300))
    }
}

@Suite("Rate limiter")
struct RateLimiterTests {
    @Test("a burst passes, the next request waits for a refill, callers are independent, idle callers are forgotten")
    func bucket() {
        let limiter = RateLimiter { (2, 3) }
        let start = ContinuousClock.now
        for _ in 0..<3 { #expect(limiter.take("a", now: start) == .allowed) }
        #expect(limiter.take("a", now: start) == .limited(retryAfter: 1))
        #expect(limiter.take("b", now: start) == .allowed)
        #expect(limiter.take("a", now: start + .milliseconds(500)) == .allowed)
        #expect(limiter.take("a", now: start + .milliseconds(500)) == .limited(retryAfter: 1))
        for index in 0..<RateLimiter.forgetAbove { _ = limiter.take("login:\(index)", now: start) }
        // Long after, the crowd of one-off callers is dropped and "a" starts full again.
        let later = start + .seconds(10)
        for _ in 0..<3 { #expect(limiter.take("a", now: later) == .allowed) }
    }
}
