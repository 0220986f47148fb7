import ArgumentParser
import Foundation
import TradewindCore
import TradewindIndicators
import TradewindMarketData

/// `tradewind indicators`: compute indicators over a bar file and write them as CSV.
struct IndicatorsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "indicators",
        abstract: "Compute indicators over a bar file and write them as CSV.",
        discussion: """
            Output: `timestamp` (each bar's timestamp as in the file), then one column per output, named \
            <name>_<args joined by _>, with _<output> for multi-output indicators (macd_12_26_9_signal). \
            Cells are empty while an indicator warms up; there is one output row per input row. \
            Values match TA-Lib where TA-Lib defines the indicator.

            Examples:
              tradewind indicators --data examples/data/GOOG-1d.csv --indicator sma:20 \\
                  --indicator macd:12,26,9 --indicator bbands:20,2 --out goog-indicators.csv
              tradewind indicators --list
            """
    )

    @Option(name: .long, help: ArgumentHelp("CSV file with timestamp,open,high,low,close,volume.", valueName: "file"))
    var data: String?

    @Option(name: .customLong("indicator"), help: ArgumentHelp("Indicator as name or name:arg,arg; repeat for several.", valueName: "spec"))
    var indicators: [String] = []

    @Option(name: .long, help: ArgumentHelp("Write the CSV here instead of standard output.", valueName: "file"))
    var out: String?

    @Flag(name: .long, help: "List the indicators, their arguments and outputs.")
    var list = false

    var specs: [IndicatorSpec] = []

    enum CodingKeys: String, CodingKey { case data, indicators, out, list }

    mutating func validate() throws {
        if list { return }
        guard data != nil else { throw ValidationError("--data is required (or use --list)") }
        guard !indicators.isEmpty else { throw ValidationError("give at least one --indicator, e.g. --indicator sma:20") }
        specs = try indicators.map { text in
            do { return try IndicatorSpec(parsing: text) } catch { throw ValidationError("--indicator \(text): \(error)") }
        }
    }

    func run() throws {
        if list {
            print(Self.listing())
            return
        }
        try CLIFailure.run {
            let csv = try Self.compute(path: data!, specs: specs)
            if let out { try writeFile(csv, to: out) } else { print(csv, terminator: "") }
        }
    }

    static func listing() -> String {
        IndicatorCatalog.entries.map { entry in
            let outputs = entry.outputs.map { $0.isEmpty ? "(main)" : $0 }.joined(separator: ", ")
            return "\(entry.name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(entry.summary)\n"
                + "             arguments: \(entry.parameterList); outputs: \(outputs)"
        }.joined(separator: "\n")
    }

    /// The CSV document for `specs` over the file at `path`, computed in blocks of bars.
    static func compute(path: String, specs: [IndicatorSpec]) throws -> String {
        let bytes = try CSVBarFile.bytes(atPath: path)
        let series = try CSVBarParser(fileName: path, instrumentID: CSVBarFile.defaultInstrumentID(forPath: path)).parse(bytes)
        var table = try IndicatorTable(specs: specs)
        var text = "timestamp," + table.columnNames.joined(separator: ",") + "\n"
        text.reserveCapacity(series.bars.count * (24 + 20 * table.width))
        let block = 4096
        var start = 0
        while start < series.bars.count {
            let bars = series.bars[start..<min(start + block, series.bars.count)]
            let rows = try table.compute(bars.map(BarSample.init))
            for (offset, bar) in bars.enumerated() {
                text += bar.openTime.iso8601
                for value in rows[(offset * table.width)..<((offset + 1) * table.width)] {
                    text += ","
                    if !value.isNaN { text += "\(value)" }
                }
                text += "\n"
            }
            start += block
        }
        return text
    }
}
