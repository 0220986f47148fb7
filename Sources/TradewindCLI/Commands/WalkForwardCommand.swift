import ArgumentParser
import Dispatch
import Foundation
import TradewindResearch
import TradewindAnalytics
import TradewindCore
import TradewindEngine
import TradewindMarketData
import TradewindSimulation
import TradewindStrategy

/// `tradewind walkforward`: grid-search in-sample, trade out-of-sample, stitch and judge.
struct WalkForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "walkforward",
        abstract: "Walk-forward analysis: optimise on each in-sample window, trade the next out-of-sample window, stitch the results.",
        discussion: """
            The bars are cut into windows of --in-sample bars followed by --out-of-sample bars; rolling windows slide \
            by the out-of-sample length, --anchored ones all start at the first bar. On each in-sample window every \
            combination of the --grid runs (spread over the cores) and the best on --rank is traded, flat from the \
            start, on the out-of-sample window. Those out-of-sample runs are chained into one equity curve.

            Walk-forward efficiency is the mean over windows of annualised out-of-sample return ÷ annualised in-sample \
            return of the chosen parameters (windows whose in-sample return is not positive are left out).

            Example:
              tradewind walkforward --data examples/data/SP500-1d.csv --size 10 --commission 0.001 \\
                  --grid fast=5:30:5 --grid slow=40:200:40 --in-sample 1000 --out-of-sample 250
            """
    )

    @OptionGroup var study: GridOptions
    @Option(name: .customLong("in-sample"), help: "Bars in each in-sample window.") var inSample: Int
    @Option(name: .customLong("out-of-sample"), help: "Bars in each out-of-sample window.") var outOfSample: Int
    @Flag(name: .long, help: "Anchored windows: every in-sample window starts at the first bar.") var anchored = false
    @Option(name: .long, help: "Metric the in-sample choice maximises: \(RankingMetric.names).") var rank: RankingMetric = .sharpe
    @OptionGroup(title: "Fees, fills and account") var execution: ExecutionOptions
    @Flag(name: .long, help: "Print the result as JSON.") var json = false

    func run() throws {
        try CLIFailure.run {
            guard inSample >= 2, outOfSample >= 2 else { throw ValidationError("--in-sample and --out-of-sample must be at least 2 bars") }
            let resolved = try study.resolve()
            let (series, candidates, startingCash) = (resolved.series, resolved.candidates, resolved.startingCash)
            let lead = series[0]
            let windows = WalkForward.windows(barCount: lead.bars.count, inSample: inSample, outOfSample: outOfSample, anchored: anchored)
            guard !windows.isEmpty else {
                throw ValidationError("\(lead.bars.count) bars leave no out-of-sample window after \(inSample) in-sample bars")
            }
            let settings = try execution.settings()
            let (strategy, rank) = (study.strategy, self.rank)

            @Sendable func evaluate(_ given: [(name: String, value: String)], bars range: Range<Int>) throws -> WalkForward.Evaluation? {
                let from = lead.bars[range.lowerBound].openTime, to = lead.bars[range.upperBound - 1].openTime
                let slices = series.map { one in
                    BarSeries(instrument: one.instrument, bars: one.bars.filter { $0.openTime >= from && $0.openTime <= to }, interval: one.interval)
                }
                let request = BacktestRequest(dataPaths: [], strategyName: strategy, parameters: given, startingCash: startingCash,
                                              execution: settings, series: slices)
                let report: BacktestReport
                do { report = try Tradewind.runBacktest(request) } catch StrategyError.invalidParameter { return nil }
                return WalkForward.Evaluation(parameters: report.result.parameters, score: rank.score(report.metrics),
                                              annualReturn: report.metrics.annualizedReturn, equity: Array(report.result.equityCurve),
                                              startingEquity: startingCash.doubleValue, tradeCount: report.metrics.tradeCount)
            }

            var steps: [WalkForward.Step] = []
            for window in windows {
                let ran = try candidates.parallelMap { try evaluate($0, bars: window.inSample) }
                guard let bestIndex = WalkForward.best(of: ran), let best = ran[bestIndex] else {
                    throw ValidationError("no valid parameter set on the grid (e.g. every fast ≥ slow)")
                }
                guard let outOfSampleRun = try evaluate(candidates[bestIndex], bars: window.outOfSample) else { continue }
                steps.append(WalkForward.Step(window: window, start: lead.bars[window.inSample.lowerBound].openTime,
                                              inSampleEnd: lead.bars[window.inSample.upperBound - 1].openTime,
                                              split: lead.bars[window.outOfSample.lowerBound].openTime,
                                              end: lead.bars[window.outOfSample.upperBound - 1].closeTime,
                                              candidates: ran.compactMap { $0 }.count, best: best, outOfSample: outOfSampleRun))
            }
            let summary = WalkForward.summarize(steps)
            print(json ? Self.json(summary, rank: rank, anchored: anchored).rendered(indent: 2) : Self.table(summary, rank: rank))
        }
    }

    static func table(_ summary: WalkForward.Summary, rank: RankingMetric) -> String {
        func number(_ value: Double?, _ places: Int = 2) -> String { value.map { BacktestReport.fixed($0, places) } ?? "n/a" }
        var lines = [["#", "in-sample", "out-of-sample", "chosen", "IS \(rank.rawValue)", "OOS \(rank.rawValue)", "IS annual", "OOS annual", "OOS trades"]]
        for step in summary.steps {
            lines.append(["\(step.window.index + 1)", "\(BacktestReport.day(step.start))→\(BacktestReport.day(step.inSampleEnd))",
                          "\(BacktestReport.day(step.split))→\(BacktestReport.day(step.end))", step.best.parameters,
                          number(step.best.score), number(step.outOfSample.score), BacktestReport.percent(step.best.annualReturn),
                          BacktestReport.percent(step.outOfSample.annualReturn), "\(step.outOfSample.tradeCount)"])
        }
        let widths = lines[0].indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
        var text = lines.map { row in
            row.enumerated().map { $0.offset == 3 ? $0.element.padding(toLength: widths[3], withPad: " ", startingAt: 0) : String(repeating: " ", count: widths[$0.offset] - $0.element.count) + $0.element }
                .joined(separator: "  ")
        }.joined(separator: "\n")
        text += "\n\nStitched out-of-sample: \(BacktestReport.percent(summary.totalReturn)) total, "
            + "\(BacktestReport.percent(summary.annualReturn)) a year, \(summary.windowsProfitable) of \(summary.steps.count) windows profitable"
        text += "\nWalk-forward efficiency: \(number(summary.efficiency)) (out-of-sample ÷ in-sample annualised return)"
        return text
    }

    static func json(_ summary: WalkForward.Summary, rank: RankingMetric, anchored: Bool) -> JSONValue {
        .object([
            ("rank", .string(rank.rawValue)),
            ("anchored", .bool(anchored)),
            ("windows", .array(summary.steps.map { step in
                .object([
                    ("index", .int(step.window.index)), ("in_sample_start", .string(step.start.iso8601)),
                    ("in_sample_last_bar", .string(step.inSampleEnd.iso8601)),
                    ("out_of_sample_start", .string(step.split.iso8601)), ("out_of_sample_end", .string(step.end.iso8601)),
                    ("in_sample_bars", .int(step.window.inSample.count)), ("out_of_sample_bars", .int(step.window.outOfSample.count)),
                    ("candidates", .int(step.candidates)), ("chosen", .string(step.best.parameters)),
                    ("in_sample_score", .double(step.best.score)), ("out_of_sample_score", .double(step.outOfSample.score)),
                    ("in_sample_annual_return", .double(step.best.annualReturn)),
                    ("out_of_sample_annual_return", .double(step.outOfSample.annualReturn)),
                    ("out_of_sample_trades", .int(step.outOfSample.tradeCount)),
                ])
            })),
            ("total_return", .double(summary.totalReturn)),
            ("annual_return", .double(summary.annualReturn)),
            ("efficiency", .double(summary.efficiency)),
            ("windows_profitable", .int(summary.windowsProfitable)),
            ("stitched_equity", .array(summary.stitched.map { .array([.string($0.time.iso8601), .double($0.equity)]) })),
        ])
    }
}
