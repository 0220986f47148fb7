import ArgumentParser
import Foundation
import TradewindAnalytics
import TradewindCore

/// `tradewind metrics --returns FILE`: statistics of any return series.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Risk and performance statistics of a return series (empyrical's definitions).",
        discussion: """
            Reads CSV with timestamp,return (simple returns per period). Periods per year come from the timestamps \
            (252 for daily rows without weekends, 365 with them, 52 weekly, 12 monthly) unless given. \
            Conventions: docs/METRICS.md, "Return-series statistics".

            Example:
              tradewind metrics --returns Tests/Fixtures/empyrical/sp500-returns.csv --json
            """
    )

    @Option(name: .long, help: ArgumentHelp("CSV of timestamp,return.", valueName: "file")) var returns: String
    @Option(name: .long, help: "Periods per year for annualisation (default: from the timestamps).") var periodsPerYear: Double?
    @Flag(name: .long, help: "Print one JSON object.") var json = false

    mutating func validate() throws {
        if let periodsPerYear, !(periodsPerYear > 0) { throw ValidationError("--periods-per-year must be positive") }
    }

    func run() throws {
        try CLIFailure.run {
            let text: String
            do { text = try String(contentsOfFile: returns, encoding: .utf8) } catch {
                throw FileWriteError(path: returns, reason: "cannot read: \(error.localizedDescription)")
            }
            let series = try ReturnSeries(csv: text, fileName: returns)
            let statistics = ReturnStatistics(returns: series.returns, periodsPerYear: periodsPerYear ?? series.periodsPerYear)
            print(json ? Self.json(statistics, series).rendered(indent: 2) : Self.text(statistics, series))
        }
    }

    static func fields(_ s: ReturnStatistics) -> [(String, Double)] {
        [("cumulative_return", s.cumulativeReturn), ("annual_return", s.annualReturn), ("annual_volatility", s.annualVolatility),
         ("sharpe", s.sharpe), ("sortino", s.sortino), ("calmar", s.calmar), ("omega", s.omega), ("tail_ratio", s.tailRatio),
         ("stability", s.stability), ("max_drawdown", s.maxDrawdown), ("average_drawdown", s.drawdowns.averageDrawdown),
         ("var_95", s.var95), ("cvar_95", s.cvar95), ("var_99", s.var99), ("cvar_99", s.cvar99),
         ("parametric_var_95", s.parametricVar95), ("parametric_cvar_95", s.parametricCvar95),
         ("parametric_var_99", s.parametricVar99), ("parametric_cvar_99", s.parametricCvar99),
         ("skew", s.skew), ("kurtosis", s.kurtosis)]
    }

    static func json(_ s: ReturnStatistics, _ series: ReturnSeries) -> JSONValue {
        var object: [(String, JSONValue)] = [("count", .int(s.count)), ("periods_per_year", .double(s.periodsPerYear))]
        object += fields(s).map { ($0.0, $0.1.isFinite ? .double($0.1) : .null) }
        if let worst = s.drawdowns.worst {
            let time = { (index: Int) -> JSONValue in index == 0 ? .null : .string(series.times[index - 1].iso8601) }
            object.append(("max_drawdown_detail", .object([
                ("peak", time(worst.peak)), ("trough", time(worst.trough)),
                ("recovery", worst.recovery.map(time) ?? .null), ("periods", .int(worst.length)),
            ])))
        }
        return .object(object)
    }

    static func text(_ s: ReturnStatistics, _ series: ReturnSeries) -> String {
        let percent: Set<String> = ["cumulative_return", "annual_return", "annual_volatility", "max_drawdown", "average_drawdown",
                                    "var_95", "cvar_95", "var_99", "cvar_99", "parametric_var_95", "parametric_cvar_95",
                                    "parametric_var_99", "parametric_cvar_99"]
        var lines = ["returns             \(s.count) (\(series.times.first!.iso8601) → \(series.times.last!.iso8601)), "
            + "\(String(format: "%g", s.periodsPerYear)) per year"]
        for (name, value) in fields(s) {
            let shown = !value.isFinite ? "n/a" : percent.contains(name) ? String(format: "%.2f %%", value * 100) : String(format: "%.4f", value)
            lines.append(name.padding(toLength: 20, withPad: " ", startingAt: 0) + shown)
        }
        return lines.joined(separator: "\n")
    }
}
