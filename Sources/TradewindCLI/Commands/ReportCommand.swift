import ArgumentParser
import Foundation
import TradewindAnalytics
import TradewindCore
import TradewindStorage

/// `tradewind report`: redraw a saved run's report, or list saved runs.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the report of a saved backtest run (HTML with charts, results.json, trades.csv, report.xlsx).",
        discussion: """
            Runs are saved with `tradewind backtest … --save`. The report is drawn from the run's stored results, \
            so it is the report the run had, whatever the data or the code are now.

            Examples:
              tradewind report --list
              tradewind report 7 --out reports/run-7
            """
    )

    @Argument(help: "The run's id (see --list).") var runID: Int64?
    @Option(name: .long, help: ArgumentHelp("Directory to write the report into.", valueName: "dir")) var out: String?
    @Flag(name: .long, help: "List the most recent saved runs.") var list = false
    @Option(name: .long, help: "How many runs --list shows.") var limit = 20
    @OptionGroup var store: StoreOptions

    func validate() throws {
        if list { return }
        guard runID != nil else { throw ValidationError("give a run id (tradewind report --list shows them)") }
        guard out != nil else { throw ValidationError("give --out DIR, the directory to write the report into") }
    }

    func run() async throws {
        try await CLIFailure.run {
            let database = try await store.open()
            let outcome: Result<[BacktestRunRecord], any Error>
            do {
                outcome = .success(list ? try await database.backtestRuns(limit: limit) : [try await database.backtestRun(id: runID!)].compactMap { $0 })
            } catch {
                outcome = .failure(error)
            }
            await database.close()
            let runs = try outcome.get()
            if list {
                guard !runs.isEmpty else { print("no saved runs in \(database.location) (save one with `tradewind backtest … --save`)"); return }
                print("id  saved                 strategy  parameters  data  final equity  trades")
                for run in runs {
                    print("\(run.id ?? 0)  \(run.createdAt.iso8601.prefix(19))  \(run.strategy)  \(run.parameters)  \(run.dataDescription)  \(run.finalEquity)  \(run.tradeCount)")
                }
                return
            }
            guard let run = runs.first else {
                throw StorageError.notFound("run \(runID!) in \(database.location) (tradewind report --list shows the saved runs)")
            }
            try Self.write(results: Array(run.results.utf8), to: out!)
            print("Report of run \(run.id ?? 0) (\(run.strategy) \(run.parameters)) written to \(out!)/report.html")
        }
    }

    /// Writes every file of the report drawn from `results` into `directory`.
    static func write(results: [UInt8], to directory: String) throws {
        let bundle = try ReportBundle(results: results)
        for file in bundle.files { try writeFile(file.bytes, to: directory + "/" + file.name) }
    }
}
