import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import Synchronization
import TradewindConfiguration
import TradewindCore
import TradewindLive
import TradewindServer
import TradewindStorage

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
    @Option(help: "Paths measured with wrk, comma-separated.") var paths = "/api/v1/bots,/metrics"
    @Option(help: "WebSocket clients (0 skips the stream).") var clients = 100
    @Option(help: "Events published per second to the stream.") var rate = 1_000
    @Option(help: "Seconds of stream publishing.") var streamSeconds = 10

    @Option(help: "Rounds of wrk runs over the paths; with more than one, each path's median is printed too.") var rounds = 1
    @Flag(help: "Measure a bare Hummingbird application instead (one static route, no middleware): the framework's floor on this machine.")
    var bare = false
    @Flag(help: "Also run the bare Hummingbird application beside the server and measure it in every round: the floor in the same minute.")
    var withFloor = false

    func validate() throws {
        let measuresRequests = bare || !paths.split(separator: ",").isEmpty
        if measuresRequests && !FileManager.default.isExecutableFile(atPath: "/usr/bin/wrk") {
            throw ValidationError("wrk is not installed (/usr/bin/wrk): apt-get install wrk")
        }
    }

    func run() async throws {
        if bare { return try await measureBareFramework() }
        // As `tradewind serve` does: request metrics go to the registry /metrics renders.
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let directory = NSTemporaryDirectory() + "tradewind-server-bench-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let center = try ConfigurationCenter(loader: ConfigurationLoader(file: nil, flags: [
            "database.url": "sqlite:\(directory)/bench.db", "auth.bcrypt_cost": "4",
            "auth.rate_limit.requests_per_second": "10000000", "auth.rate_limit.burst": "1000000", "logging.level": "error",
        ], environment: ["TRADEWIND_AUTH_ADMIN_PASSWORD": "bench-password"]))
        let store = try await openStore(center.current.database.url)
        let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
        let server = await TradewindServer.make(configuration: center, store: store, registry: registry, logger: quiet)
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
        var targets = paths.split(separator: ",").map { (label: "GET \($0)", url: base + $0) }
        var floor: (app: Task<Void, any Error>, port: Int)?
        if withFloor {
            floor = try await startBareFramework()
            targets.append((label: "GET /plain (bare Hummingbird, same minute)", url: "http://127.0.0.1:\(floor!.port)/plain"))
        }
        var results: [String: [WrkResult]] = [:]
        for round in 1...max(1, rounds) {
            for target in targets {
                let result = try await wrk(url: target.url, token: token)
                results[target.label, default: []].append(result)
                print("\(rounds > 1 ? "round \(round): " : "")\(target.label): \(result)")
            }
        }
        if rounds > 1 {
            for target in targets {
                print("median of \(rounds) rounds, \(target.label): \(WrkResult.median(results[target.label] ?? []))")
            }
        }
        floor?.app.cancel()
        let exposition = registry.emitToString()
        print("/metrics body: \(exposition.utf8.count) bytes, \(exposition.split(separator: "\n").count) lines")
        if clients > 0 { try await fanOut(port: port.withLock { $0 }, hub: server.hub, token: token) }
        running.cancel()
        await store.close()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The same wrk run against Hummingbird with nothing of Tradewind's: what any route here
    /// costs at least.
    func measureBareFramework() async throws {
        let (running, port) = try await startBareFramework()
        print("GET /plain (bare Hummingbird, HTTP/1 with WebSocket upgrade): "
              + (try await wrk(url: "http://127.0.0.1:\(port)/plain", token: "none")).description)
        running.cancel()
    }

    /// Hummingbird with one static route and nothing of Tradewind's, on an ephemeral port.
    func startBareFramework() async throws -> (app: Task<Void, any Error>, port: Int) {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.get("plain") { _, _ in "{\"status\":\"live\",\"checks\":[]}" }
        let port = Mutex<Int>(0)
        let app = Application(router: router, server: .http1WebSocketUpgrade(webSocketRouter: router),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port ?? 0 } },
                              logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        let running = Task { try await app.run() }
        while port.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(20)) }
        return (running, port.withLock { $0 })
    }

    func wrk(url: String, token: String) async throws -> WrkResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = ["-t\(threads)", "-c\(connections)", "-d\(duration)s", "--latency", "-H", "Authorization: Bearer \(token)", url]
        // wrk's report (a few hundred bytes) fits in the pipe, so it is read after exit: waiting
        // blocks none of the task pool's threads, which the server under test runs on.
        let output = Pipe()
        process.standardOutput = output
        let exited = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in exited.continuation.finish() }
        try process.run()
        for await _ in exited.stream {}
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        func value(after label: String) -> String {
            guard let line = text.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }) else { return "?" }
            return line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(label.split(separator: " ").count).first.map(String.init) ?? "?"
        }
        return WrkResult(requestsPerSecond: Double(value(after: "Requests/sec:")) ?? .nan,
                         p50: WrkResult.milliseconds(value(after: "50%")), p90: WrkResult.milliseconds(value(after: "90%")),
                         p99: WrkResult.milliseconds(value(after: "99%")),
                         non2xx: text.contains("Non-2xx") ? value(after: "Non-2xx or 3xx responses:") : nil)
    }

    func fanOut(port: Int, hub: EventHub, token: String) async throws {
        let origin = ContinuousClock.now
        let expected = rate * streamSeconds
        let clients = clients, rate = rate, streamSeconds = streamSeconds
        @Sendable func nanoseconds() -> Int64 {
            (ContinuousClock.now - origin).inNanoseconds
        }
        // The clients connect and read on a thread of their own (blocking sockets, poll(2)), off
        // the task pool the server runs on.
        let results = AsyncThrowingStream<(lags: [Int64], frames: Int), any Error>.makeStream()
        let reader = Thread {
            do {
                let set = try StreamClients(count: clients, port: port, path: "/api/v1/stream?access_token=\(token)&types=bench")
                let deadline = ContinuousClock.now + .seconds(streamSeconds + 30)
                results.continuation.yield(try set.collect(now: nanoseconds, until: deadline))
                results.continuation.finish()
            } catch {
                results.continuation.finish(throwing: error)
            }
        }
        reader.start()
        let connectBy = ContinuousClock.now + .seconds(30)
        while hub.subscriberCount < clients && ContinuousClock.now < connectBy { try await Task.sleep(for: .milliseconds(20)) }
        guard hub.subscriberCount >= clients else { throw StreamClients.Failure(description: "only \(hub.subscriberCount) of \(clients) clients subscribed") }
        try await Task.sleep(for: .milliseconds(200))
        let interval = Duration.nanoseconds(1_000_000_000 / rate)
        var next = ContinuousClock.now
        for sequence in 0..<expected {
            next += interval
            let last = sequence == expected - 1
            hub.publish(StreamEvent(type: "bench", bot: nil, owner: nil, data: "{\"seq\":\(sequence),\"t\":\(nanoseconds())\(last ? ",\"last\":true" : "")}",
                                    time: "2026-01-01T00:00:00Z"))
            if next > ContinuousClock.now { try await Task.sleep(until: next) }
        }
        var collected: (lags: [Int64], frames: Int) = ([], 0)
        for try await result in results.stream { collected = result }
        let sorted = collected.lags.sorted()
        func percentile(_ p: Double) -> String {
            guard !sorted.isEmpty else { return "?" }
            return String(format: "%.2f ms", Double(sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]) / 1e6)
        }
        print("stream fan-out: \(rate) events/s × \(streamSeconds) s to \(clients) clients = \(sorted.count) deliveries of \(expected * clients) "
              + "in \(collected.frames) frames; delivery latency p50 \(percentile(0.5)), p90 \(percentile(0.9)), p99 \(percentile(0.99)), p99.9 \(percentile(0.999)), max \(percentile(1.0))")
    }
}

/// One wrk run: throughput and latency percentiles (milliseconds).
struct WrkResult: CustomStringConvertible {
    var requestsPerSecond: Double
    var p50: Double
    var p90: Double
    var p99: Double
    /// wrk's count of answers that were not 2xx/3xx, when there were any.
    var non2xx: String?

    var description: String {
        String(format: "%.0f requests/s, latency p50 %.2f ms, p90 %.2f ms, p99 %.2f ms", requestsPerSecond, p50, p90, p99)
            + (non2xx.map { " (NON-2xx answers: \($0))" } ?? "")
    }

    /// wrk prints latencies as `850.00us`, `1.37ms` or `1.02s`.
    static func milliseconds(_ text: String) -> Double {
        for (suffix, scale) in [("us", 0.001), ("ms", 1.0), ("s", 1000.0)] where text.hasSuffix(suffix) {
            return (Double(text.dropLast(suffix.count)) ?? .nan) * scale
        }
        return .nan
    }

    /// Each figure's median over the runs (separately: the median run for throughput need not
    /// be the median run for latency).
    static func median(_ runs: [WrkResult]) -> WrkResult {
        func middle(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            guard !sorted.isEmpty else { return .nan }
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        let failures = runs.compactMap(\.non2xx)
        return WrkResult(requestsPerSecond: middle(runs.map(\.requestsPerSecond)), p50: middle(runs.map(\.p50)),
                         p90: middle(runs.map(\.p90)), p99: middle(runs.map(\.p99)),
                         non2xx: failures.isEmpty ? nil : failures.joined(separator: ", "))
    }
}
