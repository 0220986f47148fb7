import Foundation
import Testing
import TradewindCore

/// Quote and trade-print files through the real binary: orders fill against the book while
/// the strategy trades on bars built from the mid or the prints.
@Suite("tradewind backtest on quotes and trade prints")
struct TickDataCLITests {
    /// Quotes every 10 s for 4 hours around a slow sine: bid = mid − 0.01, ask = mid + 0.01.
    static func writeQuotes(to path: String) throws {
        var text = "timestamp,bid,ask,bid_size,ask_size\n"
        let start = Timestamp(iso8601: "2024-03-01T14:00:00Z")!
        for k in 0..<1_440 {
            let mid = 100.0 + 2.0 * sin(Double(k) / 90.0)
            let cents = Int((mid * 100).rounded())
            let time = start + .seconds(Int64(10 * k))
            text += "\(time.iso8601),\(Double(cents - 1) / 100),\(Double(cents + 1) / 100),500,500\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func writeTrades(to path: String) throws {
        var text = "timestamp,price,size\n"
        let start = Timestamp(iso8601: "2024-03-01T14:00:00Z")!
        for k in 0..<1_440 {
            let price = 50.0 + 1.5 * sin(Double(k) / 70.0)
            text += "\((start + .seconds(Int64(10 * k))).iso8601),\(Double(Int((price * 100).rounded())) / 100),\(1 + k % 7)\n"
        }
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func temporaryFile(_ name: String) -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tradewind-ticks-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent(name).path
    }

    func quotesByTime(_ path: String) throws -> [String: (bid: String, ask: String)] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        var result: [String: (String, String)] = [:]
        for line in lines {
            let fields = line.split(separator: ",").map(String.init)
            result[fields[0]] = (fields[1], fields[2])
        }
        return result
    }

    @Test("on quotes, entries pay the ask and exits get the bid; runs repeat byte for byte")
    func quotes() async throws {
        let path = temporaryFile("EURX-quotes.csv")
        try Self.writeQuotes(to: path)
        let arguments = ["backtest", "--data", path, "--bar", "1m", "--param", "fast=3", "--param", "slow=8", "--size", "100",
                         "--taker-fee", "0.0001", "--json"]
        let output = try await CLIRunner.run(arguments)
        #expect(output.status == 0, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let trades = try #require(json["trades"] as? [[String: Any]])
        #expect(trades.count >= 2)
        let book = try quotesByTime(path)
        for trade in trades {
            let entryTime = try #require(trade["entry_time"] as? String)
            let exitTime = try #require(trade["exit_time"] as? String)
            let entryPrice = try #require(trade["entry_price"] as? NSNumber)
            let exitPrice = try #require(trade["exit_price"] as? NSNumber)
            let entry = try #require(book[entryTime])
            let exit = try #require(book[exitTime])
            #expect(Price(entry.ask) == Price("\(entryPrice)"))
            #expect(Price(exit.bid) == Price("\(exitPrice)"))
        }
        #expect(try await CLIRunner.run(arguments).stdout == output.stdout)
    }

    @Test("on trade prints, fills happen at print prices, capped by print size")
    func trades() async throws {
        let path = temporaryFile("XYZ-trades.csv")
        try Self.writeTrades(to: path)
        let output = try await CLIRunner.run(["backtest", "--data", path, "--bar", "5m", "--param", "fast=2", "--param", "slow=5",
                                        "--size", "10", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        let orders = try #require(json["orders"] as? [String: Any])
        #expect((orders["count"] as? Int ?? 0) > 0)
        let trades = try #require(json["trades"] as? [[String: Any]])
        #expect(!trades.isEmpty)
        // Prints carry 1–7 units, so each 10-unit order needs at least two of them.
        let strategies = try #require(json["strategies"] as? [[String: Any]])
        let fills = try #require(strategies.first?["fills"] as? Int)
        #expect(fills >= 4 * trades.count)
        #expect(trades.allSatisfy { ($0["size"] as? NSNumber)?.intValue == 10 })
    }

    @Test("quote files without --bar, and malformed quote rows, are refused with the reason")
    func refusals() async throws {
        let path = temporaryFile("Q-quotes.csv")
        try Self.writeQuotes(to: path)
        let missing = try await CLIRunner.run(["backtest", "--data", path])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("need --bar"), "\(missing.stderr)")

        let bad = temporaryFile("B-quotes.csv")
        try "timestamp,bid,ask\n2024-01-01T00:00:00Z,10.00,10.02\n2024-01-01T00:00:10Z,10.05,10.01\n"
            .write(toFile: bad, atomically: true, encoding: .utf8)
        let output = try await CLIRunner.run(["backtest", "--data", bad, "--bar", "1m"])
        #expect(output.status == 65)
        #expect(output.stderr.contains("B-quotes.csv:3:3: ask is below bid"), "\(output.stderr)")
    }
}
