import Foundation
import Testing
import TradewindTesting

/// The README backtest against backtrader, an established Python engine, on the same data and
/// rules. `Tests/Fixtures/backtrader/sma_cross_backtrader.py` produced the committed reference.
@Suite("Cross-check against backtrader")
struct BacktraderCrossCheckTests {
    static let directory = "\(Fixtures.repositoryRoot)/Tests/Fixtures/backtrader"

    @Test("same trades, fees and final equity as backtrader for SMA(10/30) on GOOG daily")
    func smaCrossMatchesBacktrader() async throws {
        let output = try await CLIRunner.run(BacktestCLITests.readmeCommand + ["--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let document = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let trades = try #require(document["trades"] as? [[String: Any]])

        let csv = try String(contentsOfFile: "\(Self.directory)/GOOG-1d-sma-cross.csv", encoding: .utf8)
        let rows = csv.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        #expect(trades.count == rows.count)
        for (trade, row) in zip(trades, rows) {
            let entryTime = try #require(trade["entry_time"] as? String)
            let exitTime = try #require(trade["exit_time"] as? String)
            #expect(entryTime.hasPrefix(row[0]) && exitTime.hasPrefix(row[2]), "\(entryTime)…\(exitTime) vs \(row[0])…\(row[2])")
            #expect(trade["size"] as? Double == Double(row[4]))
            // backtrader accounts in binary floating point (a fill of 490.03 comes out as
            // 490.0299999999999); Tradewind is exact. Agreement to 1e-9 is agreement.
            #expect(abs((trade["entry_price"] as? Double ?? .nan) - Double(row[1])!) < 1e-9)
            #expect(abs((trade["exit_price"] as? Double ?? .nan) - Double(row[3])!) < 1e-9)
            #expect(abs((trade["pnl"] as? Double ?? .nan) - Double(row[5])!) < 1e-9)
            #expect(abs((trade["fees"] as? Double ?? .nan) - Double(row[6])!) < 1e-9)
        }

        let summaryData = try Data(contentsOf: URL(fileURLWithPath: "\(Self.directory)/GOOG-1d-sma-cross.json"))
        let summary = try #require(try JSONSerialization.jsonObject(with: summaryData) as? [String: Any])
        let finalEquity = try #require(document["final_equity"] as? Double)
        #expect(abs(finalEquity - (summary["final_value"] as? Double ?? .nan)) < 1e-6)
        #expect(abs((document["final_cash"] as? Double ?? .nan) - (summary["cash"] as? Double ?? .nan)) < 1e-6)
    }
}
