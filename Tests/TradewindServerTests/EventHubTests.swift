import Testing
@testable import TradewindServer

@Suite("Stream fan-out: the event hub")
struct EventHubTests {
    func event(_ sequence: Int, bot: String? = nil, owner: String? = nil) -> StreamEvent {
        StreamEvent(type: "test", bot: bot, owner: owner, data: "{\"seq\":\(sequence)}", time: "2026-01-01T00:00:00Z")
    }

    @Test("events published within one window reach a waiting writer together, in order")
    func coalesces() async throws {
        let hub = EventHub(flushWindow: .milliseconds(50))
        let mailbox = hub.subscribe { _ in true }
        let waiting = Task { await mailbox.next() }
        while !mailbox.hasWaitingWriter { try await Task.sleep(for: .milliseconds(1)) }
        for sequence in 0..<5 { hub.publish(event(sequence)) }
        let batch = try #require(await waiting.value)
        #expect(batch.map(\.json) == (0..<5).map { event($0).json })
        hub.unsubscribe(mailbox)
        #expect(await mailbox.next() == nil)
    }

    @Test("a writer that was busy takes everything waiting at once; later events need the next flush")
    func waitingEventsAreTakenAtOnce() async throws {
        let hub = EventHub(flushWindow: .milliseconds(5))
        let mailbox = hub.subscribe { _ in true }
        for sequence in 0..<3 { hub.publish(event(sequence)) }
        #expect(await mailbox.next()?.count == 3)
        hub.publish(event(3))
        #expect(await mailbox.next()?.map(\.json) == [event(3).json])
    }

    @Test("a subscriber sees only what it accepts; a full mailbox loses its oldest events")
    func filtersAndBounds() async throws {
        let hub = EventHub(flushWindow: .milliseconds(5))
        let mine = hub.subscribe { $0.bot == "mine" }
        for sequence in 0..<(EventHub.bufferPerClient + 10) { hub.publish(event(sequence, bot: sequence == 0 ? "other" : "mine")) }
        let batch = try #require(await mine.next())
        #expect(batch.count == EventHub.bufferPerClient)
        #expect(batch.first?.json == event(10, bot: "mine").json)
        #expect(batch.last?.json == event(EventHub.bufferPerClient + 9, bot: "mine").json)
    }
}
