import ArgumentParser
import TradewindAnalytics
import TradewindCore
import TradewindMarketData

/// `tradewind data`: work with market-data files.
struct DataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Import, export, list and check market data (files and the database).",
        subcommands: [InspectCommand.self, ImportCommand.self, ExportCommand.self, ListCommand.self, CheckCommand.self]
    )
}

/// `tradewind data inspect FILE`.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Report rows, time span, interval, gaps, duplicates and malformed rows of a bar file.",
        discussion: """
            Reads the whole file leniently and lists every problem with its line and column. \
            Exits with 0 when the file is clean and 65 when it has problems, so scripts can gate on it. \
            For daily data without weekend bars, gaps count missing weekdays (holidays show up as gaps).
            """
    )

    @Argument(help: ArgumentHelp("CSV file with timestamp,open,high,low,close,volume.", valueName: "file"))
    var file: String

    @Option(name: .long, help: "How many problems and gaps to list.")
    var limit: Int = 10

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let inspection = try CLIFailure.run {
            let bytes = try CSVBarFile.bytes(atPath: file)
            let parser = CSVBarParser(fileName: file, instrumentID: CSVBarFile.defaultInstrumentID(forPath: file))
            return DataInspection(scan: parser.scan(bytes))
        }
        print(json ? jsonReport(inspection).rendered(indent: 2) : textReport(inspection))
        if !inspection.isClean { throw ExitCode(65) }
    }

    func textReport(_ report: DataInspection) -> String {
        var interval = report.interval?.description ?? "unknown (fewer than two bars)"
        if report.tradingDays { interval += " (trading days: no weekend bars)" }
        var rows: [(String, String)] = [
            ("File", file),
            ("Rows", "\(report.rowCount)" + (report.validBars == report.rowCount ? "" : " (\(report.validBars) usable)")),
            ("First", report.first?.iso8601 ?? "-"),
            ("Last", report.last?.iso8601 ?? "-"),
            ("Interval", interval),
            ("Precision", report.pricePrecision.map { "prices \($0) decimals, volume \(report.sizePrecision ?? 0) decimals" } ?? "-"),
            ("Gaps", gapSummary(report)),
            ("Duplicates", "\(report.duplicateCount)"),
            ("Out of order", "\(report.outOfOrderCount)"),
            ("Problems", report.issues.isEmpty ? "none" : "\(report.issues.count) (listed below)"),
        ]
        for gap in report.gaps.sorted(by: { $0.missingBars > $1.missingBars }).prefix(limit) {
            rows.append(("  gap", "\(gap.from.iso8601) → \(gap.to.iso8601): \(gap.missingBars) missing"))
        }
        let width = rows.map(\.0.count).max() ?? 0
        var text = rows.map { $0.0 + String(repeating: " ", count: width - $0.0.count) + "  " + $0.1 }.joined(separator: "\n")
        for issue in report.issues.prefix(limit) { text += "\n  \(issue)" }
        if report.issues.count > limit { text += "\n  … \(report.issues.count - limit) more" }
        return text
    }

    func gapSummary(_ report: DataInspection) -> String {
        guard !report.gaps.isEmpty else { return "none" }
        let missing = report.gaps.reduce(0) { $0 + $1.missingBars }
        return "\(report.gaps.count) (\(missing) missing bar\(missing == 1 ? "" : "s"); largest listed below)"
    }

    func jsonReport(_ report: DataInspection) -> JSONValue {
        .object([
            ("file", .string(file)),
            ("rows", .int(report.rowCount)),
            ("usable_bars", .int(report.validBars)),
            ("first", report.first.map { .string($0.iso8601) } ?? .null),
            ("last", report.last.map { .string($0.iso8601) } ?? .null),
            ("interval", report.interval.map { .string($0.description) } ?? .null),
            ("trading_days", .bool(report.tradingDays)),
            ("gaps", .array(report.gaps.map {
                .object([("from", .string($0.from.iso8601)), ("to", .string($0.to.iso8601)), ("missing_bars", .int($0.missingBars))])
            })),
            ("duplicates", .int(report.duplicateCount)),
            ("out_of_order", .int(report.outOfOrderCount)),
            ("issues", .array(report.issues.map {
                .object([("line", .int($0.line)), ("column", .int($0.column)), ("kind", .string($0.kind.rawValue)),
                         ("message", .string($0.description))])
            })),
        ])
    }
}
