import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Synchronization
import Testing
import TradewindCore
import TradewindServer
import TradewindStorage
import TradewindTesting
import WSClient

@Suite("Alerts and notifications through the API")
struct AlertsAPITests {
    @Test("viewers list alerts; traders acknowledge and resolve them, once; admins read the delivery history; bad filters get 422")
    func alertRoutes() async throws {
        let harness = try await ServerHarness.make()
        let store = harness.server.store
        let now = WallClock.now()
        let alert = try await store.openAlert(rule: "deep-drawdown", subject: "paper-goog", severity: "critical", definition: "deep-drawdown: drawdown > 5",
                                              message: "deep-drawdown: paper-goog drawdown 6.5 > 5", value: 6.5, now: now)
        _ = try await store.recordNotifications([NotificationDraft(severity: "critical", category: "alert", subject: "deep-drawdown paper-goog",
                                                                   bot: nil, channel: "webhook", title: alert.message, body: "", alertID: alert.id)], now: now)
        let viewer = try await harness.token("viewer"), trader = try await harness.token("trader"), admin = try await harness.token("admin")
        try await Application(router: harness.server.router()).test(.router) { client in
            let listed = try await client.call(.get, "/api/v1/alerts?state=firing,acknowledged", token: viewer)
            #expect(listed.status == 200 && field(listed.json, "items", "0", "message") as? String == "deep-drawdown: paper-goog drawdown 6.5 > 5")
            #expect(field(listed.json, "items", "0", "severity") as? String == "critical" && field(listed.json, "items", "0", "state") as? String == "firing")
            #expect(try await client.call(.get, "/api/v1/alerts/\(alert.id)", token: viewer).status == 200)
            #expect(try await client.call(.get, "/api/v1/alerts/9999", token: viewer).status == 404)
            #expect(try await client.call(.get, "/api/v1/alerts?state=open", token: viewer).status == 422)

            #expect(try await client.call(.post, "/api/v1/alerts/\(alert.id)/ack", token: viewer).status == 403)
            let acked = try await client.call(.post, "/api/v1/alerts/\(alert.id)/ack", token: trader)
            #expect(acked.status == 200 && field(acked.json, "state") as? String == "acknowledged" && field(acked.json, "acknowledged_by") as? String == "trader")
            let resolved = try await client.call(.post, "/api/v1/alerts/\(alert.id)/resolve", token: trader)
            #expect(resolved.status == 200 && field(resolved.json, "resolved_by") as? String == "trader")
            let late = try await client.call(.post, "/api/v1/alerts/\(alert.id)/ack", token: trader)
            #expect(late.status == 409 && field(late.json, "error", "code") as? String == "conflict")
            #expect((field(try await client.call(.get, "/api/v1/alerts?state=firing", token: viewer).json, "items") as? [Any])?.isEmpty == true)

            #expect(try await client.call(.get, "/api/v1/notifications", token: trader).status == 403)
            let history = try await client.call(.get, "/api/v1/notifications?status=pending", token: admin)
            #expect(history.status == 200 && field(history.json, "items", "0", "alert_id") as? Int64 == alert.id)
            #expect(try await client.call(.get, "/api/v1/notifications?status=lost", token: admin).status == 422)
            // Each acknowledgement and resolution is in the audit log.
            let audit = try await client.call(.get, "/api/v1/audit", token: admin)
            #expect(audit.text.contains("/alerts/\(alert.id)/ack") && audit.text.contains("/alerts/\(alert.id)/resolve"))
        }
    }

    @Test("a running server turns a rule into an alert: stored, streamed, and delivered to the webhook with the bot's fills")
    func alertsFromARunningBot() async throws {
        // A webhook receiver on loopback.
        let received = Mutex<[[String: String]]>([])
        let hooks = Router()
        hooks.post("hook") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            if let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] {
                let strings = object.compactMapValues { $0 as? String }
                received.withLock { $0.append(strings) }
            }
            return Response(status: .noContent)
        }
        try await Application(router: hooks, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { hookClient in
            let hookPort = try #require(hookClient.port)
            let harness = try await ServerHarness.make(config: """
                notifications:
                  webhook: {url: http://127.0.0.1:\(hookPort)/hook}
                  batch_window: 0
                  rate_per_minute: 600
                alerts:
                  interval: 100ms
                  rules:
                    - "in-the-market: equity > 1 severity critical"

                """)
            let trader = try await harness.token("trader")
            let app = harness.server.application(host: "127.0.0.1", port: 0)
            try await app.test(.live) { client in
                let port = try #require(client.port)
                let streamed = Mutex<[String]>([])
                let stream = Task {
                    try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/stream?access_token=\(trader)",
                                                      logger: Logger(label: "ws", factory: { _ in SwiftLogNoOpLogHandler() })) { inbound, _, _ in
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            guard case .text(let text) = message else { continue }
                            streamed.withLock { $0.append(text) }
                        }
                    }
                }
                try await Task.sleep(for: .milliseconds(300))
                #expect(try await client.call(.post, "/api/v1/bots", token: trader, body: paperBotFile(name: "goog-alerts")).status == 201)
                #expect(try await client.call(.post, "/api/v1/bots/goog-alerts/start", token: trader).status == 202)
                let deadline = ContinuousClock.now + .seconds(60)
                func delivered() -> (alerts: Int, fills: Int) {
                    received.withLock { list in
                        (list.filter { $0["category"] == "alert" }.count, list.filter { $0["category"] == "fill" }.count)
                    }
                }
                while (delivered().alerts < 1 || delivered().fills < 1 || !streamed.withLock({ $0.contains { $0.contains("\"type\":\"alert\"") } }))
                        && ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(50))
                }
                stream.cancel()
                _ = try? await client.call(.post, "/api/v1/bots/goog-alerts/stop", token: trader)
                let alerts = try await client.call(.get, "/api/v1/alerts", token: trader)
                #expect(field(alerts.json, "items", "0", "rule") as? String == "in-the-market")
                #expect(field(alerts.json, "items", "0", "subject") as? String == "goog-alerts")
                let hook = received.withLock { $0 }
                let alert = try #require(hook.first { $0["category"] == "alert" })
                #expect(alert["severity"] == "critical" && alert["title"]?.hasPrefix("in-the-market: goog-alerts equity") == true)
                #expect(hook.contains { $0["category"] == "fill" && $0["bot"] == "goog-alerts" })
                #expect(streamed.withLock { $0.contains { $0.contains("\"type\":\"alert\"") && $0.contains("in-the-market") } })
                let sent = try await harness.server.store.notifications(status: .sent, limit: 100)
                #expect(sent.contains { $0.draft.alertID != nil && $0.draft.channel == "webhook" })
            }
        }
    }
}
