import Foundation
import Testing
import TradewindTesting

@Suite("Reports through the CLI, rendered by headless Chromium")
struct ReportCLITests {
    /// Writes a report of the README backtest (with Monte Carlo, saved to a fresh database).
    static func writeReport(into directory: URL) async throws -> (report: URL, database: String, output: CLIRunner.Output) {
        let report = directory.appendingPathComponent("report")
        let database = "sqlite:" + directory.appendingPathComponent("runs.db").path
        let output = try await CLIRunner.run(["backtest", "--data", "examples/data/GOOG-1d.csv", "--param", "fast=10", "--param", "slow=30",
                                        "--size", "10", "--commission", "0.001", "--monte-carlo", "1000", "--report", report.path,
                                        "--save", "--db", database])
        return (report, database, output)
    }

    @Test("backtest --report writes the four files; --save records the run; report ID redraws the same report")
    func reportFilesAndStoredRuns() async throws {
        let directory = try CLIRunner.temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (report, database, output) = try await Self.writeReport(into: directory)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("Report written to \(report.path)/report.html"))
        #expect(output.stdout.contains("Saved as run 1"))
        for name in ["report.html", "results.json", "trades.csv", "report.xlsx"] {
            #expect(FileManager.default.fileExists(atPath: report.appendingPathComponent(name).path), "\(name) missing")
        }
        let csv = try String(contentsOf: report.appendingPathComponent("trades.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n")
        #expect(lines.first == "instrument,side,entry_time,entry_price,exit_time,exit_price,size,pnl,fees")
        #expect(lines.count == 33)  // the README run's 32 closed trades
        #expect(lines[1].hasPrefix("GOOG.CSV,long,2004-12-21T00:00:00Z,186.31,"))
        let xlsx = try Data(contentsOf: report.appendingPathComponent("report.xlsx"))
        #expect(xlsx.prefix(4) == Data([0x50, 0x4B, 0x03, 0x04]))

        let listed = try await CLIRunner.run(["report", "--list", "--db", database])
        #expect(listed.status == 0)
        #expect(listed.stdout.contains("sma-cross  fast=10 slow=30 size=10  examples/data/GOOG-1d.csv  107430.0841  32"))

        let again = directory.appendingPathComponent("again")
        let redrawn = try await CLIRunner.run(["report", "1", "--out", again.path, "--db", database])
        #expect(redrawn.status == 0, "\(redrawn.stderr)")
        for name in ["report.html", "results.json", "trades.csv", "report.xlsx"] {
            let first = try Data(contentsOf: report.appendingPathComponent(name))
            let second = try Data(contentsOf: again.appendingPathComponent(name))
            #expect(first == second, "\(name) differs when redrawn from the stored run")
        }

        let missing = try await CLIRunner.run(["report", "42", "--out", again.path, "--db", database])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("run 42"))
    }

    /// Chromium's executable, if installed.
    static var chromium: String? {
        ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs headless Chromium on a file with its own profile directory; returns stdout and stderr.
    static func runChromium(_ browser: String, _ arguments: [String], profile: URL) async throws -> (stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
                             "--enable-logging=stderr", "--v=0", "--user-data-dir=\(profile.path)"] + arguments
        let out = profile.appendingPathComponent("out.txt"), err = profile.appendingPathComponent("err.txt")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        let watchdog = Task {
            try await Task.sleep(for: .seconds(120))
            process.terminate()
        }
        try await process.runToExit()
        watchdog.cancel()
        return (try String(contentsOf: out, encoding: .utf8), try String(contentsOf: err, encoding: .utf8))
    }

    @Test("the HTML report renders in headless Chromium: a screenshot, no console errors, every chart with a size")
    func rendersInChromium() async throws {
        guard let browser = Self.chromium else {
            if ProcessInfo.processInfo.environment["TRADEWIND_REQUIRE_CHROMIUM"] != nil {
                Issue.record("Chromium is required (TRADEWIND_REQUIRE_CHROMIUM) but not installed")
            }
            return
        }
        let directory = try CLIRunner.temporaryDirectory("report")
        defer { try? FileManager.default.removeItem(at: directory) }
        let (report, _, output) = try await Self.writeReport(into: directory)
        try #require(output.status == 0, "\(output.stderr)")
        let page = report.appendingPathComponent("report.html")

        let screenshot = directory.appendingPathComponent("report.png")
        let shot = try await Self.runChromium(browser, ["--window-size=1100,3000", "--screenshot=\(screenshot.path)", page.absoluteString],
                                        profile: try CLIRunner.temporaryDirectory("report"))
        let console = shot.stderr.split(separator: "\n").filter { $0.contains(":CONSOLE") }
        #expect(console.isEmpty, "console messages: \(console)")
        let png = try Data(contentsOf: screenshot)
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        // Width and height from the IHDR chunk.
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 1100 && height == 3000)
        #expect(png.count > 50_000, "a blank page compresses to a few kilobytes; this one is \(png.count) bytes")

        // The same page with a probe appended that writes each chart's laid-out size into the DOM.
        var html = try String(contentsOf: page, encoding: .utf8)
        html = html.replacingOccurrences(of: "</body>", with: """
            <script>document.body.dataset.charts = JSON.stringify([...document.querySelectorAll('svg.chart')].map(s => {
              const r = s.getBoundingClientRect(); return [s.id, Math.round(r.width), Math.round(r.height), s.querySelectorAll('polyline').length]; }));</script></body>
            """)
        let probe = directory.appendingPathComponent("probe.html")
        try html.write(to: probe, atomically: true, encoding: .utf8)
        let dom = try await Self.runChromium(browser, ["--window-size=1100,3000", "--dump-dom", probe.absoluteString],
                                       profile: try CLIRunner.temporaryDirectory("report"))
        let attribute = try #require(dom.stdout.firstRange(of: "data-charts=\"").map { dom.stdout[$0.upperBound...] }, "no probe output: \(dom.stderr.suffix(500))")
        let json = attribute.prefix { $0 != "\"" }.replacingOccurrences(of: "&quot;", with: "\"")
        let charts = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[Any]])
        let ids = charts.compactMap { $0.first as? String }
        #expect(ids == ["equity", "drawdown", "price-0", "rolling-sharpe", "monte-carlo"])
        for chart in charts {
            let (id, w, h, lines) = (chart[0] as? String ?? "?", chart[1] as? Int ?? 0, chart[2] as? Int ?? 0, chart[3] as? Int ?? 0)
            #expect(w > 300 && h > 100, "chart \(id) laid out at \(w)×\(h)")
            #expect(lines > 0, "chart \(id) draws no line")
        }
    }
}
