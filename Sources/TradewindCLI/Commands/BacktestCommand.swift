import ArgumentParser
import TradewindAnalytics
import TradewindCore
import TradewindEngine
import TradewindMarketData

/// `tradewind backtest`: run a strategy over a CSV file and report.
struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Run a strategy over historical bars and report its performance.",
        discussion: """
            Market orders fill at the next bar's open; commission is charged on every fill as \
            rate × notional. Money is exact (fixed-point); see docs/METRICS.md for how each metric is computed.

            Examples:
              tradewind backtest --data examples/data/GOOG-1d.csv \\
                  --param fast=10 --param slow=30 --size 10
              tradewind backtest --data examples/data/GOOG-1d.csv --json > result.json
              tradewind backtest --data examples/data/SP500-1d.csv \\
                  --output reports/sp500.json
            """
    )

    @Option(name: .long, parsing: .singleValue,
            help: ArgumentHelp("CSV of bars (timestamp,open,high,low,close,volume), quotes (timestamp,bid,ask[,bid_size,ask_size]) or trade prints (timestamp,price[,size]); repeat for a portfolio (one file per instrument).",
                               valueName: "file"))
    var data: [String] = []

    @Option(name: .long, help: "Strategy to run (see `tradewind strategies`).")
    var strategy: String = "sma-cross"

    @Option(name: .customLong("param"), parsing: .singleValue,
            help: ArgumentHelp("Strategy parameter as name=value; repeat for several.", valueName: "name=value"))
    var parameters: [String] = []

    @Option(name: .long, help: "Order size; shorthand for --param size=<size>.")
    var size: String?

    @Option(name: .long, help: "Starting cash in the account currency.")
    var cash: String = "100000"

    @Option(name: .long, help: ArgumentHelp("Quote or trade files: the length of the bars the strategy trades on (1m, 5m, 1h…), built from the mid and the prints; orders still fill against the quotes and prints.", valueName: "length"))
    var bar: String?

    @OptionGroup(title: "Fees, fills and account")
    var execution: ExecutionOptions

    @Option(name: .long, help: "Whether the file's timestamps mark bar opens or closes: open|close.")
    var timestamps: String = "open"

    @Option(name: .long, help: "Instrument symbol (default: the file name up to the first '-' or '.').")
    var symbol: String?

    @Flag(name: .long, help: "Print the full result as JSON instead of the summary.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Also write the JSON result to this file.", valueName: "file"))
    var output: String?

    var parsedParameters: [(name: String, value: String)] = []
    var startingCash = Money.zero
    var settings: ExecutionSettings?
    var barsFromTicks: TimeSpan?
    var convention = BarTimestampConvention.open

    enum CodingKeys: String, CodingKey {
        case data, strategy, parameters, size, cash, bar, execution, timestamps, symbol, json, output
    }

    mutating func validate() throws {
        parsedParameters = try parameters.map { text in
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--param expects name=value, got '\(text)'")
            }
            return (parts[0], parts[1])
        }
        if let size {
            guard !parsedParameters.contains(where: { $0.name == "size" }) else {
                throw ValidationError("give the size either as --size or as --param size=…, not both")
            }
            parsedParameters.append(("size", size))
        }
        do { startingCash = try Money(parsing: cash) } catch { throw ValidationError("--cash: \(error)") }
        guard startingCash > .zero else { throw ValidationError("--cash must be positive") }
        guard !data.isEmpty else { throw ValidationError("give at least one --data file") }
        if symbol != nil && data.count > 1 { throw ValidationError("--symbol names the instrument of a single --data file") }
        settings = try execution.settings()
        if let bar {
            guard let span = TimeSpan(compact: bar), span > .zero else { throw ValidationError("--bar must look like 1m, 5m or 1h, got '\(bar)'") }
            barsFromTicks = span
        }
        guard let convention = BarTimestampConvention(rawValue: timestamps) else {
            throw ValidationError("--timestamps must be open or close")
        }
        self.convention = convention
    }

    func run() throws {
        try CLIFailure.run {
            let request = BacktestRequest(
                dataPaths: data, strategyName: strategy, parameters: parsedParameters, startingCash: startingCash,
                execution: settings!, convention: convention, instrumentID: symbol.map { InstrumentID(symbol: $0, venue: "CSV") },
                barsFromTicks: barsFromTicks
            )
            let report = try Tradewind.runBacktest(request)
            var document = report.json.renderedBytes(indent: 2)
            document.append(0x0A)
            if let output { try writeFile(document, to: output) }
            if json {
                writeToStandardOutput(document)
            } else {
                print(report.summary)
                if let output { print("\nReport written to \(output)") }
            }
        }
    }
}
