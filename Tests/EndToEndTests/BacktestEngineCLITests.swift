import Foundation
import Testing
import TradewindCore

/// The engine's options through the real binary: portfolios, the fill model, margin and
/// funding, and byte-for-byte determinism.
@Suite("tradewind backtest: portfolios, fill model, determinism")
struct BacktestEngineCLITests {
    static let portfolio = [
        "backtest", "--data", "examples/data/GOOG-1d.csv", "--data", "examples/data/SP500-1d.csv",
        "--param", "fast=10", "--param", "slow=30", "--size", "5", "--cash", "1000000",
        "--maker-fee", "0.0002", "--taker-fee", "0.0007", "--min-fee", "1", "--slippage", "ticks:2",
        "--limit-fill", "through", "--participation", "0.05", "--latency", "5m",
        "--account", "margin", "--leverage", "3", "--maintenance", "0.1", "--funding-rate", "0.0001", "--json",
    ]

    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("the same inputs give byte-identical JSON, run after run")
    func byteIdentical() async throws {
        let first = try await CLIRunner.run(Self.portfolio)
        #expect(first.status == 0, "\(first.stderr)")
        for _ in 0..<2 {
            let again = try await CLIRunner.run(Self.portfolio)
            #expect(again.stdout == first.stdout)
        }
        let readme = BacktestCLITests.readmeCommand + ["--json"]
        #expect(try await CLIRunner.run(readme).stdout == CLIRunner.run(readme).stdout)
    }

    @Test("a two-instrument portfolio on a margin account reports its execution settings, funding and attribution")
    func portfolioRun() async throws {
        let output = try await CLIRunner.run(Self.portfolio)
        let json = try object(output.stdout)
        #expect(json["instruments"] as? [String] == ["GOOG.CSV", "SP500.CSV"])
        let execution = try #require(json["execution"] as? [String: Any])
        #expect(execution["account"] as? String == "margin")
        #expect(execution["slippage"] as? String == "ticks:2")
        #expect(execution["latency"] as? String == "5m")
        #expect(execution["limit_fill"] as? String == "through")
        #expect((execution["initial_margin"] as? NSNumber)?.doubleValue ?? 0 > 0.33)
        let strategies = try #require(json["strategies"] as? [[String: Any]])
        #expect(strategies.count == 1)
        // Funding was paid on the positions held over the years of daily bars.
        #expect((json["funding_paid"] as? NSNumber)?.doubleValue ?? 0 > 0)
        let trades = try #require(json["trades"] as? [[String: Any]])
        #expect(Set(trades.compactMap { $0["instrument"] as? String }) == ["GOOG.CSV", "SP500.CSV"])
    }

    @Test("bad execution options are refused with the option named", arguments: [
        (["--slippage", "lots"], "--slippage must be none, ticks:N, bps:N or range:F"),
        (["--limit-fill", "maybe"], "--limit-fill must be touch or through"),
        (["--latency", "soon"], "--latency must look like"),
        (["--participation", "0"], "--participation must be above 0"),
        (["--account", "margin", "--leverage", "0"], "--leverage/--maintenance: invalid margin policy"),
        (["--taker-fee", "2"], "--taker-fee must be in [0, 1)"),
        (["--funding-rate", "x"], "--funding-rate"),
    ])
    func badOptions(arguments: [String], message: String) async throws {
        let output = try await CLIRunner.run(["backtest", "--data", "examples/data/GOOG-1d.csv"] + arguments)
        #expect(output.status == 64)
        #expect(output.stderr.contains(message), "\(output.stderr)")
    }
}
