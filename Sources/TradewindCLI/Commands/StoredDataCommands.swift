import ArgumentParser
import Foundation
import TradewindAnalytics
import TradewindCore
import TradewindLive
import TradewindMarketData
import TradewindStorage

/// `tradewind data import FILE --symbol S --timeframe T`.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Store a CSV file of bars in the database.",
        discussion: """
            Idempotent: bars already stored (same instrument, time frame and open time) are skipped, so importing a file \
            twice adds nothing. All new bars are written in one transaction: a failure leaves nothing behind.

            Example:
              tradewind data import examples/data/GOOG-1d.csv --symbol GOOG --timeframe 1d --calendar XNYS
            """
    )
    @Argument(help: ArgumentHelp("CSV file with timestamp,open,high,low,close,volume.", valueName: "file")) var file: String
    @Option(name: .long, help: "Instrument symbol.") var symbol: String
    @Option(name: .long, help: "Venue of the instrument.") var venue: String = "CSV"
    @Option(name: .long, help: "Time frame label the bars are stored under (1m, 1h, 1d…).") var timeframe: String
    @Option(name: .long, help: "Whether the file's timestamps mark bar opens or closes: open|close.") var timestamps: String = "open"
    @Option(name: .long, help: "Trading calendar of the instrument (XNYS, weekdays, 24x7): its holidays are not gaps.") var calendar: String?
    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await CLIFailure.run {
            if let calendar, TradingCalendar(rawValue: calendar) == nil { throw ValidationError("--calendar must be XNYS, weekdays or 24x7") }
            guard let convention = BarTimestampConvention(rawValue: timestamps) else { throw ValidationError("--timestamps must be open or close") }
            let id = InstrumentID(symbol: symbol, venue: venue)
            let series = try CSVBarFile.load(path: file, instrumentID: id, convention: convention)
            let database = try await store.open()
            do {
                let maxPrice = series.bars.map(\.pricePrecision).max() ?? 2
                let maxSize = series.bars.map(\.sizePrecision).max() ?? 0
                let instrument = try await database.instrument(id)?.instrument
                    ?? (try Instrument(id: id, pricePrecision: maxPrice, sizePrecision: maxSize))
                _ = try await database.register(instrument, calendar: calendar)
                let inserted = try await database.insertCandles(series.bars, instrument: id, timeframe: timeframe)
                try await database.appendAudit(AuditEntry(time: now(), actor: ProcessInfo.processInfo.environment["USER"] ?? "cli",
                                                          action: "data.import", target: "\(id) \(timeframe)",
                                                          details: "\(file): \(series.bars.count) rows, \(inserted) new"))
                await database.close()
                print("\(file): \(series.bars.count) bars read, \(inserted) new, \(series.bars.count - inserted) already stored "
                    + "(\(id) \(timeframe) in \(database.location))")
            } catch {
                await database.close()
                throw error
            }
        }
    }
}

/// `tradewind data export --symbol S --timeframe T`.
struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write stored bars as CSV.")
    @Option(name: .long, help: "Instrument symbol.") var symbol: String
    @Option(name: .long, help: "Venue of the instrument.") var venue: String = "CSV"
    @Option(name: .long, help: "Time frame label.") var timeframe: String
    @OptionGroup var range: RangeOptions
    @Option(name: .long, help: ArgumentHelp("Write here instead of standard output.", valueName: "file")) var out: String?
    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await CLIFailure.run {
            let database = try await store.open()
            let bars = try await database.candles(instrument: InstrumentID(symbol: symbol, venue: venue), timeframe: timeframe,
                                                  from: try range.fromTime(), to: try range.toTime())
            await database.close()
            let text = CSVBarFile.text(bars)
            if let out { try writeFile(text, to: out) } else { print(text, terminator: "") }
        }
    }
}

/// `--from` / `--to` as ISO-8601 dates or times (UTC).
struct RangeOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("First open time included (2020-01-01 or 2020-01-01T09:30:00Z).", valueName: "time")) var from: String?
    @Option(name: .long, help: ArgumentHelp("Open time excluded: bars before it.", valueName: "time")) var to: String?

    func fromTime() throws -> Timestamp? { try from.map { try Self.parse($0, "--from") } }
    func toTime() throws -> Timestamp? { try to.map { try Self.parse($0, "--to") } }

    static func parse(_ text: String, _ name: String) throws -> Timestamp {
        guard let time = Timestamp(iso8601: text) else { throw ValidationError("\(name): expected a date like 2020-01-31 or 2020-01-31T14:30:00Z, got '\(text)'") }
        return time
    }
}

/// `tradewind data list`.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List stored instruments and series with ranges, row counts and gaps.")
    @OptionGroup var store: StoreOptions
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        try await CLIFailure.run {
            let database = try await store.open()
            let instruments = try await database.instruments()
            let series = try await database.candleSeries()
            var rows: [(CandleSeriesSummary, Int)] = []
            for summary in series {
                let bars = try await database.candles(instrument: summary.instrument, timeframe: summary.timeframe, from: nil, to: nil)
                let calendar = instruments.first { $0.instrument.id == summary.instrument }?.calendar.flatMap(TradingCalendar.init(rawValue:))
                rows.append((summary, DataQualityReport(bars: bars, interval: BarInterval(timeframe: summary.timeframe), calendar: calendar).missingBars))
            }
            await database.close()
            if json {
                print(JSONValue.array(rows.map { summary, missing in
                    .object([("instrument", .string(summary.instrument.description)), ("timeframe", .string(summary.timeframe)),
                             ("first", .string(summary.first.iso8601)), ("last", .string(summary.last.iso8601)),
                             ("rows", .int(summary.count)), ("missing_bars", .int(missing))])
                }).rendered(indent: 2))
                return
            }
            print("\(database.location): \(instruments.count) instrument(s), \(series.count) series")
            for (summary, missing) in rows {
                print("  \(summary.instrument)  \(summary.timeframe)  \(summary.first.iso8601) → \(summary.last.iso8601)  "
                    + "\(summary.count) rows  \(missing == 0 ? "no gaps" : "\(missing) missing bars")")
            }
        }
    }
}

/// `tradewind data check`.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "The data-quality gate: gaps, duplicates, non-positive prices, inconsistent bars and spikes.",
        discussion: """
            Checks a stored series (--symbol, --timeframe) or a CSV file (--data). Exits 0 when clean, 65 otherwise. \
            Gaps are counted against the expected interval; with a calendar (--calendar XNYS, or the instrument's own) \
            weekends and exchange holidays are not gaps.
            """
    )
    @Option(name: .long, help: ArgumentHelp("CSV file to check instead of a stored series.", valueName: "file")) var data: String?
    @Option(name: .long, help: "Instrument symbol of a stored series.") var symbol: String?
    @Option(name: .long, help: "Venue of the instrument.") var venue: String = "CSV"
    @Option(name: .long, help: "Time frame label of a stored series.") var timeframe: String?
    @OptionGroup var range: RangeOptions
    @Option(name: .long, help: "Trading calendar: XNYS, weekdays or 24x7.") var calendar: String?
    @Option(name: .long, help: "Flag returns beyond this many standard deviations.") var spikeDeviations: Double = 8
    @Option(name: .long, help: "How many problems and gaps to list.") var limit: Int = 10
    @OptionGroup var store: StoreOptions

    func run() async throws {
        let report = try await CLIFailure.run { () async throws -> DataQualityReport in
            let chosen = try calendar.map { name in
                guard let value = TradingCalendar(rawValue: name) else { throw ValidationError("--calendar must be XNYS, weekdays or 24x7") }
                return value
            }
            if let data {
                let series = try CSVBarFile.load(path: data)
                return DataQualityReport(bars: series.bars, interval: series.interval, calendar: chosen, spikeDeviations: spikeDeviations)
            }
            guard let symbol, let timeframe else { throw ValidationError("give --data FILE, or --symbol and --timeframe of a stored series") }
            let database = try await store.open()
            let id = InstrumentID(symbol: symbol, venue: venue)
            let stored = try await database.instrument(id)
            let bars = try await database.candles(instrument: id, timeframe: timeframe, from: try range.fromTime(), to: try range.toTime())
            await database.close()
            guard !bars.isEmpty else { throw StorageError.notFound("no \(timeframe) bars of \(id) in \(database.location)") }
            return DataQualityReport(bars: bars, interval: BarInterval(timeframe: timeframe),
                                     calendar: chosen ?? stored?.calendar.flatMap(TradingCalendar.init(rawValue:)), spikeDeviations: spikeDeviations)
        }
        print(Self.render(report, limit: limit))
        if !report.isClean { throw ExitCode(65) }
    }

    static func render(_ report: DataQualityReport, limit: Int) -> String {
        var lines = [
            "Bars        \(report.barCount)  (\(report.first?.iso8601 ?? "-") → \(report.last?.iso8601 ?? "-"))",
            "Interval    \(report.interval?.description ?? "unknown")"
                + (report.calendar.map { ", calendar \($0.rawValue)\(report.calendarDetected ? " (detected)" : "")" } ?? ""),
            "Gaps        \(report.gaps.isEmpty ? "none" : "\(report.gaps.count) (\(report.missingBars) missing bars)")",
        ]
        for kind in DataQualityReport.ProblemKind.allCases {
            lines.append(kind.rawValue.padding(toLength: 20, withPad: " ", startingAt: 0) + "\(report.count(kind))"
                + (kind == .spike ? " (warnings: check them, real moves look the same)" : ""))
        }
        for gap in report.gaps.sorted(by: { $0.missingBars > $1.missingBars }).prefix(limit) {
            lines.append("  gap \(gap.after.iso8601) → \(gap.before.iso8601): \(gap.missingBars) missing")
        }
        for problem in report.problems.prefix(limit) { lines.append("  \(problem)") }
        if report.problems.count > limit { lines.append("  … \(report.problems.count - limit) more") }
        lines.append(report.isClean ? "Clean." : "Not clean: \(report.missingBars) missing bars, \(report.problems.filter { $0.kind != .spike }.count) errors.")
        return lines.joined(separator: "\n")
    }
}

func now() -> Timestamp { WallClock.now() }

