import ArgumentParser
import TradewindCore
import TradewindMarketData

/// `tradewind bars`: aggregate a bar file into another bar type.
struct BarsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bars",
        abstract: "Aggregate bars into time, tick, volume, value, range, Renko or Heikin-Ashi bars.",
        discussion: """
            Types: time:<n>s|m|h|d|w (aligned to UTC), tick:<count>, volume:<threshold>, value:<threshold> \
            (close × volume of each input), range:<size>, renko:<box>, heikin-ashi. A bar is written only \
            once it has closed; an unfinished last bar is left out. Output columns: \
            timestamp (the bar's open time),open,high,low,close,volume,close_time. See docs/GUIDE.md for each rule.

            Examples:
              tradewind bars --data examples/data/GOOG-1d.csv --type renko:2.5 --out goog-renko.csv
              tradewind bars --data examples/data/SP500-1d.csv --type time:1w
            """
    )

    @Option(name: .long, help: ArgumentHelp("CSV file with timestamp,open,high,low,close,volume.", valueName: "file"))
    var data: String

    @Option(name: .long, help: ArgumentHelp("The bar type to build.", valueName: "type"))
    var type: String

    @Option(name: .long, help: ArgumentHelp("Write the CSV here instead of standard output.", valueName: "file"))
    var out: String?

    var spec: AggregationSpec = .heikinAshi

    enum CodingKeys: String, CodingKey { case data, type, out }

    mutating func validate() throws {
        do { spec = try AggregationSpec(parsing: type) } catch { throw ValidationError("--type \(type): \(error)") }
    }

    func run() throws {
        try CLIFailure.run {
            let series = try CSVBarFile.load(path: data)
            let bars = try spec.make().aggregate(series.bars)
            var text = "timestamp,open,high,low,close,volume,close_time\n"
            for bar in bars {
                text += "\(bar.openTime.iso8601),\(bar.open),\(bar.high),\(bar.low),\(bar.close),\(bar.volume),\(bar.closeTime.iso8601)\n"
            }
            if let out { try writeFile(text, to: out) } else { print(text, terminator: "") }
        }
    }
}
