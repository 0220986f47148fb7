import ArgumentParser
import Foundation
import TradewindResearch
import TradewindAnalytics
import TradewindCore
import TradewindEngine
import TradewindMarketData
import TradewindSimulation
import TradewindStorage

/// `tradewind backtest`: run a strategy over a CSV file and report.
struct BacktestCommand: AsyncParsableCommand {
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
              tradewind backtest --symbol GOOG --timeframe 1d --from 2006-01-01 --to 2010-01-01

            With --symbol and --timeframe and no --data, bars come from the database (--db), through an \
            in-memory cache, after the data-quality gate: a series with gaps is refused unless --allow-gaps.
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

    @Option(name: .long, help: "Instrument symbol (default: the file name up to the first '-' or '.'); without --data, the stored series to read.")
    var symbol: String?

    @Option(name: .long, help: "Venue of a stored instrument.")
    var venue: String = "CSV"

    @Option(name: .long, help: "Time frame of the stored series (1m, 1h, 1d…); with --symbol and no --data.")
    var timeframe: String?

    @OptionGroup var range: RangeOptions

    @Flag(name: .long, help: "Run even if the bars have gaps (the run reports how many bars are missing).")
    var allowGaps = false

    @Option(name: .long, help: "Trading calendar of the bars (XNYS, weekdays, 24x7): its closed days are not gaps. Default: the stored instrument's, else detected.")
    var calendar: String?

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("monte-carlo"), help: ArgumentHelp("Resample the closed trades this many times (e.g. 10000) and report percentiles.", valueName: "paths"))
    var monteCarloPaths: Int?

    @Option(name: .customLong("monte-carlo-method"), help: "reshuffle (trade order) or bootstrap (draw with replacement).")
    var monteCarloMethod: String = "reshuffle"

    @Option(name: .long, help: "Seed of the Monte Carlo paths.")
    var seed: UInt64 = 1

    @Option(name: .long, help: "Monte Carlo ruin: the fraction of starting equity lost that counts as ruin.")
    var ruin: Double = 0.5

    @Option(name: .long, help: ArgumentHelp("Write a report directory: report.html (charts), results.json, trades.csv, report.xlsx.", valueName: "dir"))
    var report: String?

    @Flag(name: .long, help: "Record the run in the database (--db) so `tradewind report ID` can redraw its report later.")
    var save = false

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
        case data, strategy, parameters, size, cash, bar, execution, timestamps, symbol, venue, timeframe, range, allowGaps, calendar, store, json, output
        case monteCarloPaths, monteCarloMethod, seed, ruin, report, save
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
        if data.isEmpty {
            guard symbol != nil, timeframe != nil else {
                throw ValidationError("give at least one --data file, or --symbol and --timeframe of a stored series")
            }
        } else if timeframe != nil || range.from != nil || range.to != nil {
            throw ValidationError("--timeframe, --from and --to select a stored series; they do not apply to --data files")
        }
        if symbol != nil && data.count > 1 { throw ValidationError("--symbol names the instrument of a single --data file") }
        settings = try execution.settings()
        if let paths = monteCarloPaths, !(1...10_000_000).contains(paths) { throw ValidationError("--monte-carlo must be 1…10000000 paths") }
        guard MonteCarlo.Method(rawValue: monteCarloMethod) != nil else { throw ValidationError("--monte-carlo-method must be reshuffle or bootstrap") }
        guard ruin > 0 && ruin <= 1 else { throw ValidationError("--ruin must be in (0, 1]") }
        if let bar {
            guard let span = TimeSpan(compact: bar), span > .zero else { throw ValidationError("--bar must look like 1m, 5m or 1h, got '\(bar)'") }
            barsFromTicks = span
        }
        guard let convention = BarTimestampConvention(rawValue: timestamps) else {
            throw ValidationError("--timestamps must be open or close")
        }
        self.convention = convention
    }

    func run() async throws {
        try await CLIFailure.run {
            var stored: [BarSeries] = []
            var notes: [String] = []
            let chosenCalendar = try calendar.map { name in
                guard let value = TradingCalendar(rawValue: name) else { throw ValidationError("--calendar must be XNYS, weekdays or 24x7") }
                return value
            }
            if data.isEmpty, let symbol, let timeframe {
                let loaded = try await Self.loadStored(InstrumentID(symbol: symbol, venue: venue), timeframe: timeframe,
                                                       from: try range.fromTime(), to: try range.toTime(), allowGaps: allowGaps,
                                                       calendar: chosenCalendar, store: store)
                stored = [loaded.series]
                notes = loaded.notes
            }
            var execution = settings!
            execution.calendar = chosenCalendar
            let request = BacktestRequest(
                dataPaths: data, strategyName: strategy, parameters: parsedParameters, startingCash: startingCash,
                execution: execution, convention: convention, instrumentID: symbol.map { InstrumentID(symbol: $0, venue: "CSV") },
                barsFromTicks: barsFromTicks, series: stored,
                gate: stored.isEmpty ? DataGate(calendar: chosenCalendar, allowGaps: allowGaps) : nil
            )
            var outcome = try Tradewind.runBacktest(request, notes: &notes)
            if let paths = monteCarloPaths {
                outcome.addMonteCarlo(MonteCarlo.Configuration(paths: paths, method: MonteCarlo.Method(rawValue: monteCarloMethod)!,
                                                              seed: seed, ruinThreshold: ruin))
            }
            var document = outcome.json.renderedBytes(indent: 2)
            document.append(0x0A)
            if let output { try writeFile(document, to: output) }
            if let report { try ReportCommand.write(results: document, to: report) }
            var savedID: Int64?
            if save {
                savedID = try await Self.record(outcome, results: document, dataDescription: dataDescription, store: store)
            }
            for note in notes { CLIFailure.printError(note, prefix: "note") }
            if json {
                writeToStandardOutput(document)
            } else {
                print(outcome.summary)
                if output != nil || report != nil || savedID != nil { print("") }
                if let output { print("Results written to \(output)") }
                if let report { print("Report written to \(report)/report.html (with results.json, trades.csv, report.xlsx)") }
                if let savedID { print("Saved as run \(savedID); `tradewind report \(savedID) --out DIR` redraws its report") }
            }
        }
    }

    /// What the run read, for the run record: the files, or the stored series and range.
    var dataDescription: String {
        if !data.isEmpty { return data.joined(separator: " ") }
        var text = "\(symbol ?? "?").\(venue) \(timeframe ?? "?")"
        if let from = range.from { text += " from \(from)" }
        if let to = range.to { text += " to \(to)" }
        return text
    }

    /// Records the run with a fingerprint of its data (FNV-1a of the files' bytes, or of the
    /// stored series' description) and returns its id.
    static func record(_ report: BacktestReport, results: [UInt8], dataDescription: String, store: StoreOptions) async throws -> Int64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ bytes: some Sequence<UInt8>) { for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 } }
        for path in dataDescription.split(separator: " ") where FileManager.default.fileExists(atPath: String(path)) {
            mix(FileManager.default.contents(atPath: String(path)) ?? Data())
        }
        mix(dataDescription.utf8)
        let database = try await store.open()
        do {
            let id = try await database.record(BacktestRunRecord(
                createdAt: now(), strategy: report.result.strategyName,
                parameters: report.result.parameters, dataDescription: dataDescription, dataHash: String(hash, radix: 16),
                finalEquity: report.result.finalEquity, tradeCount: report.metrics.tradeCount, results: String(decoding: results, as: UTF8.self)))
            await database.close()
            return id
        } catch {
            await database.close()
            throw error
        }
    }

    /// Reads a stored series through the cache and passes it through the data-quality gate.
    static func loadStored(_ id: InstrumentID, timeframe: String, from: Timestamp?, to: Timestamp?, allowGaps: Bool,
                           calendar: TradingCalendar?, store: StoreOptions) async throws -> (series: BarSeries, notes: [String]) {
        let database = try await store.open()
        let read: (StoredInstrument?, [Bar])
        do {
            let stored = try await database.instrument(id)
            read = (stored, stored == nil ? [] : try await CandleCache(store: database).candles(instrument: id, timeframe: timeframe, from: from, to: to))
            await database.close()
        } catch {
            await database.close()
            throw error
        }
        guard var stored = read.0 else {
            throw StorageError.notFound("instrument \(id) in \(database.location) (import it with `tradewind data import`)")
        }
        let bars = read.1
        guard !bars.isEmpty else { throw StorageError.notFound("no \(timeframe) bars of \(id) in that range in \(database.location)") }
        let interval = BarInterval(timeframe: timeframe)
        let series = BarSeries(instrument: stored.instrument, bars: bars, interval: interval)
        if let calendar { stored.calendar = calendar.rawValue }
        let notes = try DataGate(calendar: stored.calendar.flatMap(TradingCalendar.init(rawValue:)), allowGaps: allowGaps)
            .check(series, label: "\(id) \(timeframe)")
        return (series, notes)
    }
}
