import ArgumentParser
import Foundation
import TradewindCore
import TradewindMarketData
import TradewindSimulation
import TradewindStrategy

/// `tradewind-bench`: measured figures for docs/PERFORMANCE.md. Always run a release build:
///
///     swift run -c release tradewind-bench backtest --bars 1000000
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tradewind-bench",
        abstract: "Benchmarks of Tradewind's hot paths (use a release build).",
        subcommands: [BacktestBench.self, CSVBench.self]
    )
}

/// Times `body` `runs` times and returns the per-run durations in seconds.
func measure(runs: Int, _ body: () throws -> Void) rethrows -> [Double] {
    let clock = ContinuousClock()
    var seconds: [Double] = []
    for _ in 0..<runs {
        let elapsed = try clock.measure(body)
        seconds.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
    return seconds.sorted()
}

func describe(_ label: String, items: Int, seconds: [Double]) {
    let median = seconds[seconds.count / 2]
    let best = seconds[0]
    print("\(label): median \(String(format: "%.3f", median * 1000)) ms, best \(String(format: "%.3f", best * 1000)) ms, "
        + "\(String(format: "%.2f", Double(items) / median / 1e6)) M items/s (median), "
        + "\(String(format: "%.2f", Double(items) / best / 1e6)) M items/s (best)")
}

struct BacktestBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "sma-cross over a seeded geometric random walk of one-minute bars, in memory."
    )

    @Option(help: "Number of one-minute bars.") var bars = 1_000_000
    @Option(help: "Random-walk seed.") var seed: UInt64 = 42
    @Option(help: "Timed runs (the median is reported).") var runs = 5
    @Option(help: "Fast SMA period.") var fast = 10
    @Option(help: "Slow SMA period.") var slow = 30

    func run() throws {
        let series = BarSeries(
            instrument: try Instrument(id: InstrumentID(symbol: "WALK", venue: "SIM"), pricePrecision: 2, sizePrecision: 0),
            bars: RandomWalk(seed: seed).bars(count: bars), interval: .fixed(.minutes(1)))
        let configuration = BacktestConfiguration(startingCash: Money("1000000"), fees: FeeModel(rate: Rate("0.001")))
        let strategy = try SMACross.make([("fast", String(fast)), ("slow", String(slow)), ("size", "10")])
        var last: BacktestResult?
        let seconds = try measure(runs: runs) {
            var source = HistoricalBarSource([series])
            last = try Backtest.run(strategy, source: &source, configuration: configuration, expectedBars: bars)
        }
        guard let last else { return }
        print("sma-cross fast=\(fast) slow=\(slow), \(bars) one-minute bars, seed \(seed): \(last.trades.count) trades, "
            + "\(last.fills.count) fills, final equity \(last.finalEquity.formatted(places: 2))")
        describe("backtest", items: bars, seconds: seconds)
    }
}

struct CSVBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csv",
        abstract: "Parse a CSV bar file from memory (default: a generated file of one-minute bars)."
    )

    @Option(help: "Rows to generate when no file is given.") var bars = 1_000_000
    @Option(help: "A CSV file to parse instead.") var file: String?
    @Option(help: "Timed runs.") var runs = 5

    func run() throws {
        let bytes: [UInt8]
        if let file {
            bytes = try CSVBarFile.bytes(atPath: file)
        } else {
            var text = "timestamp,open,high,low,close,volume\n"
            text.reserveCapacity(bars * 64)
            for bar in RandomWalk(seed: 1).bars(count: bars) {
                text += "\(bar.openTime.iso8601),\(bar.open),\(bar.high),\(bar.low),\(bar.close),\(bar.volume)\n"
            }
            bytes = Array(text.utf8)
        }
        let parser = CSVBarParser(fileName: file ?? "generated.csv", instrumentID: InstrumentID(symbol: "X", venue: "CSV"))
        var rows = 0
        let seconds = try measure(runs: runs) { rows = try parser.parse(bytes).bars.count }
        print("\(rows) rows, \(bytes.count / 1_000_000) MB")
        describe("csv parse", items: rows, seconds: seconds)
    }
}

Bench.main()
