import Foundation
import Logging
import Synchronization
import Testing
import TradewindAlerts
import TradewindCore
import TradewindNotifications
import TradewindStorage

/// Runs a delivery service until `body` returns, then shuts it down (closing its queue) and
/// waits for its final flush.
func withDelivery(_ delivery: DeliveryService, _ body: () async throws -> Void) async throws {
    let task = Task { try await delivery.run() }
    do { try await body() } catch {
        delivery.queue.close()
        _ = try? await task.value
        throw error
    }
    delivery.queue.close()
    try await task.value
}

@Suite("Delivery: routing, batching, rate limits, retries, dead letters, restarts")
struct DeliveryTests {
    let logger = Logger(label: "test")

    func webhookDelivery(port: Int, store: any Store, settings: DeliverySettings, queue: NoticeQueue = NoticeQueue(capacity: 1_000),
                         routes: [Severity: [String]] = [.info: ["webhook"], .warning: ["webhook"], .critical: ["webhook"]]) -> DeliveryService {
        DeliveryService(queue: queue, channels: [WebhookChannel(url: "http://127.0.0.1:\(port)/hook", secret: "webhook-secret")],
                        routing: AlertRouting(routes: routes), store: store, settings: settings, logger: logger)
    }

    @Test("a failed send is retried with back-off and recorded; a permanent refusal becomes a dead letter at once")
    func retries() async throws {
        let hook = FakeWebhook()
        let store = try await temporaryStore()
        try await withLocalServer(hook.router) { port in
            let settings = DeliverySettings(batchWindow: .zero, perMinute: 600, burst: 10, maxAttempts: 3, retryBase: .nanoseconds(50_000_000),
                                            tick: .milliseconds(20))
            let delivery = webhookDelivery(port: port, store: store, settings: settings)
            hook.fail(with: [500, 502])
            try await withDelivery(delivery) {
                delivery.queue.offer(notice(.warning, "first"))
                #expect(await eventually { hook.received.count == 1 })
                hook.fail(with: [404])
                delivery.queue.offer(notice(.warning, "second"))
                #expect(await eventually { try await store.notifications(status: .dead, limit: 10).count == 1 })
            }
            let records = try await store.notifications(status: nil, limit: 10)
            let first = try #require(records.first { $0.draft.title == "first" })
            #expect(first.status == .sent && first.attempts == 3 && first.sentAt != nil)
            let second = try #require(records.first { $0.draft.title == "second" })
            #expect(second.status == .dead && second.attempts == 1 && second.lastError == "webhook answered 404 planned failure 404")
        }
        await store.close()
    }

    @Test("retries stop at max attempts: the message is a dead letter with the last error")
    func deadLetter() async throws {
        let hook = FakeWebhook()
        let store = try await temporaryStore()
        try await withLocalServer(hook.router) { port in
            let settings = DeliverySettings(batchWindow: .zero, perMinute: 600, burst: 10, maxAttempts: 3, retryBase: .nanoseconds(20_000_000),
                                            tick: .milliseconds(20))
            hook.fail(with: [500, 500, 503, 500])
            let delivery = webhookDelivery(port: port, store: store, settings: settings)
            try await withDelivery(delivery) {
                delivery.queue.offer(notice(.critical, "venue down", category: "alert"))
                #expect(await eventually { try await store.notifications(status: .dead, limit: 10).count == 1 })
            }
            let dead = try #require(try await store.notifications(status: .dead, limit: 10).first)
            #expect(dead.attempts == 3 && dead.lastError == "webhook answered 503 planned failure 503")
            #expect(hook.received.isEmpty)
        }
        await store.close()
    }

    @Test("a Telegram 429 pauses the channel for retry_after and the message goes out after it")
    func telegramRateLimit() async throws {
        let telegram = FakeTelegram()
        let store = try await temporaryStore()
        try await withLocalServer(telegram.router) { port in
            let delivery = DeliveryService(
                queue: NoticeQueue(capacity: 100),
                channels: [TelegramChannel(api: TelegramBotAPI(token: telegram.token, apiBase: "http://127.0.0.1:\(port)"), chat: 42)],
                routing: AlertRouting(routes: [.warning: ["telegram"]]), store: store,
                settings: DeliverySettings(batchWindow: .zero, perMinute: 600, burst: 10, retryBase: .nanoseconds(10_000_000), tick: .milliseconds(20)),
                logger: logger)
            telegram.rateLimit(next: 1)
            let start = ContinuousClock.now
            try await withDelivery(delivery) {
                delivery.queue.offer(notice(.warning, "slow down"))
                #expect(await eventually { telegram.sent.count == 1 })
            }
            #expect(ContinuousClock.now - start >= .seconds(1))
            let record = try #require(try await store.notifications(status: nil, limit: 1).first)
            #expect(record.status == .sent && record.attempts == 2)
        }
        await store.close()
    }

    @Test("critical notices are recorded before delivery and delivered after a restart when the channel was down")
    func survivesRestart() async throws {
        let hook = FakeWebhook()
        let store = try await temporaryStore()
        try await withLocalServer(hook.router) { port in
            let settings = DeliverySettings(batchWindow: .zero, perMinute: 600, burst: 10, maxAttempts: 10, retryBase: .seconds(30),
                                            tick: .milliseconds(20))
            // The endpoint fails while the first process runs; it shuts down with the message owed.
            hook.fail(with: [503])
            let first = webhookDelivery(port: port, store: store, settings: settings)
            try await withDelivery(first) {
                first.queue.offer(notice(.critical, "bot-a is HALTED", category: "risk state", subject: "bot-a"))
                #expect(await eventually { try await store.notifications(status: .retrying, limit: 10).count == 1 })
            }
            #expect(hook.received.isEmpty)
            #expect(try await store.unfinishedNotifications().map(\.draft.title) == ["bot-a is HALTED"])
            // Its retry was due in 30 s, but a new process starts with the record and the channel is back.
            let retry = try #require(try await store.unfinishedNotifications().first)
            try await store.updateNotification(id: retry.id, status: .retrying, attempts: retry.attempts, lastError: retry.lastError,
                                               nextAttemptAt: WallClock.now(), now: WallClock.now())
            let second = webhookDelivery(port: port, store: store, settings: settings)
            try await withDelivery(second) {
                #expect(await eventually { hook.received.count == 1 })
            }
            #expect(hook.received.first?.object["title"] == "bot-a is HALTED" && hook.received.first?.object["severity"] == "critical")
            #expect(try await store.unfinishedNotifications().isEmpty)
            #expect(try await store.notifications(status: .sent, limit: 10).first?.attempts == 2)
        }
        await store.close()
    }

    @Test("routes send each severity to its channels; an explicit channel list wins")
    func routing() async throws {
        let hook = FakeWebhook(), telegram = FakeTelegram()
        let store = try await temporaryStore()
        try await withLocalServer(hook.router) { hookPort in
            try await withLocalServer(telegram.router) { telegramPort in
                let delivery = DeliveryService(
                    queue: NoticeQueue(capacity: 100),
                    channels: [TelegramChannel(api: TelegramBotAPI(token: telegram.token, apiBase: "http://127.0.0.1:\(telegramPort)"), chat: 42),
                               WebhookChannel(url: "http://127.0.0.1:\(hookPort)/hook", secret: nil)],
                    routing: AlertRouting(routes: [.info: ["webhook"], .critical: ["telegram", "webhook"]]), store: store,
                    settings: DeliverySettings(batchWindow: .zero, tick: .milliseconds(20)), logger: logger)
                try await withDelivery(delivery) {
                    delivery.queue.offer(notice(.info, "info only to the webhook"))
                    delivery.queue.offer(notice(.critical, "critical everywhere"))
                    delivery.queue.offer(notice(.warning, "warning goes nowhere (no route)"))
                    delivery.queue.offer(notice(.info, "escalated to telegram", channels: ["telegram"]))
                    #expect(await eventually { hook.received.count == 2 && telegram.sent.count == 2 })
                }
                #expect(Set(hook.received.compactMap { $0.object["title"] }) == ["info only to the webhook", "critical everywhere"])
                #expect(telegram.sent.map(\.text).sorted() == ["<b>escalated to telegram</b>", "<b>🚨 critical everywhere</b>"])
            }
        }
        await store.close()
    }

    @Test("10,000 events in one second: the bots' hand-off never waits, every critical arrives, the rest arrive batched within the rate")
    func flood() async throws {
        let hook = FakeWebhook(secret: nil)
        let store = try await temporaryStore()
        try await withLocalServer(hook.router) { port in
            let perMinute = 600.0, burst = 5
            let settings = DeliverySettings(batchWindow: .seconds(60), perMinute: perMinute, burst: burst, tick: .milliseconds(50))
            let delivery = webhookDelivery(port: port, store: store, settings: settings, queue: NoticeQueue(capacity: 1_000))
            let symbols = (0..<10).map { "SYM\($0)" }
            let started = ContinuousClock.now
            var offered = 0, accepted = 0
            var latencies: [Duration] = []
            latencies.reserveCapacity(10_000)
            try await withDelivery(delivery) {
                // The "trading loop": ten events per millisecond for a second; every hundredth is critical.
                for millisecond in 0..<1_000 {
                    for index in 0..<10 {
                        let number = millisecond * 10 + index
                        let event = number % 1_000 == 999
                            ? notice(.critical, "HALT \(number)", category: "risk state", subject: "bot-\(number)")
                            : notice(.info, "fill \(number)", subject: symbols[number % 10])
                        let before = ContinuousClock.now
                        if delivery.queue.offer(event) { accepted += 1 }
                        latencies.append(ContinuousClock.now - before)
                        offered += 1
                    }
                    let target = started + .milliseconds(millisecond + 1)
                    if ContinuousClock.now < target { try await Task.sleep(until: target, clock: .continuous) }
                }
                #expect(await eventually {
                    hook.received.filter { $0.object["severity"] == "critical" }.count == 10
                })
            }
            let elapsed = ContinuousClock.now - started
            let received = hook.received
            // Every critical notice arrived, on its own.
            let critical = received.filter { $0.object["category"] == "risk state" }
            #expect(Set(critical.compactMap { $0.object["title"] }) == Set((0..<10).map { "HALT \($0 * 1_000 + 999)" }))
            // Everything else came batched: far fewer messages than events, never more than the budget allows.
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            #expect(received.count <= burst + Int((perMinute * seconds / 60).rounded(.up)) + 1, "\(received.count) messages in \(seconds) s")
            #expect(received.count < 100)
            // No info notice vanished without being counted: accepted ones were delivered in a digest or merged message.
            #expect(offered == 10_000 && accepted + delivery.queue.drops.info == 10_000)
            let texts = received.compactMap { $0.object["text"] }.joined(separator: "\n")
            for symbol in symbols { #expect(texts.contains("fills on \(symbol) in the last 60 s") || texts.contains("fill ") ) }
            let sorted = latencies.sorted()
            let p99 = sorted[sorted.count * 99 / 100]
            print("flood: 10,000 hand-offs, p50 \(sorted[sorted.count / 2]), p99 \(p99), max \(sorted.last!); \(received.count) messages in \(elapsed)")
        }
        await store.close()
    }
}
