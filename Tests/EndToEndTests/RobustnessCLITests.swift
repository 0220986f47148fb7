import Foundation
import Testing
import TradewindTesting

@Suite("tradewind walkforward / overfitting / stress / check-bias, end to end")
struct RobustnessCLITests {
    static func object(_ output: CLIRunner.Output) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
    }

    @Test("walk-forward: windows chain, each chosen set is the in-sample best, and a chosen set's out-of-sample run is a plain backtest")
    func walkForward() async throws {
        let output = try await CLIRunner.run(["walkforward", "--data", "examples/data/SP500-1d.csv", "--size", "10", "--commission", "0.001",
                                        "--grid", "fast=5:20:5", "--grid", "slow=40,80", "--in-sample", "1000", "--out-of-sample", "500", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let result = try Self.object(output)
        let windows = try #require(result["windows"] as? [[String: Any]])
        #expect(windows.count == 8)  // 5031 bars: 1000 in-sample, then 8 × 500 (the last one 31 bars is dropped)
        for (index, window) in windows.enumerated() {
            #expect(window["in_sample_bars"] as? Int == 1000 && window["out_of_sample_bars"] as? Int == 500)
            #expect(window["candidates"] as? Int == 8)
            if index > 0 { #expect(window["in_sample_start"] as? String != windows[index - 1]["in_sample_start"] as? String) }
        }
        let stitched = try #require(result["stitched_equity"] as? [[Any]])
        #expect(stitched.count == 8 * 500)
        let total = try #require(result["total_return"] as? Double)
        let last = try #require(stitched.last?[1] as? Double)
        #expect(abs(last / 100_000 - 1 - total) < 1e-9)

        // The first window's choice, replayed with `tradewind backtest` on its out-of-sample bars, gives the same return.
        let first = windows[0]
        let chosen = (first["chosen"] as! String).split(separator: " ").map { "--param=\($0)" }
        let csv = try String(contentsOfFile: Fixtures.exampleData("SP500-1d.csv"), encoding: .utf8).split(separator: "\n")
        let slice = try CLIRunner.temporaryFile(named: "SP500.csv", ([csv[0]] + csv[1001...1500]).joined(separator: "\n") + "\n")
        defer { try? FileManager.default.removeItem(at: slice.deletingLastPathComponent()) }
        let replay = try await CLIRunner.run(["backtest", "--data", slice.path, "--commission", "0.001", "--json"] + chosen)
        #expect(replay.status == 0, "\(replay.stderr)")
        let metrics = try #require(try Self.object(replay)["metrics"] as? [String: Any])
        let expected = try #require(first["out_of_sample_annual_return"] as? Double)
        #expect(abs((metrics["annualized_return"] as? Double ?? .nan) - expected) < 1e-12)

        let text = try await CLIRunner.run(["walkforward", "--data", "examples/data/SP500-1d.csv", "--grid", "fast=5,10", "--param", "slow=50",
                                      "--in-sample", "2000", "--out-of-sample", "1000", "--anchored"])
        #expect(text.stdout.contains("Walk-forward efficiency"))
        #expect(text.stdout.contains("1999-01-04→"))
    }

    @Test("walk-forward refuses an unknown parameter, a clash and a grid with no valid set")
    func walkForwardErrors() async throws {
        let unknown = try await CLIRunner.run(["walkforward", "--data", "examples/data/SP500-1d.csv", "--grid", "speed=1:5:1",
                                         "--in-sample", "500", "--out-of-sample", "100"])
        #expect(unknown.status == 64 && unknown.stderr.contains("speed"), "\(unknown.stderr)")
        let clash = try await CLIRunner.run(["walkforward", "--data", "examples/data/SP500-1d.csv", "--grid", "fast=5,10", "--param", "fast=3",
                                       "--in-sample", "500", "--out-of-sample", "100"])
        #expect(clash.status == 64 && clash.stderr.contains("both fixed"), "\(clash.stderr)")
        let invalid = try await CLIRunner.run(["walkforward", "--data", "examples/data/SP500-1d.csv", "--grid", "fast=50,60", "--param", "slow=20",
                                         "--in-sample", "500", "--out-of-sample", "100"])
        #expect(invalid.status == 64 && invalid.stderr.contains("no valid parameter set"), "\(invalid.stderr)")
    }

    @Test("overfitting prints the deflated Sharpe ratio and PBO of a grid")
    func overfitting() async throws {
        let output = try await CLIRunner.run(["overfitting", "--data", "examples/data/GOOG-1d.csv", "--size", "10", "--grid", "fast=5:25:5",
                                        "--grid", "slow=30:90:30", "--blocks", "8", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let result = try Self.object(output)
        #expect(result["trials"] as? Int == 15)
        #expect(result["splits"] as? Int == 70)
        let pbo = try #require(result["pbo"] as? Double)
        let dsr = try #require(result["deflated_sharpe"] as? Double)
        #expect((0...1).contains(pbo) && (0...1).contains(dsr))
        let odd = try await CLIRunner.run(["overfitting", "--data", "examples/data/GOOG-1d.csv", "--grid", "fast=5,10", "--blocks", "7"])
        #expect(odd.status == 64)
    }

    @Test("stress: a −20 % gap costs a long position, doubled volatility widens the drawdown, windows cut the figures")
    func stress() async throws {
        let output = try await CLIRunner.run(["stress", "--data", "examples/data/SP500-1d.csv", "--param", "fast=10", "--param", "slow=200",
                                        "--size", "10", "--scenario", "gap:-20%@2008-10-01", "--scenario", "vol:2", "--scenario", "window:gfc",
                                        "--scenario", "window:2003-01-01..2003-12-31", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let rows = try #require(try Self.object(output)["scenarios"] as? [[String: Any]])
        #expect(rows.map { $0["scenario"] as? String } == ["baseline", "gap -20 % on 2008-10-01", "volatility ×2", "window gfc",
                                                              "window 2003-01-01..2003-12-31"])
        let baseline = rows[0], volatile = rows[2], gfc = rows[3], year = rows[4]
        #expect((volatile["max_drawdown"] as! Double) > (baseline["max_drawdown"] as! Double))
        #expect((gfc["start"] as? String)?.hasPrefix("2007-10-09") == true)
        #expect((year["end"] as? String)?.hasPrefix("2004-01-01") == true)
        #expect((year["trades"] as! Int) <= (baseline["trades"] as! Int))

        let bad = try await CLIRunner.run(["stress", "--data", "examples/data/SP500-1d.csv", "--scenario", "gap:-150%"])
        #expect(bad.status == 64 && bad.stderr.contains("gap:-150%"), "\(bad.stderr)")
        let outside = try await CLIRunner.run(["stress", "--data", "examples/data/SP500-1d.csv", "--scenario", "gap:-5%@1990-01-01"])
        #expect(outside.status == 64 && outside.stderr.contains("outside the data"), "\(outside.stderr)")
    }

    @Test("check-bias passes the SMA crossover and reports its warm-up")
    func checkBias() async throws {
        let output = try await CLIRunner.run(["check-bias", "--data", "examples/data/GOOG-1d.csv", "--param", "fast=5", "--param", "slow=20", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let result = try Self.object(output)
        #expect((result["look_ahead"] as? [Any])?.isEmpty == true)
        let recursion = try #require(result["recursion"] as? [[String: Any]])
        #expect(recursion.map { $0["bars_to_agree"] as? Int } == [20, 5])
        let text = try await CLIRunner.run(["check-bias", "--data", "examples/data/GOOG-1d.csv", "--cuts", "3"])
        #expect(text.stdout.contains("Look-ahead: none found"))
    }
}
