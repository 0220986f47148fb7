import Foundation
import Testing

@Suite("tradewind metrics, end to end")
struct MetricsCLITests {
    @Test("--json prints one object with the documented snake_case keys")
    func json() async throws {
        let output = try await CLIRunner.run(["metrics", "--returns", "Tests/Fixtures/empyrical/sp500-returns.csv", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        for key in ["cumulative_return", "annual_return", "annual_volatility", "sharpe", "sortino", "calmar", "omega", "tail_ratio",
                    "stability", "max_drawdown", "var_95", "cvar_95", "var_99", "cvar_99", "skew", "kurtosis", "periods_per_year"] {
            #expect(object[key] is Double, "missing \(key)")
        }
        #expect(abs((object["sharpe"] as? Double ?? 0) - 0.2827392290446074) < 1e-9)
        let weekly = try await CLIRunner.run(["metrics", "--returns", "Tests/Fixtures/empyrical/sp500-returns.csv", "--periods-per-year", "52", "--json"])
        #expect(weekly.stdout.contains("\"periods_per_year\": 52"))
    }

    @Test("a malformed file is refused with its line")
    func bad() async throws {
        let file = try CLIRunner.temporaryFile(named: "r.csv", "timestamp,return\n2024-01-02,0.01\n2024-01-03,-2\n")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let output = try await CLIRunner.run(["metrics", "--returns", file.path])
        #expect(output.status == 65)
        #expect(output.stderr.contains("r.csv:3: return '-2' must be a finite number above -1"))
    }
}

@Suite("tradewind backtest --monte-carlo, end to end")
struct MonteCarloCLITests {
    @Test("the JSON carries seeded percentiles; the same seed prints the same document")
    func monteCarlo() async throws {
        let command = ["backtest", "--data", "examples/data/GOOG-1d.csv", "--param", "fast=10", "--param", "slow=30", "--size", "10",
                       "--commission", "0.001", "--monte-carlo", "2000", "--monte-carlo-method", "bootstrap", "--seed", "7", "--json"]
        let first = try await CLIRunner.run(command)
        #expect(first.status == 0, "\(first.stderr)")
        let second = try await CLIRunner.run(command)
        #expect(first.stdout == second.stdout)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let mc = try #require(object["monte_carlo"] as? [String: Any])
        #expect(mc["paths"] as? Int == 2000 && mc["trades"] as? Int == 32 && mc["method"] as? String == "bootstrap")
        let finals = try #require(mc["final_equity"] as? [String: Double])
        #expect(finals["p5"]! < finals["p50"]! && finals["p50"]! < finals["p95"]!)
        let bad = try await CLIRunner.run(["backtest", "--data", "examples/data/GOOG-1d.csv", "--monte-carlo", "10", "--monte-carlo-method", "x"])
        #expect(bad.status == 64)
    }
}

@Suite("trade statistics in the backtest report")
struct TradeStatisticsCLITests {
    @Test("expectancy, average win and loss, Kelly and SQN agree with the trade list")
    func tradeStatistics() async throws {
        let output = try await CLIRunner.run(BacktestCLITests.readmeCommand + ["--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let metrics = try #require(document["metrics"] as? [String: Any])
        let trades = try #require(document["trades"] as? [[String: Any]])
        let pnl = trades.compactMap { ($0["pnl"] as? NSNumber)?.doubleValue ?? Double($0["pnl"] as? String ?? "") }
        #expect(pnl.count == 32)
        let wins = pnl.filter { $0 > 0 }, losses = pnl.filter { $0 < 0 }
        let averageWin = wins.reduce(0, +) / Double(wins.count), averageLoss = losses.reduce(0, +) / Double(losses.count)
        #expect(abs(try #require(metrics["average_win"] as? Double) - averageWin) < 1e-6)
        #expect(abs(try #require(metrics["average_loss"] as? Double) - averageLoss) < 1e-6)
        let rate = Double(wins.count) / Double(pnl.count)
        #expect(abs(try #require(metrics["kelly_fraction"] as? Double) - (rate - (1 - rate) / (averageWin / -averageLoss))) < 1e-9)
        let mean = pnl.reduce(0, +) / Double(pnl.count)
        let sd = (pnl.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(pnl.count - 1)).squareRoot()
        #expect(abs(try #require(metrics["sqn"] as? Double) - Double(pnl.count).squareRoot() * mean / sd) < 1e-9)
        #expect(try #require(metrics["average_holding_days"] as? Double) > 0)
    }
}

@Suite("tradewind compare, end to end")
struct CompareCLITests {
    @Test("runs are ranked on the metric and each matches its own backtest")
    func ranking() async throws {
        let output = try await CLIRunner.run(["compare", "--data", "examples/data/GOOG-1d.csv", "--size", "10", "--commission", "0.001",
                                        "--run", "sma-cross fast=50 slow=200", "--run", "sma-cross fast=10 slow=30", "--rank", "total-return", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let runs = try #require(object["runs"] as? [[String: Any]])
        #expect(runs.map { $0["run"] as? String } == ["sma-cross fast=10 slow=30", "sma-cross fast=50 slow=200"])
        #expect(runs.first?["final_equity"] as? Double == 107430.0841)
        let bad = try await CLIRunner.run(["compare", "--data", "examples/data/GOOG-1d.csv", "--run", "sma-cross fast"])
        #expect(bad.status == 64)
    }
}
