import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import TradewindCore
import TradewindStorage
import TradewindTesting

/// Runs the CLI without blocking the test's threads (the in-process receiver must keep answering).
func runCLI(_ arguments: [String], in directory: String) async throws -> (status: Int32, stdout: String, stderr: String) {
    let cli = try BackgroundCLI(arguments, in: directory)
    let deadline = ContinuousClock.now + .seconds(60)
    while cli.process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
    if cli.process.isRunning { cli.kill() }
    await cli.exited()
    return (cli.process.terminationStatus, cli.output, cli.errors)
}

@Suite("tradewind notify / alerts, end to end")
struct NotifyCLITests {
    @Test("notify send delivers through the configured webhook or exits 69 with the server's answer; history shows both; alerts are listed, acknowledged and resolved")
    func notifyAndAlerts() async throws {
        let received = Mutex<[String]>([])
        let failNext = Mutex(false)
        let router = Router()
        router.post("hook") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            if failNext.withLock({ flag in defer { flag = false }; return flag }) {
                return Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "no such hook")))
            }
            received.withLock { $0.append(String(buffer: body)) }
            return Response(status: .ok)
        }
        try await Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0))).test(.live) { client in
            let port = try #require(client.port)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tw-notify-cli-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let config = directory + "/tradewind.yaml"
            try """
                database: {url: "sqlite:\(directory)/tradewind.db"}
                notifications:
                  webhook: {url: "http://127.0.0.1:\(port)/hook"}

                """.write(toFile: config, atomically: true, encoding: .utf8)

            let sent = try await runCLI(["notify", "send", "--channel", "webhook", "--title", "Deploy done", "--message", "v1.2 is live",
                                         "--severity", "warning", "--config", config], in: directory)
            #expect(sent.status == 0 && sent.stdout.contains("sent through webhook"), "\(sent.stderr)")
            let body = try #require(received.withLock { $0.first })
            #expect(body.contains("\"text\":\"[WARNING] Deploy done\\nv1.2 is live\"") && body.contains("\"severity\":\"warning\""))

            failNext.withLock { $0 = true }
            let failed = try await runCLI(["notify", "send", "--channel", "webhook", "--title", "x", "--config", config], in: directory)
            #expect(failed.status == 69 && failed.stderr.contains("webhook delivery failed: webhook answered 404 no such hook"), "\(failed.stderr)")
            let missing = try await runCLI(["notify", "send", "--channel", "email", "--title", "x", "--config", config], in: directory)
            #expect(missing.status == 64 && missing.stderr.contains("channel email is not configured (configured: webhook)"), "\(missing.stderr)")

            let history = try await runCLI(["notify", "history", "--config", config], in: directory)
            #expect(history.status == 0)
            let lines = history.stdout.split(separator: "\n")
            #expect(lines.count == 2 && lines[0].contains("webhook  dead (1 attempt)") && lines[0].contains("— webhook answered 404"))
            #expect(lines[1].contains("webhook  sent (1 attempt)  warning  Deploy done"))
            let json = try await runCLI(["notify", "history", "--status", "sent", "--json", "--config", config], in: directory)
            let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(rows.count == 1 && rows[0]["title"] as? String == "Deploy done" && rows[0]["status"] as? String == "sent")

            // An alert as the monitor records it; the CLI lists, acknowledges and resolves it.
            let store = try await openStore("sqlite:\(directory)/tradewind.db")
            let alert = try await store.openAlert(rule: "stale-feed", subject: "paper-goog", severity: "warning", definition: "stale-feed: bar_age_minutes > 5",
                                                  message: "stale-feed: paper-goog bar_age_minutes 7 > 5", value: 7, now: WallClock.now())
            await store.close()
            let open = try await runCLI(["alerts", "list", "--config", config], in: directory)
            #expect(open.stdout.contains("\(alert.id)  firing  warning  stale-feed: paper-goog bar_age_minutes 7 > 5"), "\(open.stdout)\(open.stderr)")
            let acked = try await runCLI(["alerts", "ack", String(alert.id), "--by", "alice", "--config", config], in: directory)
            #expect(acked.status == 0 && acked.stdout.contains("acknowledged  warning") && acked.stdout.contains("acknowledged by alice"))
            let resolved = try await runCLI(["alerts", "resolve", String(alert.id), "--by", "bob", "--config", config], in: directory)
            #expect(resolved.status == 0 && resolved.stdout.contains("resolved by bob"))
            #expect(try await runCLI(["alerts", "list", "--config", config], in: directory).stdout.contains("no open alerts"))
            let all = try await runCLI(["alerts", "list", "--all", "--json", "--config", config], in: directory)
            let alerts = try #require(try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [[String: Any]])
            #expect(alerts.first?["state"] as? String == "resolved" && alerts.first?["acknowledged_by"] as? String == "alice")
            #expect(alerts.first?["resolved_by"] as? String == "bob" && alerts.first?["definition"] as? String == "stale-feed: bar_age_minutes > 5")
            let unknown = try await runCLI(["alerts", "ack", "999", "--config", config], in: directory)
            #expect(unknown.status == 65 && unknown.stderr.contains("alert 999"), "\(unknown.stderr)")
        }
    }
}
