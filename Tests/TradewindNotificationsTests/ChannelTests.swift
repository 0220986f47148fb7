import Foundation
import Logging
import Synchronization
import Testing
import TradewindAlerts
import TradewindCore
import TradewindNotifications
import TradewindStorage

func temporaryStore() async throws -> any Store {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("tw-notify-\(UUID().uuidString).db").path
    return try await openStore("sqlite:" + path)
}

func notice(_ severity: Severity, _ title: String, body: String = "", category: String = "fill", subject: String = "BTCUSDT",
            channels: [String]? = nil) -> Notice {
    Notice(severity: severity, category: category, subject: subject, bot: "bot-a", title: title, body: body, time: WallClock.now(), channels: channels)
}

@Suite("Telegram: messages and control against a local Bot API")
struct TelegramTests {
    @Test("HTML is escaped, long text is split under 4,096 characters without cutting an entity, the headline stays bold")
    func splitting() async throws {
        let telegram = FakeTelegram()
        try await withLocalServer(telegram.router) { port in
            let api = TelegramBotAPI(token: telegram.token, apiBase: "http://127.0.0.1:\(port)")
            let line = "fill <BTCUSDT> & more at 43000.10 — ok\n"
            let body = String(repeating: line, count: 250)   // 10,000 characters, 13,000 escaped: four messages
            try await TelegramChannel(api: api, chat: 42).send(notice(.warning, "Risk <REDUCING> & co", body: body))
            let parts = telegram.sent
            #expect(parts.count == 4 && telegram.rejectedLength == 0, "\(parts.map(\.text.utf16.count))")
            #expect(parts.allSatisfy { $0.text.utf16.count <= 4_096 && $0.parseMode == "HTML" && $0.chat == 42 })
            #expect(parts[0].text.hasPrefix("<b>⚠️ Risk &lt;REDUCING&gt; &amp; co</b>\n"))
            // Every entity is whole within its part, and the parts together are the whole escaped body.
            for part in parts { #expect(!part.text.hasSuffix("&") && !part.text.contains(/&[a-z]*$/)) }
            let joined = parts.map(\.text).joined(separator: "\n").split(separator: "\n", omittingEmptySubsequences: true).dropFirst()
            #expect(joined.count == 250 && joined.allSatisfy { $0 == "fill &lt;BTCUSDT&gt; &amp; more at 43000.10 — ok" })
        }
    }

    @Test("MarkdownV2 escaping backslashes every reserved character")
    func markdown() {
        #expect(TelegramText.escapeMarkdownV2("P&L: -1.5% (BTC_USDT) [x] #1!") == "P&L: \\-1\\.5% \\(BTC\\_USDT\\) \\[x\\] \\#1\\!")
        #expect(TelegramText.escapeHTML("<b>&</b>") == "&lt;b&gt;&amp;&lt;/b&gt;")
    }

    @Test("429 is retryable after the server's retry_after; a wrong token or chat is permanent and says why")
    func errors() async throws {
        let telegram = FakeTelegram()
        try await withLocalServer(telegram.router) { port in
            let base = "http://127.0.0.1:\(port)"
            telegram.rateLimit(next: 1)
            await #expect(throws: DeliveryError.retryable("Telegram sendMessage: Too Many Requests: retry after 1", retryAfter: .seconds(1))) {
                try await TelegramChannel(api: TelegramBotAPI(token: telegram.token, apiBase: base), chat: 42).send(notice(.info, "x"))
            }
            await #expect(throws: DeliveryError.permanent("Telegram sendMessage: 401 Unauthorized")) {
                try await TelegramChannel(api: TelegramBotAPI(token: "999:wrong", apiBase: base), chat: 42).send(notice(.info, "x"))
            }
            await #expect(throws: DeliveryError.permanent("Telegram sendMessage: 400 Bad Request: chat not found")) {
                try await TelegramChannel(api: TelegramBotAPI(token: telegram.token, apiBase: base), chat: 7).send(notice(.info, "x"))
            }
        }
    }

    final class RecordingControl: BotControl {
        let calls = Mutex<[String]>([])
        func statusReport() async -> String { calls.withLock { $0.append("status") }; return "bot-a: active, equity 10000" }
        func balanceReport() async -> String { calls.withLock { $0.append("balance") }; return "Total equity: 10000" }
        func positionsReport() async -> String { calls.withLock { $0.append("positions") }; return "bot-a: BTCUSDT 0.5 <long>" }
        func stop(bot: String) async -> String { calls.withLock { $0.append("stop \(bot)") }; return "Stopped \(bot)." }
        func start(bot: String) async -> String { calls.withLock { $0.append("start \(bot)") }; return "Started \(bot)." }
    }

    @Test("commands from the allowed chat are obeyed and answered; a stranger's are ignored")
    func control() async throws {
        let telegram = FakeTelegram(chats: [42, 666])
        try await withLocalServer(telegram.router) { port in
            let control = RecordingControl()
            let service = TelegramControl(api: TelegramBotAPI(token: telegram.token, apiBase: "http://127.0.0.1:\(port)"), chat: 42,
                                          control: control, pollTimeout: 1, logger: Logger(label: "test"))
            let task = Task { try await service.run() }
            telegram.receive("/stop bot-a", from: 666)
            telegram.receive("/status", from: 42)
            telegram.receive("/stop@TradewindBot bot-a", from: 42)
            telegram.receive("/start bot-b", from: 42)
            telegram.receive("/positions", from: 42)
            telegram.receive("/balance", from: 42)
            telegram.receive("/stop", from: 42)
            telegram.receive("hello", from: 42)
            #expect(await eventually { telegram.sent.count >= 7 })
            task.cancel()
            _ = try? await task.value
            #expect(control.calls.withLock { $0 } == ["status", "stop bot-a", "start bot-b", "positions", "balance"])
            let replies = telegram.sent
            #expect(replies.allSatisfy { $0.chat == 42 })
            #expect(replies.map(\.text) == ["bot-a: active, equity 10000", "Stopped bot-a.", "Started bot-b.", "bot-a: BTCUSDT 0.5 &lt;long&gt;",
                                            "Total equity: 10000", "Usage: /stop BOT", TelegramText.escapeHTML(TelegramControl.help)])
        }
    }
}

@Suite("Webhooks: signed JSON POSTs")
struct WebhookTests {
    @Test("the body carries text for Slack, content for Discord and the fields; the signature verifies with the secret")
    func signed() async throws {
        let hook = FakeWebhook()
        try await withLocalServer(hook.router) { port in
            try await WebhookChannel(url: "http://127.0.0.1:\(port)/hook", secret: "webhook-secret")
                .send(notice(.critical, "bot-a is HALTED", body: "max_drawdown: 21% > 20%", category: "risk state", subject: "bot-a"))
            let received = try #require(hook.received.first)
            #expect(received.signatureValid)
            #expect(received.object["text"] == "[CRITICAL] bot-a is HALTED\nmax_drawdown: 21% > 20%" && received.object["content"] == received.object["text"])
            #expect(received.object["severity"] == "critical" && received.object["category"] == "risk state" && received.object["bot"] == "bot-a")
            // A wrong secret does not verify.
            try await WebhookChannel(url: "http://127.0.0.1:\(port)/hook", secret: "guess").send(notice(.info, "x"))
            #expect(hook.received.last?.signatureValid == false)
            hook.fail(with: [503, 404])
            await #expect(throws: DeliveryError.retryable("webhook answered 503 planned failure 503", retryAfter: nil)) {
                try await WebhookChannel(url: "http://127.0.0.1:\(port)/hook", secret: nil).send(notice(.info, "x"))
            }
            await #expect(throws: DeliveryError.permanent("webhook answered 404 planned failure 404")) {
                try await WebhookChannel(url: "http://127.0.0.1:\(port)/hook", secret: nil).send(notice(.info, "x"))
            }
        }
    }
}

@Test("a reply without a headline (Telegram control) is split without an empty first line")
func splitWithoutHeadline() {
    #expect(TelegramText.split(headline: "", body: "bot-a: active") == ["bot-a: active"])
    let long = (1...300).map { "line \($0) of a long status report" }.joined(separator: "\n")
    let parts = TelegramText.split(headline: "", body: long)
    #expect(parts.count > 1 && parts.allSatisfy { !$0.hasPrefix("\n") && $0.utf16.count <= TelegramText.limit })
    #expect(parts.joined(separator: "\n") == long)
}
