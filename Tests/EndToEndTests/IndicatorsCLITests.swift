import Foundation
import Testing
import TradewindCore
import TradewindTesting

@Suite("tradewind indicators and bars, end to end")
struct IndicatorsCLITests {
    /// Parses CSV text into a header and rows of cells.
    func table(_ text: String) -> (header: [String], rows: [[String]]) {
        let lines = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return (lines[0], Array(lines.dropFirst()))
    }

    @Test("writes one row per bar, named columns, empty cells while warming up, values equal to TA-Lib's")
    func indicatorsMatchReference() async throws {
        let output = try await CLIRunner.run(["indicators", "--data", "examples/data/GOOG-1d.csv", "--indicator", "sma:20",
                                        "--indicator", "macd:12,26,9", "--indicator", "bbands:20,2", "--indicator", "adx:14"])
        #expect(output.status == 0, "\(output.stderr)")
        let ours = table(output.stdout)
        #expect(ours.header == ["timestamp", "sma_20", "macd_12_26_9", "macd_12_26_9_signal", "macd_12_26_9_hist",
                                "bbands_20_2_upper", "bbands_20_2_middle", "bbands_20_2_lower", "adx_14", "adx_14_plus_di", "adx_14_minus_di"])
        #expect(ours.rows.count == 2148)
        #expect(ours.rows[0][0] == "2004-08-19T00:00:00Z")
        #expect(ours.rows[18][1].isEmpty)  // SMA(20) not ready on bar 19
        #expect(!ours.rows[19][1].isEmpty)
        let reference = table(try String(contentsOfFile: "\(Fixtures.repositoryRoot)/Tests/Fixtures/talib/GOOG-1d.csv", encoding: .utf8))
        for name in ours.header.dropFirst() {
            let mine = ours.header.firstIndex(of: name)!
            let theirs = try #require(reference.header.firstIndex(of: name))
            for (row, expected) in zip(ours.rows, reference.rows) {
                let (a, b) = (row[mine], expected[theirs])
                #expect(a.isEmpty == b.isEmpty, "\(name) readiness differs at \(row[0])")
                if let x = Double(a), let y = Double(b) {
                    #expect(abs(x - y) <= 1e-9 * max(abs(y), 1e-3), "\(name) at \(row[0]): \(x) vs TA-Lib \(y)")
                }
            }
        }
    }

    @Test("--out writes the file; --list names every indicator")
    func outAndList() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tw-\(UUID().uuidString)/ind.csv").path
        let output = try await CLIRunner.run(["indicators", "--data", "examples/data/BTCUSD-1M.csv", "--indicator", "obv", "--indicator", "psar", "--out", path])
        #expect(output.status == 0)
        #expect(try String(contentsOfFile: path, encoding: .utf8).hasPrefix("timestamp,obv,psar_0.02_0.2\n2012-01-31T00:00:00Z,2012.25343589,\n"))
        let list = try await CLIRunner.run(["indicators", "--list"])
        for name in ["sma", "macd", "stochrsi-tv", "supertrend", "ichimoku", "vwap"] {
            #expect(list.stdout.contains("\n\(name) ") || list.stdout.hasPrefix("\(name) "), "missing \(name)")
        }
    }

    @Test("bad requests are refused with a reason", arguments: [
        (["indicators", "--data", "examples/data/GOOG-1d.csv", "--indicator", "nope"], Int32(64), "unknown indicator"),
        (["indicators", "--data", "examples/data/GOOG-1d.csv", "--indicator", "sma:0"], 65, "period"),
        (["indicators", "--data", "examples/data/GOOG-1d.csv"], 64, "at least one --indicator"),
        (["bars", "--data", "examples/data/GOOG-1d.csv", "--type", "renko"], 64, "renko:2.5"),
        (["bars", "--data", "examples/data/GOOG-1d.csv", "--type", "range:0.001"], 65, "more decimals than the prices"),
    ])
    func errors(_ arguments: [String], _ status: Int32, _ message: String) async throws {
        let output = try await CLIRunner.run(arguments)
        #expect(output.status == status)
        #expect(output.stderr.contains(message), "stderr: \(output.stderr)")
    }

    @Test("Renko bricks from daily bars are whole boxes that alternate only after two-box reversals")
    func renko() async throws {
        let output = try await CLIRunner.run(["bars", "--data", "examples/data/GOOG-1d.csv", "--type", "renko:25"])
        #expect(output.status == 0, "\(output.stderr)")
        let bricks = table(output.stdout)
        #expect(bricks.header == ["timestamp", "open", "high", "low", "close", "volume", "close_time"])
        #expect(bricks.rows.first?[1...4] == ["100.00", "125.00", "100.00", "125.00"])
        for row in bricks.rows {
            #expect(abs(Double(row[4])! - Double(row[1])!) == 25)
        }
    }

    @Test("weekly time bars from daily data start on Monday")
    func weekly() async throws {
        let output = try await CLIRunner.run(["bars", "--data", "examples/data/GOOG-1d.csv", "--type", "time:1w"])
        #expect(output.status == 0, "\(output.stderr)")
        let weeks = table(output.stdout)
        // The first input is Thu 2004-08-19: its week runs Mon 2004-08-16 to Mon 2004-08-23.
        #expect(weeks.rows.first?[0] == "2004-08-16T00:00:00Z")
        #expect(weeks.rows.first?[6] == "2004-08-23T00:00:00Z")
        #expect(weeks.rows.allSatisfy { Timestamp(iso8601: $0[0])!.weekday == 0 })
        #expect(weeks.rows.count > 400)
    }
}
