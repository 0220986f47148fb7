import ArgumentParser
import Foundation
import TradewindResearch
import TradewindAnalytics
import TradewindCore
import TradewindEngine
import TradewindSimulation
import TradewindMarketData
import TradewindStrategy

/// `tradewind overfitting`: how much of the best parameter set's Sharpe the search explains.
struct OverfittingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "overfitting",
        abstract: "Deflated Sharpe ratio and probability of backtest overfitting (CSCV) of a parameter search.",
        discussion: """
            Every combination of the --grid runs over the whole history (spread over the cores). From their per-bar \
            returns:

            Deflated Sharpe ratio (Bailey & López de Prado, 2014): the probability that the best set's true Sharpe \
            ratio is above what the best of that many worthless trials would show by luck, allowing for the length \
            of the history and the skew and fat tails of the returns. Below 0.95 the best result is not distinguishable \
            from search noise.

            Probability of backtest overfitting (Bailey, Borwein, López de Prado & Zhu, 2015): the bars are cut into \
            --blocks blocks; for every way of taking half of them as in-sample, the set with the best in-sample \
            Sharpe is ranked among all sets on the other half. PBO is the share of splits where it lands at or below \
            the median. Near 0 the search picks sets that keep working; near 0.5 or above it picks noise.

            Example:
              tradewind overfitting --data examples/data/SP500-1d.csv --size 10 --grid fast=5:50:5 --grid slow=60:200:20
            """
    )

    @OptionGroup var study: GridOptions
    @Option(name: .long, help: "Blocks for CSCV (even, ≥ 2; C(S, S/2) splits: 16 gives 12,870).") var blocks: Int = 16
    @OptionGroup(title: "Fees, fills and account") var execution: ExecutionOptions
    @Flag(name: .long, help: "Print the result as JSON.") var json = false

    func validate() throws {
        guard blocks >= 2, blocks <= 24, blocks % 2 == 0 else { throw ValidationError("--blocks must be even, from 2 to 24") }
    }

    func run() throws {
        try CLIFailure.run {
            let resolved = try study.resolve()
            guard resolved.candidates.count >= 2 else { throw ValidationError("give a --grid with at least two parameter sets") }
            let settings = try execution.settings()
            let (strategy, series, cash) = (study.strategy, resolved.series, resolved.startingCash)
            let runs = try resolved.candidates.parallelMap { given -> (parameters: String, returns: [Double])? in
                let request = BacktestRequest(dataPaths: [], strategyName: strategy, parameters: given, startingCash: cash,
                                              execution: settings, series: series)
                let report: BacktestReport
                do { report = try Tradewind.runBacktest(request) } catch StrategyError.invalidParameter { return nil }
                var previous = cash.doubleValue
                let returns = report.result.equityCurve.map { point in
                    defer { previous = point.equity.doubleValue }
                    return previous > 0 ? point.equity.doubleValue / previous - 1 : 0
                }
                return (report.result.parameters, returns)
            }.compactMap { $0 }
            guard runs.count >= 2 else { throw ValidationError("fewer than two valid parameter sets on the grid (e.g. every fast ≥ slow)") }
            let trials = runs.map(\.returns)
            guard let deflated = Overfitting.deflatedSharpe(trials: trials) else {
                throw ValidationError("no parameter set traded: every return series is flat")
            }
            let rows = trials[0].count
            guard let pbo = Overfitting.probabilityOfOverfitting(trials: trials, blocks: blocks) else {
                throw ValidationError("\(rows) bars are too few for \(blocks) blocks; use fewer --blocks")
            }
            let perYear = Annualization.periodsPerYear(times: series[0].bars.map(\.openTime)) ?? 252
            let outcome = Outcome(trials: runs.count, bars: rows, best: runs[deflated.best].parameters, periodsPerYear: perYear,
                                  deflated: deflated, pbo: pbo)
            print(json ? outcome.json.rendered(indent: 2) : outcome.text)
        }
    }

    struct Outcome {
        var trials: Int
        var bars: Int
        var best: String
        var periodsPerYear: Double
        var deflated: Overfitting.Deflated
        var pbo: Overfitting.BacktestOverfitting

        var text: String {
            func fixed(_ value: Double, _ places: Int) -> String { BacktestReport.fixed(value, places) }
            let probability = deflated.probability.map { fixed($0, 3) } ?? "n/a"
            return """
                Trials: \(trials) parameter sets over \(bars) bars
                Best: \(best) — Sharpe \(fixed(deflated.sharpe * periodsPerYear.squareRoot(), 2)) a year (\(fixed(deflated.sharpe, 4)) a bar)
                Best of \(trials) worthless trials would show: \(fixed(deflated.benchmark, 4)) a bar
                Deflated Sharpe ratio: \(probability) — \(verdictDeflated)
                Probability of backtest overfitting: \(fixed(pbo.probability, 3)) — \(verdictPBO)
                  CSCV over \(pbo.blocks) blocks, \(pbo.splits) splits; the in-sample best loses money out of sample in \
                \(BacktestReport.percent(pbo.probabilityOfLoss)) of splits; median logit \(fixed(pbo.medianLogit, 2))
                """
        }

        var verdictDeflated: String {
            guard let p = deflated.probability else { return "cannot be computed for these returns" }
            return p >= 0.95 ? "the best Sharpe survives the search (≥ 0.95)" : "not distinguishable from the luck of the search (< 0.95)"
        }

        var verdictPBO: String {
            pbo.probability < 0.1 ? "the search picks sets that keep working"
                : pbo.probability < 0.5 ? "the in-sample best often disappoints out of sample" : "the search mostly picks noise"
        }

        var json: JSONValue {
            .object([
                ("trials", .int(trials)), ("bars", .int(bars)), ("best", .string(best)),
                ("best_sharpe_per_bar", .double(deflated.sharpe)),
                ("best_sharpe_annual", .double(deflated.sharpe * periodsPerYear.squareRoot())),
                ("expected_max_sharpe_per_bar", .double(deflated.benchmark)),
                ("deflated_sharpe", .double(deflated.probability)),
                ("pbo", .double(pbo.probability)), ("probability_of_loss", .double(pbo.probabilityOfLoss)),
                ("median_logit", .double(pbo.medianLogit)), ("blocks", .int(pbo.blocks)), ("splits", .int(pbo.splits)),
            ])
        }
    }
}
