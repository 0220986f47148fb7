import Foundation
import Testing
import TradewindAnalytics
import TradewindCLI
import TradewindResearch
import TradewindCore
import TradewindSimulation
import TradewindTesting

/// The README's backtest, run through the real binary and checked against figures
/// derived by hand from the data (see `Tests/Fixtures/reference/sma_cross_reference.py`
/// for an independent re-derivation with exact decimals).
@Suite("tradewind backtest, end to end")
struct BacktestCLITests {
    static let readmeCommand = [
        "backtest", "--data", "examples/data/GOOG-1d.csv", "--strategy", "sma-cross",
        "--param", "fast=10", "--param", "slow=30", "--size", "10", "--cash", "100000", "--commission", "0.001",
    ]

    @Test("the README command prints a readable summary")
    func summary() async throws {
        let output = try await CLIRunner.run(Self.readmeCommand)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.isEmpty)
        for line in [
            "Strategy       sma-cross  fast=10 slow=30 size=10",
            "Period         2004-08-19 → 2013-03-02  (2,148 bars, 8.53 years)",
            "Orders         65 filled",
            "Trades         32 closed, 1 position(s) still open",
            "Final equity   107,430.08",
            "Total return   7.43 %",
            "Win rate       50.00 %",
            "Fees paid      309.32",
        ] {
            #expect(output.stdout.contains(line), "missing line: \(line)\n\(output.stdout)")
        }
        #expect(output.stdout.contains("Max drawdown"))
        #expect(output.stdout.contains("Sharpe"))
    }

    /// Hand derivation of the first three trades (closes from examples/data/GOOG-1d.csv):
    ///
    /// 1. On 2004-12-17 SMA10 − SMA30 = −0.113; on 2004-12-20 SMA10 = 175.698 and SMA30 = 175.4603,
    ///    spread +0.2377: a cross up at the 2004-12-20 close. The buy fills at the next open,
    ///    2004-12-21, 186.31. Fee 0.001 × 1863.10 = 1.8631.
    ///    On 2005-01-28 the spread turns −0.0723 (from +0.7787): sell at the next open, 2005-01-31,
    ///    193.69; fee 1.9369. PnL = 10 × (193.69 − 186.31) − 3.80 = 70.00.
    /// 2. Cross up at the 2005-02-07 close (spread −0.7753 → +0.4847): buy at the 2005-02-08 open
    ///    196.96 (fee 1.9696). Cross down at 2005-02-18 (+0.8707 → −0.0837): sell at the
    ///    2005-02-22 open 196.50 (fee 1.965). PnL = 10 × (196.50 − 196.96) − 3.9346 = −8.5346.
    /// 3. Cross up at 2005-04-07 (−0.5133 → +0.9710): buy at the 2005-04-08 open 193.69 (fee 1.9369).
    ///    Cross down at 2005-08-04 (+0.0717 → −1.8303): sell at the 2005-08-05 open 297.50
    ///    (fee 2.975). PnL = 10 × (297.50 − 193.69) − 4.9119 = 1033.1881.
    @Test("the JSON trade list matches the hand-derived first three trades, count and final equity")
    func json() async throws {
        let output = try await CLIRunner.run(Self.readmeCommand + ["--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let trades = try #require(document["trades"] as? [[String: Any]])
        #expect(trades.count == 32)
        let expected: [(String, Double, String, Double, Double, Double, Double)] = [
            ("2004-12-21T00:00:00Z", 186.31, "2005-01-31T00:00:00Z", 193.69, 10, 70, 3.8),
            ("2005-02-08T00:00:00Z", 196.96, "2005-02-22T00:00:00Z", 196.50, 10, -8.5346, 3.9346),
            ("2005-04-08T00:00:00Z", 193.69, "2005-08-05T00:00:00Z", 297.50, 10, 1033.1881, 4.9119),
        ]
        for (trade, want) in zip(trades, expected) {
            #expect(trade["entry_time"] as? String == want.0)
            #expect(trade["entry_price"] as? Double == want.1)
            #expect(trade["exit_time"] as? String == want.2)
            #expect(trade["exit_price"] as? Double == want.3)
            #expect(trade["size"] as? Double == want.4)
            #expect(trade["pnl"] as? Double == want.5)
            #expect(trade["fees"] as? Double == want.6)
        }
        // Exact to the last digit in the document text, not just to a double's precision: the final
        // cash 99,368.1841 plus the still-open 10 shares at the last close 806.19 is 107,430.0841, the
        // figure the reference script computes with exact decimals.
        #expect(output.stdout.contains("\"final_cash\": 99368.1841,"))
        #expect(output.stdout.contains("\"final_equity\": 107430.0841,"))
        #expect(output.stdout.contains("\"fees_paid\": 309.3159,"))
        let curve = try #require(document["equity_curve"] as? [[Any]])
        #expect(curve.count == 2148)
        #expect(curve.first?.first as? String == "2004-08-20T00:00:00Z")
        let metrics = try #require(document["metrics"] as? [String: Any])
        for key in ["total_return", "annualized_return", "annualized_volatility", "sharpe_ratio", "max_drawdown", "win_rate", "profit_factor"] {
            #expect(metrics[key] is Double, "metric \(key)")
        }
    }

    @Test("--output writes the same JSON document the --json flag prints")
    func outputFile() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tw-\(UUID().uuidString)/report.json").path
        let written = try await CLIRunner.run(Self.readmeCommand + ["--output", path])
        #expect(written.status == 0, "\(written.stderr)")
        #expect(written.stdout.contains("Results written to \(path)"))
        let printed = try await CLIRunner.run(Self.readmeCommand + ["--json"])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == printed.stdout)
    }

    @Test("the composition root gives the binary's result in-process")
    func inProcess() throws {
        let report = try Tradewind.runBacktest(BacktestRequest(
            dataPath: Fixtures.exampleData("GOOG-1d.csv"), strategyName: "sma-cross",
            parameters: [("fast", "10"), ("slow", "30"), ("size", "10")], startingCash: Money("100000"), commission: Rate("0.001")))
        #expect(report.result.finalEquity == Money("107430.0841"))
        #expect(report.result.trades.count == 32)
    }

    @Test("bad input goes to stderr with a precise message and a stable exit code", arguments: [
        (["--strategy", "nope"], Int32(64), "unknown strategy 'nope'; available: sma-cross"),
        (["--param", "fast=50"], 64, "parameter 'fast': fast (50) must be below slow (30)"),
        (["--param", "colour=red"], 64, "parameter 'colour': unknown parameter"),
        (["--param", "fast"], 64, "--param expects name=value"),
        (["--commission=-0.1"], 64, "--commission must be in [0, 1)"),
        (["--cash", "lots"], 64, "--cash"),
    ])
    func usageErrors(_ extra: [String], _ status: Int32, _ message: String) async throws {
        let output = try await CLIRunner.run(["backtest", "--data", "examples/data/GOOG-1d.csv"] + extra)
        #expect(output.status == status)
        #expect(output.stderr.contains(message), "stderr: \(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test("orders the account cannot afford are reported with the reason, not silently dropped")
    func refusedOrders() async throws {
        // The first cross up is at the 2004-12-20 close (185.02), i.e. at 2004-12-21T00:00Z: 1000 × 185.02 > 100,000.
        let output = try await CLIRunner.run(["backtest", "--data", "examples/data/GOOG-1d.csv", "--size", "1000", "--cash", "100000"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("Orders         33 denied (first refusal on 2004-12-21: insufficient cash: order needs about 185020.00, cash is 100000.00)"),
                "\(output.stdout)")
        #expect(output.stdout.contains("Trades         0 closed"))
        let json = try await CLIRunner.run(["backtest", "--data", "examples/data/GOOG-1d.csv", "--size", "1000", "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let orders = try #require(document["orders"] as? [String: Any])
        #expect((orders["by_status"] as? [String: Int])?["denied"] == 33)
        #expect((orders["refused"] as? [[String: Any]])?.first?["reason"] as? String != nil)
    }

    @Test("a malformed data file is refused with file, line and column")
    func badData() async throws {
        let file = try CLIRunner.temporaryFile(named: "bad.csv", "timestamp,open,high,low,close,volume\n2024-01-02,1,2,1,1.5,10\n2024-01-03,1,x,1,1,10\n")
        let output = try await CLIRunner.run(["backtest", "--data", file.path])
        #expect(output.status == 65)
        #expect(output.stderr == "error: \(file.path):3:3: 'x' is not a decimal number (column 'high')\n")
    }

    @Test("a missing data file exits 74")
    func missingFile() async throws {
        let output = try await CLIRunner.run(["backtest", "--data", "no/such.csv"])
        #expect(output.status == 74)
        #expect(output.stderr == "error: cannot read no/such.csv: no such file\n")
    }

    @Test("every command explains itself with --help", arguments: [["--help"], ["backtest", "--help"], ["data", "inspect", "--help"], ["strategies", "--help"]])
    func help(_ arguments: [String]) async throws {
        let output = try await CLIRunner.run(arguments)
        #expect(output.status == 0)
        #expect(output.stdout.contains("USAGE:"))
        #expect(output.stdout.contains("OVERVIEW:"))
    }

    @Test("strategies lists sma-cross with its parameters")
    func strategies() async throws {
        let output = try await CLIRunner.run(["strategies"])
        #expect(output.stdout.contains("sma-cross — long-only fast/slow simple moving average crossover"))
        #expect(output.stdout.contains("fast  default 10, range 1...1000"))
    }
}

@Suite("tradewind data inspect, end to end")
struct InspectCLITests {
    @Test("a clean daily file: rows, span, interval, holiday gaps")
    func clean() async throws {
        let output = try await CLIRunner.run(["data", "inspect", "examples/data/GOOG-1d.csv"])
        #expect(output.status == 0, "\(output.stderr)")
        for line in [
            "Rows          2148",
            "First         2004-08-19T00:00:00Z",
            "Last          2013-03-01T00:00:00Z",
            "Interval      1d (trading days: no weekend bars)",
            "Duplicates    0",
            "Out of order  0",
            "Problems      none",
        ] {
            #expect(output.stdout.contains(line), "missing \(line)\n\(output.stdout)")
        }
        #expect(output.stdout.contains("Gaps          "))
    }

    @Test("a dirty file lists duplicates and malformed rows and exits 65")
    func dirty() async throws {
        let text = "timestamp,open,high,low,close,volume\n2024-01-01T00:00:00Z,1,1,1,1,1\n2024-01-01T00:01:00Z,1,1,1,1,1\n"
            + "2024-01-01T00:01:00Z,1,1,1,1,1\n2024-01-01T00:02:00Z,1,1,oops,1,1\n2024-01-01T00:05:00Z,1,1,1,1,1\n"
        let file = try CLIRunner.temporaryFile(named: "dirty.csv", text)
        let output = try await CLIRunner.run(["data", "inspect", file.path])
        #expect(output.status == 65)
        #expect(output.stdout.contains("Rows          5 (3 usable)"))
        #expect(output.stdout.contains("Interval      1m"))
        #expect(output.stdout.contains("Duplicates    1"))
        #expect(output.stdout.contains("\(file.path):4:1: duplicate timestamp 2024-01-01T00:01:00Z (first on line 3)"))
        #expect(output.stdout.contains("\(file.path):5:4: 'oops' is not a decimal number (column 'low')"))
        #expect(output.stdout.contains("2024-01-01T00:01:00Z → 2024-01-01T00:05:00Z: 3 missing"))
    }

    @Test("--json gives the same facts to programs")
    func json() async throws {
        let output = try await CLIRunner.run(["data", "inspect", "examples/data/BTCUSD-1M.csv", "--json"])
        #expect(output.status == 0)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(document["rows"] as? Int == 156)
        #expect(document["interval"] as? String == "1 month")
        #expect((document["gaps"] as? [Any])?.isEmpty == true)
    }
}
