import ArgumentParser
import Foundation
import TradewindAnalytics
import TradewindCore
import TradewindOptimization
import TradewindStorage

/// `tradewind worker`: joins the running studies of a shared database.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run trials of the studies in a shared database (PostgreSQL), alongside any number of other workers.",
        discussion: """
            Each worker claims a trial (a new one, or one whose worker stopped renewing its lease), runs it, renews its \
            lease while it runs and records the outcome; a trial whose worker died is taken over after --lease. \
            The study's data files must be readable at the same paths on every machine, with the same contents \
            (their fingerprint is checked). Exits when no study has work left, unless --wait.

            Example (on each machine):
              tradewind worker --db postgres://tradewind:secret@db.internal/tradewind --study goog-sma
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: "Only this study (default: every running study, oldest first).") var study: String?
    @Option(name: .long, help: "Trials run at once (default: the number of cores).") var jobs: Int?
    @Option(name: .long, help: "Seconds a claimed trial stays this worker's without a renewal.") var lease: Int = 30
    @Flag(name: .long, help: "Keep polling for new studies instead of exiting when there is nothing to do.") var wait = false

    func run() async throws {
        try await CLIFailure.run {
            let database = try await store.open()
            do {
                try await work(database)
                await database.close()
            } catch {
                await database.close()
                throw error
            }
        }
    }

    func work(_ database: any Store) async throws {
        let slots = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        repeat {
            var studies = try await database.studies().filter { $0.status == "running" }.reversed() as [StudyRecord]
            if let study { studies = studies.filter { $0.name == study } }
            if studies.isEmpty, study != nil, try await database.study(named: study!) == nil {
                throw ValidationError("no study '\(study!)' in \(database.location)")
            }
            for record in studies {
                let plan = try StudyPlanning.plan(record)
                let evaluator = try BacktestTrialEvaluator(definition: plan.definition)
                FileHandle.standardError.write(Data("worker \(StudyPlanning.workerName(slot: 0).dropLast(2)): study \(record.name)\n".utf8))
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for slot in 0..<slots {
                        let worker = StudyWorker(plan: plan, store: database, evaluator: evaluator, name: StudyPlanning.workerName(slot: slot),
                                                 lease: .seconds(Int64(lease)), isGone: StudyPlanning.isGone, now: StudyPlanning.now)
                        group.addTask {
                            try await worker.run { event in
                                let line: String
                                switch event {
                                case .finished(let trial, let outcome):
                                    let value = outcome.values?.first.map { "\($0)" } ?? outcome.error ?? ""
                                    line = "trial \(trial.number) \(trial.status.rawValue) \(value) [\(trial.parameters)]"
                                case .lost(let number):
                                    line = "trial \(number) lost: another worker took it over"
                                }
                                // Unbuffered: an operator tailing a worker's log sees each trial as it ends.
                                FileHandle.standardOutput.write(Data((line + "\n").utf8))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let trials = try await database.trials(study: record.id)
                if trials.count >= plan.budget, !trials.contains(where: { $0.status == .running }) {
                    try await database.setStudyStatus(record.id, status: "finished", now: StudyPlanning.now())
                }
            }
            if wait { try await Task.sleep(nanoseconds: 2_000_000_000) }
        } while wait
    }
}

/// `tradewind study`: stored studies.
struct StudyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "study",
        abstract: "List stored studies, or show one: best trials, parameter importance and an HTML report.",
        subcommands: [StudyShowCommand.self, StudyListCommand.self]
    )
}

struct StudyListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "The stored studies, newest first.")
    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await CLIFailure.run {
            let database = try await store.open()
            let studies = try await database.studies()
            for record in studies {
                let trials = try await database.trials(study: record.id)
                print("\(record.name)  \(record.status)  \(trials.filter { $0.status == .complete }.count)/\(trials.count) complete  "
                    + "created \(record.createdAt.iso8601.prefix(19))")
            }
            if studies.isEmpty { print("no studies in \(database.location)") }
            await database.close()
        }
    }
}

struct StudyShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Best trials, parameter importance and (with --report) an HTML report.")
    @Argument(help: "The study's name.") var name: String
    @OptionGroup var store: StoreOptions
    @Option(name: .long, help: "Trials listed.") var top: Int = 10
    @Option(name: .long, help: "Directory to write study.html into.") var report: String?
    @Flag(name: .long, help: "Print the study as JSON.") var json = false

    func run() async throws {
        try await CLIFailure.run {
            let database = try await store.open()
            guard let record = try await database.study(named: name) else {
                await database.close()
                throw ValidationError("no study '\(name)' in \(database.location)")
            }
            let trials = try await database.trials(study: record.id)
            await database.close()
            let plan = try StudyPlanning.plan(record)
            let summary = StudySummary(plan: plan, record: record, trials: trials)
            let importance = ParameterImportance.compute(plan: plan, trials: trials)
            if json {
                print(summary.json.rendered(indent: 2))
            } else {
                print(summary.text(top: top))
                if !importance.isEmpty {
                    print("Parameter importance (share of the objective's variance explained):")
                    for (name, share) in importance { print("  \(name.padding(toLength: 12, withPad: " ", startingAt: 0)) \(BacktestReport.percent(share))") }
                }
            }
            if let report {
                let path: String
                do { path = try StudyReport.write(plan: plan, record: record, trials: trials, importance: importance, directory: report) } catch {
                    throw FileWriteError(path: report, reason: "\(error)")
                }
                if !json { print("Report written to \(path)") }
            }
        }
    }
}
