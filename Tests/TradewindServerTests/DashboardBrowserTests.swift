import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import TradewindCore
import TradewindMarketData
import TradewindServer
import TradewindStorage
import TradewindTesting
import WSClient

/// The dashboard in a real browser: headless Chromium driven over the DevTools protocol logs in
/// through the form, watches a paper bot's equity move on the live stream, and takes a screenshot.
@Suite("Dashboard in headless Chromium")
struct DashboardBrowserTests {
    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test("log in, see a paper bot's equity move live, take a screenshot")
    func dashboard() async throws {
        guard let browser = Self.chromium else {
            if ProcessInfo.processInfo.environment["TRADEWIND_REQUIRE_CHROMIUM"] != nil { Issue.record("chromium is not installed") }
            return
        }
        // A rule that fires once the bot trades: its alert must appear on the page without a reload.
        let harness = try await ServerHarness.make(config: "alerts:\n  interval: 200ms\n  rules: [\"in-the-market: equity > 1 severity warning\"]\n")
        let series = try CSVBarFile.load(path: Fixtures.exampleData("GOOG-1d.csv"), instrumentID: InstrumentID(symbol: "GOOG", venue: "XNAS"))
        _ = try await harness.server.store.register(series.instrument)
        _ = try await harness.server.store.insertCandles(series.bars, instrument: series.instrument.id, timeframe: "1d")
        let admin = try await harness.token("admin")
        let app = harness.server.application(host: "127.0.0.1", port: 0)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            #expect(try await client.call(.post, "/api/v1/backtests", token: admin, body: """
                {"strategy": "sma-cross", "parameters": {"fast": "10", "slow": "30", "size": "10"}, "instrument": "GOOG.XNAS", "commission": "0.001"}
                """).status == 202)
            #expect(try await client.call(.post, "/api/v1/bots", token: admin, body: paperBotFile(name: "paper-goog", pace: 30)).status == 201)
            #expect(try await client.call(.post, "/api/v1/bots/paper-goog/start", token: admin).status == 202)

            let profile = FileManager.default.temporaryDirectory.appendingPathComponent("tradewind-chromium-\(UUID().uuidString)")
            let process = Process()
            process.executableURL = URL(fileURLWithPath: browser)
            process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars", "--remote-debugging-port=0", "--remote-allow-origins=*",
                                 "--user-data-dir=\(profile.path)", "--window-size=1400,1180", "about:blank"]
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            defer {
                process.terminate()
                try? FileManager.default.removeItem(at: profile)
            }
            let devtools = try await Self.devtoolsURL(errors)
            let screenshot = try await CDPSession.run(url: devtools) { cdp in
                let target = try await cdp.send("Target.createTarget", ["url": "http://127.0.0.1:\(port)/"])
                let targetID = try #require(target["targetId"] as? String)
                let attached = try await cdp.send("Target.attachToTarget", ["targetId": targetID, "flatten": true])
                cdp.session = attached["sessionId"] as? String
                _ = try await cdp.waitFor("document.querySelector('#login') !== null && document.readyState === 'complete'")

                // Log in through the form, as a person would
                _ = try await cdp.evaluate("""
                    document.querySelector('#username').value = 'admin';
                    document.querySelector('#password').value = '\(ServerHarness.password)';
                    document.querySelector('#login').requestSubmit(); true
                    """)
                _ = try await cdp.waitFor("!document.querySelector('#app').hidden && document.querySelector('#stream-status').textContent === 'live'")
                _ = try await cdp.waitFor("Number(document.querySelector('#equity-chart').dataset.points) >= 5")

                // The equity curve grows and its value changes while we watch: the stream is live.
                // Waited for rather than sampled over a fixed window: the bot can be flat for a
                // while (its equity then stays put), and on a loaded machine its bars come slower.
                let value = try await cdp.evaluate("document.querySelector('#equity-value').textContent") as? String ?? ""
                let points = try await cdp.evaluate("Number(document.querySelector('#equity-chart').dataset.points)") as? Int ?? 0
                let quoted = String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
                #expect(try await cdp.waitFor("Number(document.querySelector('#equity-chart').dataset.points) > \(points)"),
                        "the equity curve did not grow from \(points) points")
                #expect(try await cdp.waitFor("document.querySelector('#equity-value').textContent !== \(quoted)"),
                        "the equity value never changed from \(value)")
                #expect(try await cdp.evaluate("document.querySelectorAll('#bots tbody tr').length") as? Int == 1)
                _ = try await cdp.waitFor("document.querySelector('#backtests tbody').textContent.includes('succeeded')")
                // The alert arrived over the stream; acknowledging it from the page updates the row.
                #expect(try await cdp.waitFor("document.querySelector('#alerts tbody').textContent.includes('in-the-market: paper-goog equity')"))
                _ = try await cdp.evaluate("document.querySelector('#alerts button[data-ack]').click(); true")
                #expect(try await cdp.waitFor("document.querySelector('#alerts tbody').textContent.includes('acknowledged by admin')"))
                let image = try await cdp.send("Page.captureScreenshot", ["format": "png"])
                return Data(base64Encoded: try #require(image["data"] as? String)) ?? Data()
            }
            #expect(screenshot.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            #expect(screenshot.count > 20_000)
            // TRADEWIND_DASHBOARD_SCREENSHOT=docs/dashboard.png refreshes the picture in the docs.
            if let path = ProcessInfo.processInfo.environment["TRADEWIND_DASHBOARD_SCREENSHOT"] {
                try screenshot.write(to: URL(fileURLWithPath: path))
            }
            _ = try await client.call(.post, "/api/v1/bots/paper-goog/stop", token: admin)
        }
    }

    static func devtoolsURL(_ pipe: Pipe) async throws -> String {
        try await Task.detached {
            var text = ""
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline {
                let chunk = pipe.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                text += String(decoding: chunk, as: UTF8.self)
                if let range = text.range(of: "ws://[^\\s]+", options: .regularExpression) { return String(text[range]) }
            }
            throw CDPError(message: "chromium printed no DevTools address:\n\(text)")
        }.value
    }
}

struct CDPError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// A minimal Chrome DevTools Protocol client: numbered commands, answers matched by id.
final class CDPSession: @unchecked Sendable {
    var session: String?
    private var nextID = 0
    private let outbound: WebSocketOutboundWriter
    private var iterator: WebSocketInboundMessageStream.AsyncIterator

    init(outbound: WebSocketOutboundWriter, iterator: WebSocketInboundMessageStream.AsyncIterator) {
        self.outbound = outbound
        self.iterator = iterator
    }

    static func run<T: Sendable>(url: String, _ body: @escaping @Sendable (CDPSession) async throws -> T) async throws -> T {
        let result = Mutex<T?>(nil)
        try await WebSocketClient.connect(url: url, configuration: .init(maxFrameSize: 1 << 26),
                                          logger: Logger(label: "cdp", factory: { _ in SwiftLogNoOpLogHandler() })) { inbound, outbound, _ in
            let session = CDPSession(outbound: outbound, iterator: inbound.messages(maxSize: 1 << 26).makeAsyncIterator())
            let value = try await body(session)
            result.withLock { $0 = value }
        }
        guard let value = result.withLock({ $0 }) else { throw CDPError(message: "the DevTools session ended early") }
        return value
    }

    func send(_ method: String, _ params: [String: Any] = [:]) async throws -> [String: Any] {
        nextID += 1
        var message: [String: Any] = ["id": nextID, "method": method, "params": params]
        if let session, !method.hasPrefix("Target.") { message["sessionId"] = session }
        try await outbound.write(.text(String(decoding: try JSONSerialization.data(withJSONObject: message), as: UTF8.self)))
        while let frame = try await iterator.next() {
            guard case .text(let text) = frame,
                  let answer = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], answer["id"] as? Int == nextID else { continue }
            if let error = answer["error"] { throw CDPError(message: "\(method): \(error)") }
            return answer["result"] as? [String: Any] ?? [:]
        }
        throw CDPError(message: "the DevTools connection closed")
    }

    func evaluate(_ expression: String) async throws -> Any? {
        let answer = try await send("Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = answer["exceptionDetails"] { throw CDPError(message: "\(expression): \(exception)") }
        return (answer["result"] as? [String: Any])?["value"]
    }

    /// Polls until the expression is true (30 s at most).
    func waitFor(_ expression: String) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if try await evaluate(expression) as? Bool == true { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CDPError(message: "timed out waiting for: \(expression)")
    }
}
