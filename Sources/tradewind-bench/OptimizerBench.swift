import ArgumentParser
import Dispatch
import Foundation
import TradewindAnalytics
import TradewindCore
import TradewindMarketData
import TradewindOptimization
import TradewindSimulation
import TradewindStrategy

/// How quickly the model-based sampler finds the grid optimum: every feasible grid point is
/// backtested once (spread over the cores); TPE and random search then draw from those results,
/// which is exactly what re-running the same deterministic backtests would give.
struct OptimizerBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimizer",
        abstract: "Evaluations TPE and random search need to come within a tolerance of the grid optimum's Sharpe."
    )
    @Option(help: "Bars.") var data = "examples/data/GOOG-1d.csv"
    @Option(help: "fast range low..high.") var fast = "2..100"
    @Option(help: "slow range low..high.") var slow = "10..300"
    @Option(help: "Order size.") var size = "10"
    @Option(help: "Commission rate.") var commission = "0.001"
    @Option(help: "Seeds (median over them).") var seeds = 10
    @Option(help: "Budget as a fraction of the grid's evaluations.") var budget = 0.1
    @Option(help: "Relative distance to the optimum that counts as reaching it.") var tolerance = 0.02

    func run() throws {
        let series = try CSVBarFile.load(path: data)
        let space = try SearchSpace(specification: SMACross.parameterSpecification, constraints: SMACross.parameterConstraints,
                                    overrides: ["fast=\(fast)", "slow=\(slow)", "size=\(size)"])
        let grid = try GridSampler(space: space)
        let points = (0..<grid.count).map { grid.suggest(number: $0, space: space, history: [])! }
        let configuration = BacktestConfiguration(startingCash: Money("100000"), fees: FeeModel(rate: Rate(commission)))
        let perYear = Annualization.periodsPerYear(times: series.bars.map(\.openTime))
        let started = Date()
        nonisolated(unsafe) var sharpe = [Double?](repeating: nil, count: points.count)
        sharpe.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: points.count) { index in
                let p = points[index]
                let strategy = try! SMACross(parameters: SMACrossParameters(fast: Int(p[0]), slow: Int(p[1]), size: Quantity(size)))
                var source = HistoricalBarSource([series])
                let result = try! Backtest.run(strategy, source: &source, configuration: configuration)
                slots[index] = BacktestReport(result: result, periodsPerYear: perYear).metrics.sharpeRatio
            }
        }
        let gridSeconds = Date().timeIntervalSince(started)
        var lookup: [[Double]: Double?] = [:]
        for (point, value) in zip(points, sharpe) { lookup[point] = value }
        let optimum = sharpe.compactMap { $0 }.max()!
        let bestPoint = points[sharpe.firstIndex { $0 == optimum }!]
        let target = optimum - tolerance * abs(optimum)
        let allowed = Int((Double(points.count) * budget).rounded(.down))
        print("grid: \(points.count) feasible points backtested in \(String(format: "%.2f", gridSeconds)) s "
            + "(\(String(format: "%.0f", Double(points.count) / gridSeconds)) backtests/s); optimum sharpe \(String(format: "%.4f", optimum)) "
            + "at fast=\(Int(bestPoint[0])) slow=\(Int(bestPoint[1])); target ≥ \(String(format: "%.4f", target)) within \(allowed) evaluations")

        for (label, make) in [("tpe", { (seed: UInt64) -> any Sampler in TPESampler(seed: seed) }),
                              ("random", { (seed: UInt64) -> any Sampler in RandomSampler(seed: seed) })] {
            var needed: [Int] = []
            var bestFound: [Double] = []
            let samplingStarted = Date()
            for seed in 1...UInt64(seeds) {
                let sampler = make(seed)
                var history: [Observation] = []
                var reached: Int?
                var best = -Double.infinity
                for number in 0..<allowed {
                    let point = sampler.suggest(number: number, space: space, history: history)!
                    let value = lookup[point] ?? nil
                    history.append(Observation(point: point, score: value))
                    if let value, value > best { best = value }
                    if reached == nil, best >= target { reached = number + 1; break }
                }
                needed.append(reached ?? Int.max)
                bestFound.append(best)
            }
            let sorted = needed.sorted()
            let median = sorted[sorted.count / 2]
            let text = median == Int.max ? "not reached within \(allowed)" : "\(median) (\(String(format: "%.1f", Double(median) / Double(points.count) * 100)) % of the grid)"
            print("\(label): median evaluations to reach the target over \(seeds) seeds: \(text); reached by \(needed.filter { $0 != Int.max }.count) of \(seeds) seeds; "
                + "per seed \(needed.map { $0 == Int.max ? "–" : String($0) }.joined(separator: " ")); "
                + "sampling time \(String(format: "%.1f", Date().timeIntervalSince(samplingStarted))) s")
        }
    }
}

/// Trials per second on one series, in one process: backtest plus metrics per trial, spread
/// over threads, to see how a study's work scales with cores.
struct TrialsBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "trials", abstract: "Backtest trials per second on one-minute bars, 1 and N threads.")
    @Option(help: "Bars.") var data = ""
    @Option(help: "Trials.") var trials = 20
    @Option(help: "Threads.") var threads = 2

    func run() throws {
        let series = try CSVBarFile.load(path: data)
        let configuration = BacktestConfiguration(startingCash: Money("100000"), fees: FeeModel(rate: Rate("0.001")))
        let perYear = Annualization.periodsPerYear(times: series.bars.map(\.openTime))
        for count in [1, threads] {
            let started = Date()
            let next = Counter()
            DispatchQueue.concurrentPerform(iterations: count) { _ in
                while true {
                    let index = next.take()
                    guard index < trials else { return }
                    let strategy = try! SMACross(parameters: SMACrossParameters(fast: 5 + index * 7, slow: 300 + index * 97, size: Quantity("1")))
                    let run = try! Backtest.run(strategy, series: [series], configuration: configuration, stages: 1) { _, _ in true }
                    _ = BacktestReport(result: run.result, periodsPerYear: perYear).metrics.sharpeRatio
                }
            }
            let seconds = Date().timeIntervalSince(started)
            print("\(count) thread(s): \(trials) trials in \(String(format: "%.2f", seconds)) s = \(String(format: "%.2f", Double(trials) / seconds)) trials/s")
        }
    }

    final class Counter: @unchecked Sendable {
        let lock = NSLock()
        var value = 0
        func take() -> Int { lock.lock(); defer { value += 1; lock.unlock() }; return value }
    }
}
