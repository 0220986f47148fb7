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

    @Option(name: .long, help: ArgumentHelp("CSV file with timestamp,open,high,low,close,volume.", valueName: "file"))
    var data: String

    @Option(name: .long, help: "Strategy to run (see `tradewind strategies`).")
    var strategy: String = "sma-cross"

    @Option(name: .customLong("param"), parsing: .singleValue,
            help: ArgumentHelp("Strategy parameter as name=value; repeat for several.", valueName: "name=value"))
    var parameters: [String] = []

    @Option(name: .long, help: "Order size; shorthand for --param size=<size>.")
    var size: String?

    @Option(name: .long, help: "Starting cash in the account currency.")
    var cash: String = "100000"

    @Option(name: .long, help: "Commission rate per fill, as a fraction of notional (0.001 = 0.1 %).")
    var commission: String = "0"

    @Option(name: .long, help: "Account type: cash (no borrowing, no shorting) or margin.")
    var account: String = "cash"

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
    var commissionRate = Rate.zero()
    var accountType = AccountType.cash
    var convention = BarTimestampConvention.open

    enum CodingKeys: String, CodingKey {
        case data, strategy, parameters, size, cash, commission, account, timestamps, symbol, json, output
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
        do { commissionRate = try Rate(parsing: commission) } catch { throw ValidationError("--commission: \(error)") }
        guard !commissionRate.isNegative, commissionRate < Rate("1") else {
            throw ValidationError("--commission must be in [0, 1), got \(commission)")
        }
        guard let accountType = AccountType(rawValue: account) else {
            throw ValidationError("--account must be one of: \(AccountType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self.accountType = accountType
        guard let convention = BarTimestampConvention(rawValue: timestamps) else {
            throw ValidationError("--timestamps must be open or close")
        }
        self.convention = convention
    }

    func run() throws {
        try CLIFailure.run {
            let request = BacktestRequest(
                dataPath: data, strategyName: strategy, parameters: parsedParameters, startingCash: startingCash,
                commission: commissionRate, accountType: accountType, convention: convention,
                instrumentID: symbol.map { InstrumentID(symbol: $0, venue: "CSV") }
            )
            let report = try Tradewind.runBacktest(request)
            let document = report.json.rendered(indent: 2) + "\n"
            if let output { try writeFile(document, to: output) }
            if json {
                print(document, terminator: "")
            } else {
                print(report.summary)
                if let output { print("\nReport written to \(output)") }
            }
        }
    }
}
