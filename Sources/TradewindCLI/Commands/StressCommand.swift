import ArgumentParser
import Foundation
import TradewindResearch
import TradewindAnalytics
import TradewindCore
import TradewindEngine
import TradewindMarketData
import TradewindSimulation

/// `tradewind stress`: one strategy replayed under price shocks, changed volatility and
/// historical crises, next to its baseline.
struct StressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stress",
        abstract: "Replay a strategy under price gaps, scaled volatility and historical crisis windows.",
        discussion: """
            Scenarios (repeat --scenario; without any, a standard set runs: gap:-10%, gap:-20%, vol:0.5, vol:2 and \
            every named window the data covers):
              gap:-10%[@DATE]   every price from DATE's bar on (default: the middle bar) × 0.9 — a gap through stops
              vol:K             each bar's moves scaled by K around the mean drift (vol:2 doubles volatility)
              window:NAME       the strategy's figures inside a historical episode; NAME is one of
                                \(StressScenario.namedWindows.map(\.name).joined(separator: ", "))
              window:FROM..TO   the same for any dates (2008-01-01..2008-12-31)
            A window scenario does not cut the data: the strategy runs over the history as it is, so it enters the \
            episode warmed up and holding what it held; only the figures are cut to the window.

            Example:
              tradewind stress --data examples/data/SP500-1d.csv --param fast=10 --param slow=30 --size 10 \\
                  --scenario gap:-15%@2008-09-15 --scenario vol:2 --scenario window:gfc
            """
    )

    @OptionGroup var setup: StrategyRunOptions
    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("A scenario (see below); repeat for more.", valueName: "scenario"))
    var scenario: [String] = []
    @OptionGroup(title: "Fees, fills and account") var execution: ExecutionOptions
    @Flag(name: .long, help: "Print the result as JSON.") var json = false

    struct Row {
        var name: String
        var metrics: PerformanceMetrics
    }

    func run() throws {
        try CLIFailure.run {
            let startingCash = try setup.startingCash()
            let parsed = try setup.fixedParameters()
            let series = try setup.loadBars(purpose: "stress scenarios run")
            guard let lead = series.first, let firstBar = lead.bars.first, let lastBar = lead.bars.last else {
                throw ValidationError("give at least one --data file with bars")
            }
            var scenarios = try scenario.map { try StressScenario(parsing: $0) }
            if scenarios.isEmpty {
                scenarios = [.gap(-0.1, at: nil), .gap(-0.2, at: nil), .volatility(0.5), .volatility(2)]
                for window in StressScenario.namedWindows {
                    let scenario = try StressScenario(parsing: "window:\(window.name)")
                    guard case .window(_, let from, let to) = scenario,
                          lead.bars.filter({ $0.openTime >= from && $0.openTime < to }).count >= 10 else { continue }
                    scenarios.append(scenario)
                }
            }
            for case .gap(_, let at?) in scenarios where at < firstBar.openTime || at > lastBar.openTime {
                throw ValidationError("a gap on \(at.iso8601.prefix(10)) is outside the data (\(firstBar.openTime.iso8601.prefix(10)) to \(lastBar.openTime.iso8601.prefix(10)))")
            }
            let settings = try execution.settings()
            let (strategy, given) = (setup.strategy, parsed)
            @Sendable func replay(_ data: [BarSeries]) throws -> BacktestReport {
                try Tradewind.runBacktest(BacktestRequest(dataPaths: [], strategyName: strategy, parameters: given,
                                                          startingCash: startingCash, execution: settings, series: data))
            }
            let baseline = try replay(series)
            let perYear = baseline.metrics.barsPerYear
            let rows = try scenarios.parallelMap { scenario -> Row in
                if case .window(_, let from, let to) = scenario {
                    guard let metrics = StressScenario.measure(baseline.result, from: from, to: to, periodsPerYear: perYear) else {
                        throw ValidationError("\(scenario) holds none of the data")
                    }
                    return Row(name: scenario.description, metrics: metrics)
                }
                return Row(name: scenario.description, metrics: try replay(series.map { scenario.apply(to: $0) }).metrics)
            }
            let all = [Row(name: "baseline", metrics: baseline.metrics)] + rows
            print(json ? Self.json(all, parameters: baseline.result.parameters).rendered(indent: 2)
                       : "\(strategy) \(baseline.result.parameters)\n\n" + Self.table(all))
        }
    }

    static func table(_ rows: [Row]) -> String {
        func number(_ value: Double?) -> String { value.map { BacktestReport.fixed($0, 2) } ?? "n/a" }
        var lines = [["scenario", "from", "to", "total return", "annual", "max drawdown", "sharpe", "trades", "final equity"]]
        for row in rows {
            let m = row.metrics
            lines.append([row.name, BacktestReport.day(m.start), BacktestReport.day(m.end), BacktestReport.percent(m.totalReturn),
                          BacktestReport.percent(m.annualizedReturn), BacktestReport.percent(-m.maxDrawdown), number(m.sharpeRatio),
                          "\(m.tradeCount)", m.finalEquity.formatted(places: 2)])
        }
        let widths = lines[0].indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
        return lines.map { row in
            row.enumerated().map { $0.offset == 0 ? $0.element.padding(toLength: widths[0], withPad: " ", startingAt: 0)
                                                  : String(repeating: " ", count: widths[$0.offset] - $0.element.count) + $0.element }
                .joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func json(_ rows: [Row], parameters: String) -> JSONValue {
        .object([
            ("parameters", .string(parameters)),
            ("scenarios", .array(rows.map { row in
                let m = row.metrics
                return .object([
                    ("scenario", .string(row.name)), ("start", .string(m.start.iso8601)), ("end", .string(m.end.iso8601)),
                    ("total_return", .double(m.totalReturn)), ("annual_return", .double(m.annualizedReturn)),
                    ("max_drawdown", .double(m.maxDrawdown)), ("sharpe", .double(m.sharpeRatio)), ("trades", .int(m.tradeCount)),
                    ("final_equity", .string(m.finalEquity.description)),
                ])
            })),
        ])
    }
}
