import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import TradewindConfiguration
import TradewindCore
import TradewindServer
import TradewindTesting
import WSClient

/// A paper bot replaying GOOG daily bars, paced so a test can watch it trade.
func paperBotFile(name: String, pace: Int = 3) -> String {
    BotFiles.paperSMACross(name: name, fast: 10, slow: 30, warmupBars: 40, data: Fixtures.exampleData("GOOG-1d.csv"), pace: pace)
}

@Suite("API over a socket: bots and the live stream")
struct LiveServerTests {
    @Test("a trader creates and starts a paper bot; the stream shows its bars, fills and equity; REST agrees; stop stops it")
    func botThroughTheAPI() async throws {
        let harness = try await ServerHarness.make()
        let trader = try await harness.token("trader")
        let viewer = try await harness.token("viewer")
        let app = harness.server.application(host: "127.0.0.1", port: 0)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // Given a bot created and started through the API
            let created = try await client.call(.post, "/api/v1/bots", token: trader, body: paperBotFile(name: "goog-live"))
            #expect(created.status == 201, "\(created.text)")
            #expect(field(created.json, "owner") as? String == "trader")
            // (the list is cached per audience until a bot changes: each step below must show)
            #expect(try await listedRunning(client, trader) == ["goog-live": false])

            // When the trader watches the stream while it runs
            let received = Mutex<[String]>([])
            let stream = Task {
                try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/stream?access_token=\(trader)",
                                                  logger: Logger(label: "ws", factory: { _ in SwiftLogNoOpLogHandler() })) { inbound, _, _ in
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message else { continue }
                        let fills = received.withLock { list in
                            list.append(text)
                            return list.filter { $0.contains("\"type\":\"fill\"") }.count
                        }
                        if fills >= 2 { return }
                    }
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await client.call(.post, "/api/v1/bots/goog-live/start", token: trader).status == 202)
            #expect(try await listedRunning(client, trader) == ["goog-live": true])
            let deadline = ContinuousClock.now + .seconds(60)
            while received.withLock({ $0.filter { $0.contains("\"type\":\"fill\"") }.count }) < 2 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            stream.cancel()
            let messages = received.withLock { $0 }

            // Then the stream carried hello, bars, equity, orders, fills and positions of the bot
            #expect(messages.first?.contains("\"type\":\"hello\"") == true)
            for type in ["bar", "equity", "order", "fill", "position"] {
                #expect(messages.contains { $0.contains("\"type\":\"\(type)\"") && $0.contains("\"bot\":\"goog-live\"") }, "no \(type) event")
            }
            // and a viewer cannot see a trader's bot
            let listed = try await client.call(.get, "/api/v1/bots", token: viewer)
            #expect((field(listed.json, "items") as? [Any])?.isEmpty == true)
            #expect(try await client.call(.get, "/api/v1/bots/goog-live", token: viewer).status == 404)

            // and REST reads agree with the journal: trades priced, equity curve moving
            let trades = try await client.call(.get, "/api/v1/bots/goog-live/trades", token: trader)
            #expect(((field(trades.json, "items") as? [Any])?.count ?? 0) >= 2)
            let pnl = try await client.call(.get, "/api/v1/bots/goog-live/pnl", token: trader)
            let curve = (field(pnl.json, "equity_curve") as? [[String: Any]]) ?? []
            #expect(curve.count > 10)
            #expect(Set(curve.compactMap { $0["equity"] as? String }).count > 1, "equity never moved")

            // When it is stopped, it is stopped
            let stopped = try await client.call(.post, "/api/v1/bots/goog-live/stop", token: trader)
            #expect(stopped.status == 200, "\(stopped.text)")
            #expect(field(stopped.json, "running") as? Bool == false)
            #expect(try await listedRunning(client, trader) == ["goog-live": false])
            #expect(try await client.call(.post, "/api/v1/bots/goog-live/stop", token: trader).status == 409)
        }
    }

    /// GET /bots as `token` sees it: each bot's name and whether it runs.
    func listedRunning(_ client: some TestClientProtocol, _ token: String) async throws -> [String: Bool] {
        let items = try #require(field(try await client.call(.get, "/api/v1/bots", token: token).json, "items") as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: items.compactMap { item in
            (item["name"] as? String).map { ($0, item["running"] as? Bool ?? false) }
        })
    }

    @Test("health, readiness and Prometheus metrics answer without login")
    func observability() async throws {
        let harness = try await ServerHarness.make()
        let app = harness.server.application(host: "127.0.0.1", port: 0)
        try await app.test(.live) { client in
            #expect(try await client.call(.get, "/health/live").status == 200)
            try await harness.server.tail.poll()
            let ready = try await client.call(.get, "/health/ready")
            #expect(ready.status == 200, "\(ready.text)")
            #expect(field(ready.json, "status") as? String == "ready")
            let metrics = try await client.call(.get, "/metrics")
            #expect(metrics.status == 200)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            // The requests above are counted and timed per route, in sub-5 ms buckets.
            let live = #"{http_route="/health/live",http_request_method="GET",http_response_status_code="200""#
            #expect(metrics.text.contains("hb_requests" + live + "} 1"), "\(metrics.text)")
            #expect(metrics.text.contains("http_server_request_duration_seconds_bucket" + live + #",le="0.00025"}"#))
            #expect(metrics.text.contains("http_server_request_duration_seconds_count" + live + "} 1"))

            // A refused request is an error of its route (the page is rendered anew once 100 ms have passed).
            #expect(try await client.call(.get, "/api/v1/bots").status == 401)
            try await Task.sleep(for: .milliseconds(150))
            let later = try await client.call(.get, "/metrics").text
            #expect(later.contains(#"hb_request_errors{http_route="/api/v1/bots",http_request_method="GET",error_type="401"} 1"#), "\(later)")
        }
    }

    @Test("a configuration change through the API is validated, applied atomically, versioned and audited; a bad one is refused")
    func reload() async throws {
        let harness = try await ServerHarness.make()
        let admin = try await harness.token("admin")
        _ = try await harness.server.reloader.recordInitial()
        try await Application(router: harness.server.router()).test(.router) { client in
            #expect(field(try await client.call(.post, "/api/v1/config/reload", token: admin).json, "outcome") as? String == "unchanged")

            try Data("auth:\n  bcrypt_cost: 4\n  token_ttl: 5m\nlogging:\n  level: debug\n".utf8).write(to: URL(fileURLWithPath: harness.configFile))
            let applied = try await client.call(.post, "/api/v1/config/reload", token: admin)
            #expect(field(applied.json, "outcome") as? String == "applied")
            #expect(Set(field(applied.json, "changed") as? [String] ?? []) == ["auth.token_ttl", "logging.level"])
            #expect(field(applied.json, "version") as? Int == 2)
            #expect(harness.server.configuration.current.auth.tokenTTL == .minutes(5))

            try Data("auth:\n  token_ttl: later\nserver:\n  port: 70000\n".utf8).write(to: URL(fileURLWithPath: harness.configFile))
            let refused = try await client.call(.post, "/api/v1/config/reload", token: admin)
            #expect(refused.status == 422)
            #expect(field(refused.json, "error", "code") as? String == "invalid_configuration")
            let paths = (field(refused.json, "error", "details") as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
            #expect(Set(paths) == ["auth.token_ttl", "server.port"])
            #expect(harness.server.configuration.current.auth.tokenTTL == .minutes(5))

            let versions = try await client.call(.get, "/api/v1/config/versions", token: admin)
            #expect((field(versions.json, "items") as? [[String: Any]])?.map { $0["version"] as? Int } == [2, 1])
            let audit = try await client.call(.get, "/api/v1/audit", token: admin)
            let actions = (field(audit.json, "items") as? [[String: Any]] ?? []).compactMap { $0["action"] as? String }
            #expect(actions.contains("config.reload"))
            #expect(actions.contains("config.reload.rejected"))
        }
    }
}
