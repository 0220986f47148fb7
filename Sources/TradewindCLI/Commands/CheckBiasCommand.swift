import ArgumentParser
import Foundation
import TradewindResearch
import TradewindAnalytics
import TradewindCore
import TradewindMarketData
import TradewindSimulation

/// `tradewind check-bias`: look-ahead and start-up dependence of a strategy on real data.
struct CheckBiasCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-bias",
        abstract: "Check a strategy for look-ahead bias and start-up dependence by re-running it on cut histories.",
        discussion: """
            Look-ahead: the strategy runs on the whole history, then on histories that end early (--cuts of them, \
            spread over the second half). Every order it placed and every indicator value it reported before the cut \
            must be exactly what the full run produced; a difference means a decision used later bars.

            Start-up dependence: the strategy runs with the first 5 %, 10 %, … of the bars removed (--starts runs); \
            for each indicator the check reports how many bars of history it needs before it agrees with the full run \
            (the warm-up a live bot must load), or that it never does.

            Exit status 0 when nothing is wrong, 1 when look-ahead or an indicator that never agrees is found.

            Example:
              tradewind check-bias --data examples/data/GOOG-1d.csv --param fast=10 --param slow=30
            """
    )

    @OptionGroup var setup: StrategyRunOptions
    @Option(name: .long, help: "Truncated runs for the look-ahead check.") var cuts: Int = 10
    @Option(name: .long, help: "Late-start runs for the start-up check.") var starts: Int = 3
    @OptionGroup(title: "Fees, fills and account") var execution: ExecutionOptions
    @Flag(name: .long, help: "Print the result as JSON.") var json = false

    func validate() throws {
        guard (1...100).contains(cuts) else { throw ValidationError("--cuts must be from 1 to 100") }
        guard (1...9).contains(starts) else { throw ValidationError("--starts must be from 1 to 9") }
    }

    func run() throws {
        let report = try CLIFailure.run {
            let startingCash = try setup.startingCash()
            let given = try setup.fixedParameters()
            let series = try setup.loadBars(purpose: "the bias check runs")
            return try Tradewind.checkBias(strategyName: setup.strategy, parameters: given, series: series, startingCash: startingCash,
                                           execution: try execution.settings(), cuts: cuts, starts: starts)
        }
        print(json ? Self.json(report).rendered(indent: 2) : Self.text(report, strategy: setup.strategy))
        if !report.lookAhead.isEmpty || report.recursion.contains(where: { $0.barsToAgree == nil }) { throw ExitCode(1) }
    }

    static func text(_ report: BiasCheck.Report, strategy: String) -> String {
        var lines = ["\(strategy): \(report.cuts.count) truncated and \(report.starts.count) late-start runs, "
            + "\(report.compared) orders and indicator values compared"]
        lines.append("Indicators reported: " + (report.indicators.isEmpty ? "none (the strategy does not report any; only orders were compared)"
                                                                             : report.indicators.joined(separator: ", ")))
        if report.lookAhead.isEmpty {
            lines.append("Look-ahead: none found")
        } else {
            lines.append("Look-ahead: FOUND at \(report.lookAhead.count) of \(report.cuts.count) cuts")
            lines += report.lookAhead.prefix(5).map { "  \($0)" }
        }
        if report.recursion.isEmpty {
            lines.append("Start-up dependence: nothing to compare")
        } else {
            lines.append("Start-up dependence:")
            lines += report.recursion.map { "  \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ report: BiasCheck.Report) -> JSONValue {
        .object([
            ("cuts", .array(report.cuts.map { .string($0.iso8601) })),
            ("starts", .array(report.starts.map { .string($0.iso8601) })),
            ("compared", .int(report.compared)),
            ("indicators", .array(report.indicators.map { .string($0) })),
            ("look_ahead", .array(report.lookAhead.map { finding in
                .object([("cut", .string(finding.cut.iso8601)), ("time", .string(finding.time.iso8601)),
                         ("instrument", .int(finding.instrument)), ("what", .string(finding.what)),
                         ("full", .string(finding.full)), ("truncated", .string(finding.truncated))])
            })),
            ("recursion", .array(report.recursion.map { finding in
                .object([("indicator", .string(finding.indicator)), ("instrument", .int(finding.instrument)),
                         ("bars_to_agree", finding.barsToAgree.map { .int($0) } ?? .null)])
            })),
        ])
    }
}
