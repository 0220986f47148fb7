import ArgumentParser
import Foundation
import Logging
import Prometheus
import ServiceLifecycle
import Synchronization
import TradewindConfiguration
import TradewindCore
import TradewindLive
import TradewindServer
import TradewindStorage
import WSClient

/// `tradewind-bench server`: the API under `wrk` on loopback, and the live stream's fan-out.
struct ServerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Requests/s and latency of GET /api/v1/bots and /metrics under wrk; WebSocket fan-out delivery latency.",
        discussion: """
            Runs the real server in this process on a fresh SQLite file with paper bots that have traded (their journals \
            replayed from examples/data/GOOG-1d.csv), then runs `wrk --latency` (Debian's wrk) against it on loopback, \
            then connects WebSocket clients to /api/v1/stream and publishes events at a fixed rate, timing each delivery.
            """)

    @Option(help: "Paper bots stored and run before measuring.") var bots = 10
    @Option(help: "wrk connections.") var connections = 64
    @Option(help: "wrk threads.") var threads = 2
    @Option(help: "Seconds per wrk run.") var duration = 10
    @Option(help: "WebSocket clients.") var clients = 100
    @Option(help: "Events published per second to the stream.") var rate = 1_000
    @Option(help: "Seconds of stream publishing.") var streamSeconds = 10

    func run() async throws {
        let directory = NSTemporaryDirectory() + "tradewind-server-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let center = try ConfigurationCenter(loader: ConfigurationLoader(file: nil, flags: [
            "database.url": "sqlite:\(directory)/bench.db", "auth.bcrypt_cost": "4",
            "auth.rate_limit.requests_per_second": "10000000", "auth.rate_limit.burst": "1000000", "logging.level": "error",
        ], environment: ["TRADEWIND_AUTH_ADMIN_PASSWORD": "bench-password"]))
        let store = try await openStore(center.current.database.url)
        let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let server = await TradewindServer.make(configuration: center, store: store, registry: PrometheusCollectorRegistry(), logger: quiet)
        _ = try await server.auth.bootstrapAdmin(now: WallClock.now())
        let data = FileManager.default.currentDirectoryPath + "/examples/data/GOOG-1d.csv"
        for index in 0..<bots {
            _ = try await server.supervisor.create(yaml: """
                name: bench-\(index)
                strategy: sma-cross
                parameters: {fast: "\(5 + index)", slow: "30", size: "10"}
                interval: 1d
                instruments: [{symbol: GOOG, venue: PAPER, price_precision: 2, size_precision: 0}]
                warmup_bars: 40
                starting_cash: "100000"
                venue: {kind: paper}
                feed: {kind: replay, file: \(data), pace_ms: 0}
                """, owner: "system")
            try await server.supervisor.start("bench-\(index)")
        }
        while !(await server.supervisor.runningNames.isEmpty) { try await Task.sleep(for: .milliseconds(50)) }
        try await server.tail.poll()
        let token = try await server.auth.login(user: "admin", password: "bench-password").token

        let port = Mutex<Int>(0)
        let app = server.application(host: "127.0.0.1", port: 0) { bound in port.withLock { $0 = bound } }
        let running = Task { try await app.run() }
        while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(20)) }
        let base = "http://127.0.0.1:\(port.withLock { $0 })"
        let trades = server.tail.all().reduce(0) { $0 + $1.ledger.trades.count }
        print("server: \(bots) paper bots stored with \(trades) trades in their journals; wrk -t\(threads) -c\(connections) -d\(duration)s on loopback")
        for path in ["/api/v1/bots", "/metrics", "/api/v1/auth/me"] {
            let result = try wrk(url: base + path, token: token)
            print("GET \(path): \(result)")
        }
        try await fanOut(port: port.withLock { $0 }, hub: server.hub, token: token)
        running.cancel()
        await store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func wrk(url: String, token: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = ["-t\(threads)", "-c\(connections)", "-d\(duration)s", "--latency", "-H", "Authorization: Bearer \(token)", url]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        func value(after label: String) -> String {
            guard let line = text.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }) else { return "?" }
            return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(label.split(separator: " ").count).first.map(String.init) ?? "?"
        }
        let errors = text.contains("Non-2xx") ? " (NON-2xx answers: \(value(after: "Non-2xx or 3xx responses:")))" : ""
        return "\(value(after: "Requests/sec:")) requests/s, latency p50 \(value(after: "50%")), p90 \(value(after: "90%")), p99 \(value(after: "99%"))\(errors)"
    }

    /// The clients run in a child process (`tradewind-bench stream-clients`), as real clients
    /// would, so they do not share the server's task pool; both read the same monotonic clock.
    func fanOut(port: Int, hub: EventHub, token: String) async throws {
        let expected = rate * streamSeconds
        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        child.arguments = ["stream-clients", "--url", "ws://127.0.0.1:\(port)/api/v1/stream?access_token=\(token)&types=bench",
                           "--clients", String(clients), "--expected", String(expected)]
        let output = Pipe()
        child.standardOutput = output
        try child.run()
        let deadline = ContinuousClock.now + .seconds(30)
        while hub.subscriberCount < clients && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .milliseconds(300))
        let interval = Duration.nanoseconds(1_000_000_000 / rate)
        var next = ContinuousClock.now
        for sequence in 0..<expected {
            next += interval
            let last = sequence == expected - 1
            hub.publish(StreamEvent(type: "bench", bot: nil, owner: nil, data: "{\"seq\":\(sequence),\"t\":\(monotonicNanoseconds())\(last ? ",\"last\":true" : "")}",
                                    time: "2026-01-01T00:00:00Z"))
            if next > ContinuousClock.now { try await Task.sleep(until: next) }
        }
        let text = String(decoding: await Task.detached { output.fileHandleForReading.readDataToEndOfFile() }.value, as: UTF8.self)
        child.waitUntilExit()
        print("stream fan-out: \(rate) events/s × \(streamSeconds) s to \(clients) clients (another process): \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
    }
}

/// `tradewind-bench stream-clients`: WebSocket clients timing each event's delivery.
struct StreamClientsBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stream-clients", abstract: "Stream clients for `server` (started by it).",
                                                    shouldDisplay: false)

    @Option var url: String
    @Option var clients = 100
    @Option var expected = 10_000

    func run() async throws {
        let tally = Tally()
        let quiet = Logger(label: "ws", factory: { _ in SwiftLogNoOpLogHandler() })
        let url = url, expected = expected
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    try await WebSocketClient.connect(url: url, logger: quiet) { inbound, _, _ in
                        var mine: [Int64] = []
                        mine.reserveCapacity(expected)
                        for try await message in inbound.messages(maxSize: 1 << 16) {
                            guard case .text(let text) = message else { continue }
                            let received = monotonicNanoseconds()
                            // A message is one event or an array of events waiting together.
                            var rest = text[...]
                            while let range = rest.range(of: "\"t\":") {
                                let digits = rest[range.upperBound...].prefix { $0.isNumber }
                                if let sent = Int64(digits) { mine.append(received - sent) }
                                rest = rest[range.upperBound...]
                            }
                            if text.contains("\"last\":true") { break }
                        }
                        tally.lags.withLock { $0.append(contentsOf: mine) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let sorted = tally.lags.withLock { $0 }.sorted()
        func percentile(_ p: Double) -> String {
            guard !sorted.isEmpty else { return "?" }
            return String(format: "%.2f ms", Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1e6)
        }
        print("\(sorted.count) deliveries of \(expected * clients); delivery latency p50 \(percentile(0.5)), p99 \(percentile(0.99)), max \(percentile(1.0))")
    }
}

/// CLOCK_MONOTONIC in nanoseconds: the same clock in every process of the machine.
func monotonicNanoseconds() -> Int64 {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
}

/// Every delivery's latency, from all clients.
final class Tally: Sendable {
    let lags = Mutex<[Int64]>([])
}
