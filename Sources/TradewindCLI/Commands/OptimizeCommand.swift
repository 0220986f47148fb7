import ArgumentParser
import Foundation
import TradewindAnalytics
import TradewindCore
import TradewindOptimization
import TradewindStorage
import TradewindStrategy

/// `tradewind optimize`: a parameter study, persisted, parallel and resumable.
struct OptimizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "optimize",
        abstract: "Search a strategy's parameters for the best value of a metric; persisted, parallel, resumable.",
        discussion: """
            The search space is the strategy's declared parameters; --param narrows or fixes them:
              fast=5..50        whole numbers 5 to 50 inclusive     slow=20..200:10   in steps of 10
              x=0.001..0.1:log  a log scale                         mode=a,b,c        a list
              size=10           a fixed value
            Constraints the strategy declares (sma-cross: fast < slow) are never violated.

            --objective names a metric (\(PerformanceMetric.names)), maximised (minimised for \
            volatility) unless :max or :min follows; repeat it for a multi-objective study, whose result is the Pareto \
            front. --filter drops trials that miss a condition (trades>=30, max-drawdown>-0.25).

            Samplers: grid (every point in order), random, tpe (tree-structured Parzen estimator, learns from the trials \
            so far; the default). --prune runs each trial in --stages parts and stops it when its partial result is below \
            the median of the finished trials' at the same stage.

            The study and every trial are stored (--db, SQLite by default), so --resume continues a study that was \
            stopped or killed, and identical parameters on identical data reuse the stored result. With a PostgreSQL --db, \
            `tradewind worker --db …` processes on other machines join the study.

            Backtest settings (--cash, --size, fees, fills) default to exactly those of `tradewind backtest`, so a \
            trial's value is what `tradewind backtest` prints for the same parameters.

            Example:
              tradewind optimize --data examples/data/GOOG-1d.csv --param fast=5..50 --param slow=20..200 \\
                  --objective sharpe --sampler tpe --trials 100 --study goog-sma
            """
    )

    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("CSV of bars; repeat for a portfolio.", valueName: "file")) var data: [String] = []
    @Option(name: .long, help: "Strategy to optimise (see `tradewind strategies`).") var strategy: String = "sma-cross"
    @Option(name: .customLong("param"), parsing: .singleValue, help: ArgumentHelp("A range, list or fixed value (see below).", valueName: "name=…"))
    var parameters: [String] = []
    @Option(name: .long, help: "Order size; shorthand for --param size=<size>.") var size: String?
    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("Metric to optimise, optionally :max or :min; repeat for several.", valueName: "metric"))
    var objective: [String] = []
    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("A condition a trial must meet, e.g. trades>=30.", valueName: "condition"))
    var filter: [String] = []
    @Option(name: .long, help: "grid, random or tpe.") var sampler: String = "tpe"
    @Option(name: .long, help: "Trials to run (a grid runs at most its size).") var trials: Int = 100
    @Option(name: .long, help: "Seed of the sampler; with one job the same seed gives the same trials in the same order.") var seed: UInt64 = 42
    @Flag(name: .long, help: "Stop weak trials early (median pruner).") var prune = false
    @Option(name: .long, help: "Parts a pruned trial's bars are run in.") var stages: Int = 4
    @Option(name: .long, help: "Name of the study (default: strategy and time).") var study: String?
    @Flag(name: .long, help: "Continue the study of that name: finished trials are kept, unfinished ones run.") var resume = false
    @Option(name: .long, help: "Trials run at once in this process (default: the number of cores); 0 creates the study for `tradewind worker` processes and exits.") var jobs: Int?
    @Option(name: .long, help: "Starting cash of every run.") var cash: String = "100000"
    @OptionGroup(title: "Fees, fills and account") var execution: ExecutionOptions
    @OptionGroup var store: StoreOptions
    @Flag(name: .long, help: "Print the study as JSON at the end.") var json = false

    func validate() throws {
        guard trials >= 1 else { throw ValidationError("--trials must be at least 1") }
        guard (1...64).contains(stages) else { throw ValidationError("--stages must be from 1 to 64") }
        if let jobs, !(0...256).contains(jobs) { throw ValidationError("--jobs must be from 0 to 256") }
    }

    func run() async throws {
        try await CLIFailure.run {
            let database = try await store.open()
            do {
                try await optimize(database)
                await database.close()
            } catch {
                await database.close()
                throw error
            }
        }
    }

    func optimize(_ database: any Store) async throws {
        let name = study ?? "\(strategy)-\(StudyPlanning.now().iso8601.prefix(19).replacingOccurrences(of: ":", with: ""))"
        var record: StudyRecord
        var definition: StudyDefinition
        if let existing = try await database.study(named: name) {
            guard resume else { throw ValidationError("study '\(name)' exists: add --resume to continue it, or choose another --study") }
            record = existing
            definition = try StudyPlanning.plan(existing).definition
            if !data.isEmpty || !parameters.isEmpty {
                let given = try makeDefinition()
                guard given.strategy == definition.strategy, given.parameters == definition.parameters, given.objectives == definition.objectives,
                      given.filters == definition.filters, given.sampler == definition.sampler, given.seed == definition.seed,
                      given.dataHash == definition.dataHash, given.backtestArguments == definition.backtestArguments else {
                    throw ValidationError("study '\(name)' was created with other settings; --resume it without them, or choose another --study")
                }
            }
        } else {
            guard !resume else { throw ValidationError("no study '\(name)' to resume") }
            definition = try makeDefinition()
            _ = try StudyPlanning.plan(StudyRecord(id: 0, name: name, definition: "", status: "", createdAt: .epoch, updatedAt: .epoch), definition)
            record = try await database.createStudy(name: name, definition: definition.json, now: StudyPlanning.now())
        }
        let plan = try StudyPlanning.plan(record, definition)
        if jobs == 0 {
            print(json ? StudySummary(plan: plan, record: record, trials: []).json.rendered(indent: 2)
                       : "Study \(name) is ready for \(plan.budget) trials: run `tradewind worker --db <this database> --study \(name)` on each machine (\(database.location))")
            return
        }
        let evaluator = try BacktestTrialEvaluator(definition: definition)
        let done = try await database.trials(study: record.id).filter { $0.status != .running }.count
        let progress = StudyProgress(total: plan.budget, alreadyDone: done, objective: plan.objective, quiet: json)
        let workers = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        try await withThrowingTaskGroup(of: Void.self) { group in
            for slot in 0..<workers {
                let worker = StudyWorker(plan: plan, store: database, evaluator: evaluator, name: StudyPlanning.workerName(slot: slot),
                                         isGone: StudyPlanning.isGone, now: StudyPlanning.now)
                group.addTask { try await worker.run { progress.record($0) } }
            }
            try await group.waitForAll()
        }
        progress.finish()
        let all = try await database.trials(study: record.id)
        if all.count >= plan.budget, !all.contains(where: { $0.status == .running }) {
            try await database.setStudyStatus(record.id, status: "finished", now: StudyPlanning.now())
        }
        record = try await database.study(named: name) ?? record
        print(json ? StudySummary(plan: plan, record: record, trials: all).json.rendered(indent: 2)
                   : StudySummary(plan: plan, record: record, trials: all).text(top: 5))
    }

    func makeDefinition() throws -> StudyDefinition {
        guard !data.isEmpty else { throw ValidationError("give the bars with --data") }
        var given = parameters
        if let size { given.append("size=\(size)") }
        let paths = data.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        var definition = StudyDefinition(strategy: strategy, parameters: given, objectives: objective.isEmpty ? ["sharpe"] : objective,
                                         filters: filter, sampler: sampler, seed: seed, trials: trials, stages: prune ? stages : 1,
                                         data: paths, dataHash: "", backtestArguments: ["--cash", cash] + execution.arguments)
        definition.dataHash = String(try BacktestTrialEvaluator(definition: definition).cacheScope.split(separator: "|")[1])
        return definition
    }
}

/// Live progress: a bar on a terminal, one line per trial otherwise.
final class StudyProgress: @unchecked Sendable {
    let total: Int
    let objective: Objective
    let quiet: Bool
    let terminal = isatty(STDERR_FILENO) == 1
    let started = Date()
    let lock = NSLock()
    var done: Int
    let alreadyDone: Int
    var best: (value: Double, parameters: String)?

    init(total: Int, alreadyDone: Int, objective: Objective, quiet: Bool) {
        self.total = total
        self.alreadyDone = alreadyDone
        self.done = alreadyDone
        self.objective = objective
        self.quiet = quiet
    }

    func record(_ event: StudyWorker.Event) {
        lock.lock()
        defer { lock.unlock() }
        guard case .finished(let trial, let outcome) = event else { return }
        done += 1
        if trial.status == .complete, let value = outcome.values?.first {
            let maximize = objective.targets[0].maximize
            if best.map({ maximize ? value > $0.value : value < $0.value }) ?? true { best = (value, trial.parameters) }
        }
        let elapsed = Date().timeIntervalSince(started)
        let rate = Double(done - alreadyDone) / max(elapsed, 1e-9)
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let bestText = best.map { "best \(BacktestReport.fixed($0.value, 4)) (\($0.parameters))" } ?? "no complete trial yet"
        let valueText = outcome.values?.first.map { BacktestReport.fixed($0, 4) } ?? (outcome.error ?? trial.status.rawValue)
        let cached = outcome.cached ? " (cached)" : ""
        if terminal {
            let width = 24
            let filled = total > 0 ? min(width, width * done / total) : width
            let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
            let line = "\r[\(bar)] \(done)/\(total)  \(bestText)  \(String(format: "%.1f", rate)) trials/s  ETA \(Int(eta.rounded())) s"
            FileHandle.standardError.write(Data((line + "\u{1B}[K").utf8))
        } else if !quiet {
            FileHandle.standardError.write(Data(("trial \(trial.number) \(trial.status.rawValue) \(valueText)\(cached)  [\(trial.parameters)]  "
                + "\(done)/\(total), \(bestText)\n").utf8))
        }
    }

    func finish() {
        if terminal { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// The outcome of a study, for people and programs.
struct StudySummary {
    let plan: StudyPlan
    let record: StudyRecord
    let trials: [TrialRecord]

    var complete: [(trial: TrialRecord, values: [Double])] {
        trials.compactMap { trial in
            guard trial.status == .complete, let values = trial.result.flatMap({ try? TrialOutcome(json: $0) })?.values else { return nil }
            return (trial, values)
        }
    }

    /// Best first by the first objective; ties keep trial order.
    var ranked: [(trial: TrialRecord, values: [Double])] {
        complete.enumerated().sorted { a, b in
            let (x, y) = (plan.objective.scores(a.element.values)[0], plan.objective.scores(b.element.values)[0])
            return x != y ? x > y : a.offset < b.offset
        }.map(\.element)
    }

    var front: [(trial: TrialRecord, values: [Double])] {
        let all = complete
        return plan.objective.paretoFront(all.map(\.values)).map { all[$0] }
    }

    func text(top: Int) -> String {
        let counts = TrialStatus.allCases.map { status in (status, trials.filter { $0.status == status }.count) }.filter { $0.1 > 0 }
        var lines = ["Study \(record.name) (\(record.status)): \(plan.definition.strategy), \(plan.objective)",
                     "Trials: " + counts.map { "\($0.1) \($0.0.rawValue)" }.joined(separator: ", ") + " of \(plan.budget)"]
        let names = plan.objective.targets.map(\.metric.rawValue)
        if plan.objective.isMultiObjective {
            lines.append("Pareto front (\(front.count) trials):")
            for entry in front { lines.append("  #\(entry.trial.number)  " + zip(names, entry.values).map { "\($0)=\(BacktestReport.fixed($1, 4))" }.joined(separator: " ") + "  \(entry.trial.parameters)") }
        } else if let best = ranked.first {
            lines.append("Best: \(names[0]) \(BacktestReport.fixed(best.values[0], 4)) with \(best.trial.parameters) (trial \(best.trial.number))")
            if ranked.count > 1 {
                lines.append("Top \(min(top, ranked.count)):")
                for entry in ranked.prefix(top) { lines.append("  #\(entry.trial.number)  \(BacktestReport.fixed(entry.values[0], 4))  \(entry.trial.parameters)") }
            }
        } else {
            lines.append("No trial completed.")
        }
        return lines.joined(separator: "\n")
    }

    var json: JSONValue {
        func values(_ v: [Double]) -> JSONValue { plan.objective.isMultiObjective ? .array(v.map { .double($0) }) : .double(v[0]) }
        var members: [(String, JSONValue)] = [("study", .string(record.name)), ("status", .string(record.status))]
        if plan.objective.isMultiObjective {
            members.append(("pareto_front", .array(front.map { .object([("number", .int($0.trial.number)),
                                                                           ("params", StudyPlanning.parametersJSON($0.trial.parameters)),
                                                                           ("values", values($0.values))]) })))
        } else {
            members.append(("best", ranked.first.map { .object([("number", .int($0.trial.number)), ("params", StudyPlanning.parametersJSON($0.trial.parameters)),
                                                                ("value", values($0.values))]) } ?? .null))
        }
        members.append(("trials", .array(trials.map { trial in
            let outcome = trial.result.flatMap { try? TrialOutcome(json: $0) }
            var fields: [(String, JSONValue)] = [("number", .int(trial.number)), ("params", StudyPlanning.parametersJSON(trial.parameters))]
            fields.append((plan.objective.isMultiObjective ? "values" : "value", outcome?.values.map(values) ?? .null))
            fields.append(("state", .string(trial.status.rawValue)))
            if let error = outcome?.error { fields.append(("error", .string(error))) }
            if outcome?.cached == true { fields.append(("cached", .bool(true))) }
            if trial.attempts > 1 { fields.append(("attempts", .int(trial.attempts))) }
            return .object(fields)
        })))
        return .object(members)
    }
}
