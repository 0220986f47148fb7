import ArgumentParser
import Dispatch
import Foundation
import TradewindAnalytics
import TradewindCore
import TradewindEngine
import TradewindIndicators
import TradewindMarketData
import TradewindSimulation
import TradewindStrategy

/// `tradewind-bench`: measured figures for docs/PERFORMANCE.md. Always run a release build:
///
///     swift run -c release tradewind-bench backtest --bars 1000000
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tradewind-bench",
        abstract: "Benchmarks of Tradewind's hot paths (use a release build).",
        subcommands: [BacktestBench.self, CSVBench.self, IndicatorsBench.self, StorageBench.self, MonteCarloBench.self, OverfittingBench.self, OptimizerBench.self, TrialsBench.self, LiveBench.self, ServerBench.self, NotifyBench.self]
    )
}

/// Times `body` `runs` times, calling `between` before each run (untimed), and returns the
/// per-run durations in seconds, sorted.
func measure(runs: Int, between: () -> Void = {}, _ body: () throws -> Void) rethrows -> [Double] {
    let clock = ContinuousClock()
    var seconds: [Double] = []
    for _ in 0..<runs {
        between()
        let before = ResourceUse.now()
        let elapsed = try clock.measure(body)
        seconds.append(elapsed.inSeconds)
        if verboseRuns {
            let used = ResourceUse.now() - before
            FileHandle.standardError.write(Data("run: \(String(format: "%.1f", elapsed.inSeconds * 1000)) ms wall, \(String(format: "%.1f", used.userSeconds * 1000)) ms user, \(String(format: "%.1f", used.systemSeconds * 1000)) ms sys, \(used.minorFaults) minor faults\n".utf8))
        }
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
        abstract: "sma-cross over seeded geometric random walks of one-minute bars, in memory, one thread.",
        discussion: """
            With --instruments N > 1 the strategy trades a portfolio of N walks merged by time in one account \
            (each instrument with --bars bars). --idle runs a strategy that does nothing, to show the engine's own \
            cost per bar. --backtrader also times backtrader (python3 with `pip install backtrader==1.9.78.123`) on \
            the walk's first --baseline-bars bars, same strategy, size, cash and fees, and Tradewind on the same \
            bars, so both figures and both results come from one run.
            """
    )

    @Option(help: "One-minute bars per instrument.") var bars = 1_000_000
    @Option(help: "Instruments (each its own random walk).") var instruments = 1
    @Option(help: "Random-walk seed.") var seed: UInt64 = 42
    @Option(help: "Timed runs (the median is reported).") var runs = 5
    @Option(help: "Fast SMA period.") var fast = 10
    @Option(help: "Slow SMA period.") var slow = 30
    @Flag(help: "Run a strategy that never trades: the engine's own per-bar cost.") var idle = false
    @Flag(help: "Also time backtrader on the same bars (see the discussion).") var backtrader = false
    @Option(help: "Bars of the walk given to backtrader (it runs at about 10,000 bars/s).") var baselineBars = 100_000
    @Option(help: "The baseline script (run from the repository's root).") var baselineScript = "scripts/bench/backtrader_sma_cross.py"

    func validate() throws {
        if backtrader && (idle || instruments != 1) { throw ValidationError("--backtrader compares one instrument's sma-cross run") }
        if baselineBars < 1 { throw ValidationError("--baseline-bars must be positive") }
    }

    struct Idle: Strategy {
        struct Parameters: StrategyParameters {
            static let specification: [ParameterSpec] = []
            init(values: ParameterValues) {}
        }
        static let name = "idle"
        static let summary = "does nothing"
        var seen = 0
        init(parameters: Parameters) {}
        init() {}
        mutating func onBar(_ event: BarEvent, context: inout StrategyContext) { seen &+= 1 }
    }

    func run() throws {
        let series = try (0..<instruments).map { index in
            BarSeries(
                instrument: try Instrument(id: InstrumentID(symbol: "WALK\(index)", venue: "SIM"), pricePrecision: 2, sizePrecision: 0),
                bars: RandomWalk(seed: seed &+ UInt64(index)).bars(count: bars), interval: .fixed(.minutes(1)))
        }
        let total = bars * instruments
        let configuration = BacktestConfiguration(startingCash: Money("1000000"), fees: FeeModel(rate: Rate("0.001")))
        if idle {
            let seconds = try measure(runs: runs) {
                var source = HistoricalBarSource(series)
                _ = try Backtest.run(Idle(), source: &source, configuration: configuration, expectedBars: total)
            }
            print("idle strategy, \(instruments) × \(bars) one-minute bars")
            describe("backtest", items: total, seconds: seconds)
            return
        }
        let strategy = try SMACross.make([("fast", String(fast)), ("slow", String(slow)), ("size", "10")])
        var last: BacktestResult?
        // The previous run's result is released before the next run starts (outside the
        // timing), as a study running backtests one after another releases it.
        let seconds = try measure(runs: runs, between: { last = nil }) {
            var source = HistoricalBarSource(series)
            last = try Backtest.run(strategy, source: &source, configuration: configuration, expectedBars: total)
        }
        guard let last else { return }
        print("sma-cross fast=\(fast) slow=\(slow), \(instruments) × \(bars) one-minute bars, seed \(seed): \(last.trades.count) trades, "
            + "\(last.fills.count) fills, final equity \(last.finalEquity.formatted(places: 2))")
        print("sizes order \(MemoryLayout<Order>.stride) fill \(MemoryLayout<Fill>.stride) request \(MemoryLayout<OrderRequest>.stride) report \(MemoryLayout<ExecutionReport>.stride) event \(MemoryLayout<OrderEvent>.stride) type \(MemoryLayout<OrderType>.stride) cmd \(MemoryLayout<StrategyCommand>.stride) ctx \(MemoryLayout<StrategyContext>.stride) trade \(MemoryLayout<Trade>.stride) pos \(MemoryLayout<Position>.stride) iid \(MemoryLayout<InstrumentID>.stride)")
        print("memory held per bar: \(MemoryLayout<Bar>.stride) B input + \(MemoryLayout<EquityPoint>.stride) B equity curve")
        describe("backtest", items: total, seconds: seconds)
        if backtrader {
            try BacktraderBaseline(script: baselineScript, bars: baselineBars, fast: fast, slow: slow)
                .compare(series[0], strategy: strategy, configuration: configuration, tradewindRate: Double(total) / seconds[seconds.count / 2])
        }
    }
}

struct CSVBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csv",
        abstract: "Parse a CSV bar file from memory (default: a generated file of one-minute bars)."
    )

    @Option(help: "Rows to generate when no file is given.") var bars = 1_000_000
    @Option(help: "A CSV file to parse instead.") var file: String?
    @Option(help: "Also write the generated file here (the input of the whole-process figure in docs/PERFORMANCE.md).")
    var write: String?
    @Option(help: "Timed runs.") var runs = 5

    func validate() throws {
        if write != nil && file != nil { throw ValidationError("--write keeps a generated file; it cannot be used with --file") }
    }

    func run() throws {
        let bytes: [UInt8]
        if let file {
            bytes = try CSVBarFile.bytes(atPath: file)
        } else {
            bytes = Array(CSVBarFile.text(RandomWalk(seed: 1).bars(count: bars)).utf8)
            if let write { try Data(bytes).write(to: URL(fileURLWithPath: write)) }
        }
        let parser = CSVBarParser(fileName: file ?? "generated.csv", instrumentID: InstrumentID(symbol: "X", venue: "CSV"))
        var rows = 0
        let seconds = try measure(runs: runs) { rows = try parser.parse(bytes).bars.count }
        print("\(rows) rows, \(bytes.count / 1_000_000) MB")
        describe("csv parse", items: rows, seconds: seconds)
    }
}

struct IndicatorsBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indicators",
        abstract: "The 20 most common indicators over many symbols of one-minute bars, symbols spread across cores."
    )

    /// The 20 most common indicators, with their usual parameters.
    static let common = [
        "sma:20", "ema:20", "wma:20", "dema:20", "tema:20", "kama:30", "rsi:14", "stoch:14,3,3", "stochrsi:14,14,3",
        "macd:12,26,9", "bbands:20,2", "atr:14", "adx:14", "cci:20", "obv", "mfi:14", "willr:14", "roc:10",
        "psar:0.02,0.2", "vwap",
    ]

    @Option(help: "Symbols (independent series).") var symbols = 10
    @Option(help: "One-minute bars per symbol (525600 = a year).") var bars = 525_600
    @Option(help: "Timed runs (the median is reported).") var runs = 3
    @Option(help: "Worker threads (default: all cores).") var threads = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        let specs = try Self.common.map { try IndicatorSpec(parsing: $0) }
        let data = (0..<symbols).map { RandomWalk(seed: UInt64($0 + 1)).bars(count: bars).map(BarSample.init) }
        let width = specs.reduce(0) { $0 + $1.columnNames.count }
        print("\(specs.count) indicators (\(width) outputs) × \(symbols) symbols × \(bars) one-minute bars, \(threads) threads")

        // All symbols, spread over the threads: the figure the issue asks for.
        let wall = try measure(runs: runs) {
            let checksums = try Self.parallel(data, specs: specs, threads: threads)
            precondition(checksums.allSatisfy { $0.isFinite })
        }
        let updates = Double(symbols * bars * specs.count)
        print("all: median \(String(format: "%.3f", wall[wall.count / 2])) s wall, best \(String(format: "%.3f", wall[0])) s, "
            + "\(String(format: "%.1f", updates / wall[wall.count / 2] / 1e6)) M indicator updates/s")

        // Each indicator alone on one symbol, one thread: cost per bar.
        print("per indicator (one symbol, one thread, median of \(runs)):")
        for spec in specs {
            let seconds = try measure(runs: runs) { _ = try Self.compute(data[0], specs: [spec]) }
            print("  \(spec.description.padding(toLength: 18, withPad: " ", startingAt: 0)) \(String(format: "%6.1f", seconds[seconds.count / 2] / Double(bars) * 1e9)) ns/bar")
        }
    }

    /// Runs every indicator over one symbol in blocks of 4,096 bars, writing every output into a
    /// reused block buffer (as the CLI does), and returns a checksum so no work can be skipped.
    static func compute(_ bars: [BarSample], specs: [IndicatorSpec]) throws -> Double {
        var table = try IndicatorTable(specs: specs)
        let block = 4096
        var output = [Double](repeating: 0, count: block * table.width)
        var checksum = 0.0
        var failure: (any Error)?
        bars.withUnsafeBufferPointer { all in
            output.withUnsafeMutableBufferPointer { out in
                var start = 0
                while start < all.count {
                    let count = min(block, all.count - start)
                    do {
                        try table.compute(UnsafeBufferPointer(rebasing: all[start..<(start + count)]), into: out)
                    } catch {
                        failure = error
                        return
                    }
                    let last = out[(count - 1) * table.width]
                    checksum += last.isNaN ? 0 : last
                    start += count
                }
            }
        }
        if let failure { throw failure }
        return checksum
    }

    /// Symbols are independent, so they run in parallel; each worker takes the next symbol.
    static func parallel(_ data: [[BarSample]], specs: [IndicatorSpec], threads: Int) throws -> [Double] {
        final class Results: @unchecked Sendable {
            var values: [Double]
            var error: (any Error)?
            let lock = NSLock()
            init(_ n: Int) { values = Array(repeating: 0, count: n) }
        }
        let results = Results(data.count)
        let next = Results(1)
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                next.lock.lock()
                let symbol = Int(next.values[0])
                next.values[0] += 1
                next.lock.unlock()
                guard symbol < data.count else { return }
                do {
                    let value = try compute(data[symbol], specs: specs)
                    results.lock.lock()
                    results.values[symbol] = value
                    results.lock.unlock()
                } catch {
                    results.lock.lock()
                    results.error = error
                    results.lock.unlock()
                }
            }
        }
        if let error = results.error { throw error }
        return results.values
    }
}

struct MonteCarloBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "montecarlo",
        abstract: "Monte Carlo resampling of a trade list (reshuffle and bootstrap), paths spread over all cores."
    )
    @Option(help: "Paths.") var paths = 10_000
    @Option(help: "Trades per path.") var trades = 1_000
    @Option(help: "Timed runs.") var runs = 5

    func run() throws {
        var random = SplitMix64(seed: 9)
        let pnl = (0..<trades).map { _ in (random.nextUnitDouble() - 0.47) * 1_000 }
        for method in MonteCarlo.Method.allCases {
            var last: MonteCarlo.Result?
            let seconds = measure(runs: runs) {
                last = MonteCarlo.run(tradePnL: pnl, startingEquity: 100_000, configuration: .init(paths: paths, method: method))
            }
            print("\(method.rawValue): \(paths) paths × \(trades) trades: median \(String(format: "%.1f", seconds[seconds.count / 2] * 1000)) ms, "
                + "best \(String(format: "%.1f", seconds[0] * 1000)) ms; median final equity \(Int(last!.finalEquity.p50)), "
                + "p5 max drawdown \(String(format: "%.2f", last!.maxDrawdown.p5 * 100)) %")
        }
    }
}

struct OverfittingBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overfitting",
        abstract: "Deflated Sharpe ratio and CSCV probability of backtest overfitting over random trials."
    )
    @Option(help: "Trials (return series).") var trials = 100
    @Option(help: "Returns per trial.") var rows = 5_000
    @Option(help: "CSCV blocks (even).") var blocks = 16
    @Option(help: "Timed runs.") var runs = 5

    func run() throws {
        var random = SplitMix64(seed: 11)
        let matrix = (0..<trials).map { _ in (0..<rows).map { _ in (random.nextUnitDouble() - 0.5) * 0.02 } }
        var pbo: Overfitting.BacktestOverfitting?
        let pboSeconds = measure(runs: runs) { pbo = Overfitting.probabilityOfOverfitting(trials: matrix, blocks: blocks) }
        var deflated: Overfitting.Deflated?
        let dsrSeconds = measure(runs: runs) { deflated = Overfitting.deflatedSharpe(trials: matrix) }
        print("PBO: \(trials) trials × \(rows) returns, \(blocks) blocks (\(pbo!.splits) splits): median "
            + "\(String(format: "%.1f", pboSeconds[pboSeconds.count / 2] * 1000)) ms; PBO \(String(format: "%.3f", pbo!.probability))")
        print("DSR: median \(String(format: "%.2f", dsrSeconds[dsrSeconds.count / 2] * 1000)) ms; "
            + "deflated Sharpe \(String(format: "%.3f", deflated!.probability ?? .nan))")
    }
}

/// `TRADEWIND_BENCH_VERBOSE=1` prints each timed run's wall, user and system time and its minor
/// page faults on stderr: on this VM a slow run is usually a run that waited for fresh memory.
let verboseRuns = ProcessInfo.processInfo.environment["TRADEWIND_BENCH_VERBOSE"] == "1"

/// The process's CPU time and minor page faults so far (`getrusage`).
struct ResourceUse {
    var userSeconds: Double
    var systemSeconds: Double
    var minorFaults: Int

    static func now() -> ResourceUse {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return ResourceUse(
            userSeconds: Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
            systemSeconds: Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6,
            minorFaults: usage.ru_minflt)
    }

    static func - (lhs: ResourceUse, rhs: ResourceUse) -> ResourceUse {
        ResourceUse(
            userSeconds: lhs.userSeconds - rhs.userSeconds, systemSeconds: lhs.systemSeconds - rhs.systemSeconds,
            minorFaults: lhs.minorFaults - rhs.minorFaults)
    }
}
