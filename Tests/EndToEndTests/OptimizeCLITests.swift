import Foundation
import Testing
import TradewindTesting

/// A `tradewind` process left running, with its output in files.
final class BackgroundCLI {
    let process = Process()
    let directory: URL
    let stdout: URL

    init(_ arguments: [String], in workingDirectory: String = Fixtures.repositoryRoot, environment: [String: String]? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tradewind-bg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        stdout = directory.appendingPathComponent("stdout")
        let stderr = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: stdout.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
        process.executableURL = CLIRunner.executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory)
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new } }
        process.standardOutput = try FileHandle(forWritingTo: stdout)
        process.standardError = try FileHandle(forWritingTo: stderr)
        try process.run()
    }

    var output: String { (try? String(contentsOf: stdout, encoding: .utf8)) ?? "" }
    var errors: String { (try? String(contentsOf: directory.appendingPathComponent("stderr"), encoding: .utf8)) ?? "" }

    /// Waits until the output has `lines` lines (or the process ends).
    func waitForLines(_ lines: Int, timeout: Double = 120) async {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline && process.isRunning && output.split(separator: "\n").count < lines {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits until the process has exited, without blocking a thread (see `CLIRunner.run`).
    func exited() async {
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        process.waitUntilExit()
    }

    func kill() {
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { try? FileManager.default.removeItem(at: directory) }
}

/// One-minute bars of a random walk, for trials that take long enough to be interrupted.
func minuteBarFile(bars: Int) throws -> URL {
    var text = "timestamp,open,high,low,close,volume\n"
    text.reserveCapacity(bars * 60)
    var price = 10_000
    var state: UInt64 = 12_345
    for i in 0..<bars {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let move = Int(state >> 60) - 8
        let open = price
        price = max(1_000, price + move)
        let high = max(open, price) + 3, low = min(open, price) - 3
        func cents(_ p: Int) -> String { "\(p / 100).\(p % 100 < 10 ? "0" : "")\(p % 100)" }
        text += "\(1_700_000_000 + i * 60),\(cents(open)),\(cents(high)),\(cents(low)),\(cents(price)),100\n"
    }
    return try CLIRunner.temporaryFile(named: "WALK-1m.csv", text)
}

@Suite("tradewind optimize / worker / study, end to end")
struct OptimizeCLITests {
    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func database() -> String { "sqlite:" + NSTemporaryDirectory() + "tradewind-opt-\(UUID().uuidString).db" }

    @Test("a TPE study prints the documented JSON; a trial's value is what tradewind backtest prints; one job repeats exactly")
    func study() async throws {
        let db = Self.database()
        let arguments = ["optimize", "--data", "examples/data/GOOG-1d.csv", "--param", "fast=2..40", "--param", "slow=10..120",
                         "--size", "10", "--commission", "0.001", "--objective", "sharpe", "--sampler", "tpe", "--trials", "25",
                         "--jobs", "1", "--seed", "3", "--json", "--db", db]
        let output = try await CLIRunner.run(arguments + ["--study", "a"])
        #expect(output.status == 0, "\(output.stderr)")
        let result = try Self.object(output.stdout)
        #expect(result["study"] as? String == "a")
        let trials = try #require(result["trials"] as? [[String: Any]])
        #expect(trials.count == 25)
        #expect(trials.map { $0["number"] as? Int } == Array(0..<25))
        #expect(trials.allSatisfy { $0["state"] as? String == "complete" })
        for trial in trials {
            let params = trial["params"] as! [String: Any]
            #expect((params["fast"] as! Int) < (params["slow"] as! Int))
        }
        let best = try #require(result["best"] as? [String: Any])
        let params = best["params"] as! [String: Any]
        let value = best["value"] as! Double
        #expect(value == trials.compactMap { $0["value"] as? Double }.max())
        let replay = try await CLIRunner.run(["backtest", "--data", "examples/data/GOOG-1d.csv", "--size", "10", "--commission", "0.001",
                                        "--param", "fast=\(params["fast"]!)", "--param", "slow=\(params["slow"]!)", "--json"])
        let metrics = try #require(try Self.object(replay.stdout)["metrics"] as? [String: Any])
        #expect(metrics["sharpe_ratio"] as? Double == value)

        let again = try await CLIRunner.run(arguments + ["--study", "b"])
        let second = try #require(try Self.object(again.stdout)["trials"] as? [[String: Any]])
        func sets(_ list: [[String: Any]]) -> [String] {
            list.map { trial in (trial["params"] as! [String: Any]).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ") }
        }
        #expect(sets(second) == sets(trials))
        // Same parameters on the same data: every trial of the second study came from the cache.
        #expect(second.allSatisfy { $0["cached"] as? Bool == true })

        let exists = try await CLIRunner.run(arguments + ["--study", "a"])
        #expect(exists.status == 64 && exists.stderr.contains("--resume"), "\(exists.stderr)")

        let show = try await CLIRunner.run(["study", "show", "a", "--db", db, "--report", NSTemporaryDirectory() + "tw-study-a"])
        #expect(show.status == 0, "\(show.stderr)")
        #expect(show.stdout.contains("Best: sharpe") && show.stdout.contains("Parameter importance"))
        let html = try String(contentsOfFile: NSTemporaryDirectory() + "tw-study-a/study.html", encoding: .utf8)
        #expect(html.contains("id=\"history\"") && html.contains("id=\"param-fast\"") && html.contains("id=\"contour\""))
        #expect(!html.contains("<script"))
        let list = try await CLIRunner.run(["study", "list", "--db", db])
        #expect(list.stdout.contains("a  finished  25/25 complete"))
    }

    @Test("grid, filters and a multi-objective Pareto front")
    func gridAndPareto() async throws {
        let db = Self.database()
        let grid = try await CLIRunner.run(["optimize", "--data", "examples/data/GOOG-1d.csv", "--param", "fast=5..15:5", "--param", "slow=10..30:10",
                                      "--sampler", "grid", "--trials", "100", "--objective", "sharpe", "--objective", "max-drawdown",
                                      "--filter", "trades>=20", "--json", "--db", db, "--study", "g"])
        #expect(grid.status == 0, "\(grid.stderr)")
        let result = try Self.object(grid.stdout)
        let trials = try #require(result["trials"] as? [[String: Any]])
        // 3 × 3 points, of which fast < slow leaves 7.
        #expect(trials.count == 7)
        let front = try #require(result["pareto_front"] as? [[String: Any]])
        #expect(!front.isEmpty && front.allSatisfy { ($0["values"] as? [Double])?.count == 2 })
        #expect(trials.contains { $0["state"] as? String == "failed" } || trials.allSatisfy { $0["state"] as? String == "complete" })
        let bad = try await CLIRunner.run(["optimize", "--data", "examples/data/GOOG-1d.csv", "--param", "fast=5..15", "--objective", "sharp",
                                     "--db", db, "--study", "x"])
        #expect(bad.status == 64 && bad.stderr.contains("unknown metric"), "\(bad.stderr)")
        let range = try await CLIRunner.run(["optimize", "--data", "examples/data/GOOG-1d.csv", "--param", "fast=0..15", "--db", db, "--study", "y"])
        #expect(range.status == 64 && range.stderr.contains("fast"), "\(range.stderr)")
    }

    @Test("a study killed with SIGKILL resumes without redoing finished trials")
    func resumeAfterKill() async throws {
        let data = try minuteBarFile(bars: 100_000)
        defer { try? FileManager.default.removeItem(at: data.deletingLastPathComponent()) }
        let db = Self.database()
        // Enough trials that the kill lands before the last is claimed even when a loaded machine
        // makes each `study show` poll slower than a trial.
        let total = 30
        let arguments = ["optimize", "--data", data.path, "--param", "fast=2..50", "--param", "slow=60..400", "--trials", String(total),
                         "--jobs", "1", "--db", db, "--study", "k"]
        let first = try BackgroundCLI(arguments)
        // Progress lines go to stderr when it is not a terminal: wait for three finished trials.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && first.process.isRunning && first.errors.split(separator: "\n").count < 3 {
            try await Task.sleep(for: .milliseconds(20))
        }
        // A trial's line is printed before the next trial is claimed: kill once the store shows the next one running,
        // so the kill lands mid-trial rather than in the gap between two trials.
        func trials() async throws -> [[String: Any]] {
            try Self.object(try await CLIRunner.run(["study", "show", "k", "--db", db, "--json"]).stdout)["trials"] as! [[String: Any]]
        }
        while Date() < deadline && first.process.isRunning, try await !trials().contains(where: { $0["state"] as? String == "running" }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        first.kill()
        let before = try await trials()
        let finished = before.filter { $0["state"] as? String == "complete" }
        let interrupted = before.filter { $0["state"] as? String == "running" }.compactMap { $0["number"] as? Int }
        #expect(finished.count >= 3 && before.count < total)
        #expect(!interrupted.isEmpty, "the kill landed mid-trial")
        let resumed = try await CLIRunner.run(arguments + ["--resume", "--json"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        let after = try #require(try Self.object(resumed.stdout)["trials"] as? [[String: Any]])
        #expect(after.count == total && after.allSatisfy { $0["state"] as? String == "complete" })
        // The trials finished before the kill are the same records, run once.
        for trial in finished {
            let same = after.first { $0["number"] as? Int == trial["number"] as? Int }!
            #expect(same["value"] as? Double == trial["value"] as? Double && same["attempts"] == nil)
        }
        // The trial that was running when the process died was taken over at once (same host, dead pid).
        for number in interrupted {
            #expect(after.first { $0["number"] as? Int == number }?["attempts"] as? Int == 2)
        }
    }

    @Test("three workers over PostgreSQL, one killed mid-trial: every trial completes exactly once")
    func distributed() async throws {
        guard let base = ProcessInfo.processInfo.environment["TRADEWIND_TEST_POSTGRES_URL"] else {
            if ProcessInfo.processInfo.environment["TRADEWIND_REQUIRE_POSTGRES"] != nil { Issue.record("TRADEWIND_TEST_POSTGRES_URL missing") }
            return
        }
        let db = base + "?schema=w" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let data = try minuteBarFile(bars: 100_000)
        defer { try? FileManager.default.removeItem(at: data.deletingLastPathComponent()) }
        let create = try await CLIRunner.run(["optimize", "--data", data.path, "--param", "fast=2..50", "--param", "slow=60..400", "--trials", "15",
                                        "--sampler", "random", "--jobs", "0", "--db", db, "--study", "dist"])
        #expect(create.status == 0, "\(create.stderr)")
        #expect(!create.stdout.contains("tradewind-test"))  // the password never shows
        let workers = try (0..<3).map { _ in try BackgroundCLI(["worker", "--db", db, "--study", "dist", "--jobs", "1", "--lease", "2"]) }
        // Kill the first worker to finish a trial, once it has started its next one. The first
        // to finish, not a given one: a worker that started late (a loaded machine) could find
        // the others had taken every trial left, and be killed holding none.
        var first: BackgroundCLI?
        let deadline = Date().addingTimeInterval(120)
        while first == nil && Date() < deadline {
            first = workers.first { !$0.output.isEmpty }
            if first == nil { try await Task.sleep(for: .milliseconds(20)) }
        }
        let killed = try #require(first, "no worker finished a trial")
        try await Task.sleep(for: .milliseconds(300))
        killed.kill()
        let others = workers.filter { $0 !== killed }
        for worker in others { await worker.exited() }
        for worker in others { #expect(worker.process.terminationStatus == 0, "\(worker.errors)") }
        let shown = try await CLIRunner.run(["study", "show", "dist", "--db", db, "--json"])
        let trials = try #require(try Self.object(shown.stdout)["trials"] as? [[String: Any]])
        #expect(trials.count == 15 && trials.allSatisfy { $0["state"] as? String == "complete" })
        #expect(trials.map { $0["number"] as? Int } == Array(0..<15))
        // Each trial's completion was recorded by exactly one worker.
        let lines = workers.flatMap { $0.output.split(separator: "\n") }.filter { $0.contains(" complete ") }
        let numbers = lines.compactMap { Int($0.split(separator: " ")[1]) }
        #expect(numbers.sorted() == Array(0..<15), "\(lines)")
        #expect(trials.contains { $0["attempts"] as? Int == 2 }, "the killed worker's trial was taken over")
        #expect(try Self.object(shown.stdout)["status"] as? String == "finished")
    }

    @Test("study.html renders in headless Chromium: no console errors, every chart laid out with content")
    func studyReportRenders() async throws {
        guard let browser = ReportCLITests.chromium else {
            if ProcessInfo.processInfo.environment["TRADEWIND_REQUIRE_CHROMIUM"] != nil { Issue.record("Chromium is required but not installed") }
            return
        }
        let db = Self.database()
        let run = try await CLIRunner.run(["optimize", "--data", "examples/data/GOOG-1d.csv", "--param", "fast=2..30", "--param", "slow=10..90",
                                     "--trials", "30", "--jobs", "2", "--db", db, "--study", "r"])
        try #require(run.status == 0, "\(run.stderr)")
        let directory = try CLIRunner.temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: directory) }
        let show = try await CLIRunner.run(["study", "show", "r", "--db", db, "--report", directory.path])
        try #require(show.status == 0, "\(show.stderr)")
        var html = try String(contentsOf: directory.appendingPathComponent("study.html"), encoding: .utf8)
        html = html.replacingOccurrences(of: "</body>", with: """
            <script>document.body.dataset.charts = JSON.stringify([...document.querySelectorAll('svg.chart')].map(s => {
              const r = s.getBoundingClientRect(); return [s.id, Math.round(r.width), Math.round(r.height), s.querySelectorAll('circle, rect').length]; }));</script></body>
            """)
        let probe = directory.appendingPathComponent("probe.html")
        try html.write(to: probe, atomically: true, encoding: .utf8)
        let dom = try await ReportCLITests.runChromium(browser, ["--window-size=1100,2400", "--dump-dom", probe.absoluteString],
                                                 profile: try CLIRunner.temporaryDirectory("report"))
        #expect(dom.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") && !$0.contains("probe") }.isEmpty)
        let attribute = try #require(dom.stdout.firstRange(of: "data-charts=\"").map { dom.stdout[$0.upperBound...] })
        let json = attribute.prefix { $0 != "\"" }.replacingOccurrences(of: "&quot;", with: "\"")
        let charts = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[Any]])
        #expect(charts.compactMap { $0.first as? String } == ["history", "param-fast", "param-slow", "contour"])
        for chart in charts {
            #expect((chart[1] as? Int ?? 0) > 300 && (chart[2] as? Int ?? 0) > 100, "chart \(chart[0]) laid out at \(chart[1])×\(chart[2])")
            #expect((chart[3] as? Int ?? 0) > 0, "chart \(chart[0]) draws nothing")
        }
    }
}
