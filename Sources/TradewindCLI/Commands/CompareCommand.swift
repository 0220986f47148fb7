import ArgumentParser
import Dispatch
import Foundation
import TradewindResearch
import TradewindAnalytics
import TradewindCore
import TradewindSimulation

/// `tradewind compare`: several parameter sets (or strategies) on the same data, ranked.
struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Run several strategies or parameter sets on the same data and rank them on a metric.",
        discussion: """
            Each --run is a strategy name followed by its parameters: "sma-cross fast=10 slow=30". Runs are spread over \
            the cores; the table is ranked on --rank (higher is better, except max-drawdown where shallower is better).

            Example:
              tradewind compare --data examples/data/GOOG-1d.csv --size 10 --commission 0.001 \\
                  --run "sma-cross fast=10 slow=30" --run "sma-cross fast=20 slow=50" --run "sma-cross fast=50 slow=200"
            """
    )

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("CSV of bars; repeat for a portfolio.", valueName: "file")) var data: [String]
    @Option(name: .customLong("run"), parsing: .singleValue, help: ArgumentHelp("A strategy and its parameters, e.g. \"sma-cross fast=10 slow=30\".", valueName: "spec"))
    var runs: [String]
    @Option(name: .long, help: "Order size (the size parameter) for every run.") var size: String?
    @Option(name: .long, help: "Starting cash.") var cash: String = "100000"
    @Option(name: .long, help: "Commission rate on notional.") var commission: String = "0"
    @Option(name: .long, help: "Metric to rank on: \(RankingMetric.names).") var rank: RankingMetric = .sharpe
    @Flag(name: .long, help: "Print JSON.") var json = false

    struct Row {
        var spec: String
        var report: BacktestReport
    }

    func run() throws {
        try CLIFailure.run {
            guard runs.count >= 1 else { throw ValidationError("give at least one --run") }
            let startingCash: Money
            let rate: Rate
            do {
                startingCash = try Money(parsing: cash)
                rate = try Rate(parsing: commission)
            } catch { throw ValidationError("--cash/--commission: \(error)") }
            let requests = try runs.map { spec -> BacktestRequest in
                let words = spec.split(separator: " ").map(String.init)
                guard let name = words.first else { throw ValidationError("--run is empty") }
                var parameters = try words.dropFirst().map { word -> (name: String, value: String) in
                    let parts = word.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { throw ValidationError("--run \"\(spec)\": expected name=value, got '\(word)'") }
                    return (parts[0], parts[1])
                }
                if let size, !parameters.contains(where: { $0.name == "size" }) { parameters.append(("size", size)) }
                return BacktestRequest(dataPaths: data, strategyName: name, parameters: parameters, startingCash: startingCash,
                                       execution: ExecutionSettings(fees: .init(rate: rate)), gate: DataGate())
            }
            let reports = try requests.parallelMap { try Tradewind.runBacktest($0) }
            var rows = zip(runs, reports).map { Row(spec: $0, report: $1) }
            rows.sort { Self.score($0.report, rank) > Self.score($1.report, rank) }
            print(json ? Self.json(rows, rank).rendered(indent: 2) : Self.table(rows, rank))
        }
    }

    /// Higher is better; missing values rank last.
    static func score(_ report: BacktestReport, _ metric: RankingMetric) -> Double { metric.score(report.metrics) ?? -.infinity }

    static func table(_ rows: [Row], _ metric: RankingMetric) -> String {
        let header = ["#", "run", "final equity", "return", "sharpe", "max dd", "trades", "win rate", "profit f."]
        var lines: [[String]] = [header]
        for (index, row) in rows.enumerated() {
            let m = row.report.metrics
            lines.append(["\(index + 1)", row.spec, String(format: "%.2f", row.report.result.finalEquity.doubleValue),
                          String(format: "%.2f %%", m.totalReturn * 100), m.sharpeRatio.map { String(format: "%.2f", $0) } ?? "n/a",
                          String(format: "%.2f %%", -m.maxDrawdown * 100), "\(m.tradeCount)",
                          m.winRate.map { String(format: "%.1f %%", $0 * 100) } ?? "n/a", m.profitFactor.map { String(format: "%.2f", $0) } ?? "n/a"])
        }
        let widths = header.indices.map { column in lines.map { $0[column].count }.max() ?? 0 }
        let body = lines.map { cells in
            cells.enumerated().map { column, cell in
                column == 1 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                            : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        return "ranked on \(metric.rawValue)\n" + body.joined(separator: "\n")
    }

    static func json(_ rows: [Row], _ metric: RankingMetric) -> JSONValue {
        .object([
            ("rank", .string(metric.rawValue)),
            ("runs", .array(rows.enumerated().map { index, row in
                let m = row.report.metrics
                return .object([("place", .int(index + 1)), ("run", .string(row.spec)),
                                ("final_equity", .number(row.report.result.finalEquity.description)),
                                ("total_return", .double(m.totalReturn)), ("sharpe_ratio", .double(m.sharpeRatio)),
                                ("max_drawdown", .double(m.maxDrawdown)), ("trade_count", .int(m.tradeCount)),
                                ("win_rate", .double(m.winRate)), ("profit_factor", .double(m.profitFactor)), ("sqn", .double(m.sqn))])
            })),
        ])
    }
}
