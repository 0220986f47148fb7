import Testing
import TradewindAlerts
import TradewindCore

@Suite("Notice queue, batching and send budgets")
struct DeliveryPlanningTests {
    let t0 = Timestamp(nanosecondsSinceEpoch: 1_800_000_000_000_000_000)

    func notice(_ severity: Severity, _ title: String, category: String = "fill", subject: String = "BTCUSDT", at seconds: Int64 = 0) -> Notice {
        Notice(severity: severity, category: category, subject: subject, bot: "b", title: title, time: t0 + .seconds(seconds))
    }

    @Test("a full queue drops info before warnings and never drops a critical notice")
    func drops() {
        let queue = NoticeQueue(capacity: 3)
        #expect(queue.offer(notice(.info, "i1")) && queue.offer(notice(.info, "i2")) && queue.offer(notice(.warning, "w1")))
        #expect(!queue.offer(notice(.info, "i3")))         // full: a new info is dropped
        #expect(queue.offer(notice(.warning, "w2")))        // a warning pushes out the oldest info
        #expect(queue.offer(notice(.warning, "w3")))        // and the next one the other info
        #expect(!queue.offer(notice(.warning, "w4")))       // full of warnings: the new warning is dropped
        for index in 0..<50 { #expect(queue.offer(notice(.critical, "c\(index)"))) }
        #expect(queue.drops.info == 3 && queue.drops.warning == 1)
        let drained = queue.drain()
        #expect(drained.prefix(50).allSatisfy { $0.severity == .critical })
        #expect(drained.dropFirst(50).map(\.title) == ["w1", "w2", "w3"])
        #expect(queue.count == 0)
    }

    @Test("a critical notice wakes the consumer; ordinary ones wait for its timer or a half-full queue; a closed queue refuses more")
    func waiting() async {
        let queue = NoticeQueue(capacity: 4)
        async let first = queue.next()
        try? await Task.sleep(for: .milliseconds(50))
        queue.offer(notice(.info, "fill"))              // does not wake it
        try? await Task.sleep(for: .milliseconds(50))
        #expect(queue.count == 1)
        queue.offer(notice(.critical, "halt"))          // does
        #expect(await first.map(\.title) == ["halt", "fill"])

        async let second = queue.next()
        try? await Task.sleep(for: .milliseconds(50))
        queue.offer(notice(.info, "a"))
        queue.offer(notice(.info, "b"))                 // half of four: wakes it
        #expect(await second.map(\.title) == ["a", "b"])

        async let third = queue.next()
        try? await Task.sleep(for: .milliseconds(50))
        queue.offer(notice(.warning, "w"))
        queue.wake()                                    // the consumer's timer
        #expect(await third.map(\.title) == ["w"])

        queue.close()
        #expect(!queue.offer(notice(.critical, "late")))
        #expect(await queue.next().isEmpty)
    }

    @Test("the first of a topic goes at once, the rest of its window leave as one digest")
    func batching() {
        var coalescer = Coalescer(window: .seconds(60))
        #expect(coalescer.add(notice(.info, "Bought 1 BTCUSDT at 100", at: 0))?.title == "Bought 1 BTCUSDT at 100")
        for second in 1...11 { #expect(coalescer.add(notice(.info, "Bought 1 BTCUSDT at \(100 + second)", at: Int64(second))) == nil) }
        // Another topic is its own group; critical notices are never held.
        #expect(coalescer.add(notice(.info, "Sold 1 ETHUSDT", subject: "ETHUSDT", at: 5)) != nil)
        #expect(coalescer.add(notice(.critical, "HALTED", category: "risk state", at: 6)) != nil)
        #expect(coalescer.due(now: t0 + .seconds(59)).isEmpty)
        let digests = coalescer.due(now: t0 + .seconds(60))
        #expect(digests.count == 1)
        #expect(digests[0].title == "12 fills on BTCUSDT in the last 60 s (b)")
        #expect(digests[0].body.split(separator: "\n").count == 11 && digests[0].body.contains("Bought 1 BTCUSDT at 111"))
        // The window has closed: the next fill opens a new one and goes at once.
        #expect(coalescer.add(notice(.info, "Bought again", at: 61)) != nil)
        #expect(coalescer.flush().isEmpty)
    }

    @Test("a send budget allows its burst, then its rate")
    func budget() {
        var budget = SendBudget(perMinute: 6, burst: 2)
        let first = budget.take(now: t0), second = budget.take(now: t0), third = budget.take(now: t0)
        #expect(first && second && !third)
        let next = budget.nextAllowed(now: t0)
        #expect(next == t0 + .seconds(10))
        let early = budget.take(now: t0 + .seconds(9)), onTime = budget.take(now: t0 + .seconds(10))
        #expect(!early && onTime)
    }
}
