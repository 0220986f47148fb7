import Foundation
public import TradewindAnalytics
public import TradewindCore
public import TradewindStorage

/// Everything a worker on any machine needs to take part in a study, stored as JSON with the
/// study. Data and backtest settings are kept as the command-line arguments that produced them,
/// so a worker rebuilds exactly the same runs.
public struct StudyDefinition: Codable, Sendable, Equatable {
    public var strategy: String
    /// `--param` texts: ranges, lists and fixed values.
    public var parameters: [String]
    public var objectives: [String]
    public var filters: [String]
    /// `grid`, `random` or `tpe`.
    public var sampler: String
    public var seed: UInt64
    /// Trials to run (the grid's size for a grid).
    public var trials: Int
    /// Parts a trial's bars are run in, the median pruner judging after each; 1 = no pruning.
    public var stages: Int
    /// Data files (absolute paths every worker can read) and their fingerprint.
    public var data: [String]
    public var dataHash: String
    /// Backtest options (`--cash`, `--commission`, …) as given.
    public var backtestArguments: [String]

    public init(strategy: String, parameters: [String], objectives: [String], filters: [String], sampler: String, seed: UInt64,
                trials: Int, stages: Int, data: [String], dataHash: String, backtestArguments: [String]) {
        self.strategy = strategy
        self.parameters = parameters
        self.objectives = objectives
        self.filters = filters
        self.sampler = sampler
        self.seed = seed
        self.trials = trials
        self.stages = stages
        self.data = data
        self.dataHash = dataHash
        self.backtestArguments = backtestArguments
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    public init(json: String) throws {
        self = try JSONDecoder().decode(StudyDefinition.self, from: Data(json.utf8))
    }
}

/// What a trial produced, stored as JSON in the trial's row.
public struct TrialOutcome: Codable, Sendable, Equatable {
    /// The objective values (as `tradewind backtest` prints them), one per objective.
    public var values: [Double]?
    /// Every ``PerformanceMetric`` of the run (complete) or of the bars run so far (pruned).
    public var metrics: [String: Double]
    /// The first objective's score (higher is better) after each stage but the last.
    public var intermediate: [Double?]
    /// Why the trial failed or does not count.
    public var error: String?
    /// Whether the result came from an identical earlier trial.
    public var cached: Bool

    public init(values: [Double]?, metrics: [String: Double], intermediate: [Double?], error: String?, cached: Bool) {
        self.values = values
        self.metrics = metrics
        self.intermediate = intermediate
        self.error = error
        self.cached = cached
    }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    public init(json: String) throws {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        self = try decoder.decode(TrialOutcome.self, from: Data(json.utf8))
    }

    static func metrics(_ m: PerformanceMetrics) -> [String: Double] {
        var result: [String: Double] = [:]
        for metric in PerformanceMetric.allCases { if let value = metric.value(m) { result[metric.rawValue] = value } }
        return result
    }
}

/// Runs one parameter set. Implemented at the edge (the CLI loads data and builds the strategy).
public protocol TrialEvaluator: Sendable {
    /// Identifies strategy, data and settings; with the parameters it keys the result cache.
    var cacheScope: String { get }
    /// Runs the backtest in `stages` parts, asking `proceed(metrics so far, stage)` after each
    /// part but the last whether to go on.
    func evaluate(_ parameters: [(name: String, value: String)], stages: Int,
                  proceed: (PerformanceMetrics, Int) -> Bool) throws -> (metrics: PerformanceMetrics, completed: Bool)
}

/// A study resolved for running: its space, objective, sampler and pruner.
public struct StudyPlan: Sendable {
    public var record: StudyRecord
    public var definition: StudyDefinition
    public var space: SearchSpace
    public var objective: Objective
    public var sampler: any Sampler
    public var pruner: MedianPruner?

    public init(record: StudyRecord, definition: StudyDefinition, space: SearchSpace, objective: Objective, sampler: any Sampler,
                pruner: MedianPruner?) {
        self.record = record
        self.definition = definition
        self.space = space
        self.objective = objective
        self.sampler = sampler
        self.pruner = pruner
    }

    /// The trial budget: the requested number, at most the grid's feasible size for a grid.
    public var budget: Int {
        if let grid = sampler as? GridSampler { return min(definition.trials, grid.count) }
        return definition.trials
    }

    /// A trial's parameter set as stored: `name=value` separated by spaces, fixed ones first.
    public func parameterText(_ point: [Double]) -> String {
        space.parameters(point).map { "\($0.name)=\($0.value)" }.joined(separator: " ")
    }

    /// A stored parameter text (`fast=10 slow=30`) as name=value pairs, in order.
    public static func pairs(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: " ").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            return (parts[0], parts.count == 2 ? parts[1] : "")
        }
    }

    /// The point a stored parameter text came from.
    public func point(_ text: String) -> [Double]? {
        var values: [String: String] = [:]
        for (name, value) in Self.pairs(text) { values[name] = value }
        var point: [Double] = []
        for (name, dimension) in space.dimensions {
            guard let text = values[name] else { return nil }
            if case .categorical(let choices) = dimension {
                guard let index = choices.firstIndex(of: text) else { return nil }
                point.append(Double(index))
            } else {
                guard let value = Double(text) else { return nil }
                point.append(value)
            }
        }
        return point
    }

    /// What the sampler learns from stored trials: complete ones with their first objective's
    /// score, the others as failures.
    public func observations(_ trials: [TrialRecord]) -> [Observation] {
        trials.compactMap { trial in
            guard trial.status != .running, let point = point(trial.parameters) else { return nil }
            let outcome = trial.result.flatMap { try? TrialOutcome(json: $0) }
            let score = trial.status == .complete ? outcome?.values.map { objective.scores($0)[0] } : nil
            return Observation(point: point, score: score)
        }
    }
}

/// One worker's loop: claim a trial, run it (heartbeating its lease, asking the pruner after
/// each stage), record the outcome, repeat until the study has nothing left.
public struct StudyWorker: Sendable {
    public enum Event: Sendable {
        case finished(TrialRecord, TrialOutcome)
        /// Another worker took the trial over after this one's lease ran out; nothing was recorded.
        case lost(Int)
    }

    public var plan: StudyPlan
    public var store: any StudyRepository
    public var evaluator: any TrialEvaluator
    public var name: String
    public var lease: TimeSpan
    /// Whether a running trial's worker is known to be dead (same host, process gone).
    public var isGone: @Sendable (String) -> Bool
    /// Wall clock (an edge: leases are real time).
    public var now: @Sendable () -> Timestamp

    public init(plan: StudyPlan, store: any StudyRepository, evaluator: any TrialEvaluator, name: String, lease: TimeSpan = .seconds(30),
                isGone: @escaping @Sendable (String) -> Bool = { _ in false }, now: @escaping @Sendable () -> Timestamp) {
        self.plan = plan
        self.store = store
        self.evaluator = evaluator
        self.name = name
        self.lease = lease
        self.isGone = isGone
        self.now = now
    }

    /// Runs trials until none is left to claim and none is running elsewhere (or, with
    /// `waitForOthers` false, until none is left to claim).
    public func run(waitForOthers: Bool = true, report: @Sendable (Event) -> Void) async throws {
        let plan = self.plan
        while !Task.isCancelled {
            let claimed = try await store.claimTrial(study: plan.record.id, worker: name, now: now(), leaseUntil: now() + lease,
                                                     budget: plan.budget, isGone: isGone) { history, number in
                plan.sampler.suggest(number: number, space: plan.space, history: plan.observations(history)).map(plan.parameterText)
            }
            guard let trial = claimed else {
                guard waitForOthers else { return }
                // Others may still be running trials that would come back if their worker died:
                // look again shortly (a finished study lets every worker go within a quarter second).
                let running = try await store.trials(study: plan.record.id).filter { $0.status == .running }
                if running.isEmpty { return }
                let nextExpiry = running.compactMap(\.leaseUntil).min() ?? now()
                let wait = max(0.05, min(0.25, Double((nextExpiry - now()).nanoseconds) / 1e9 + 0.05))
                try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
                continue
            }
            try await runTrial(trial, report: report)
        }
    }

    func runTrial(_ trial: TrialRecord, report: @Sendable (Event) -> Void) async throws {
        let plan = self.plan
        let parameters = StudyPlan.pairs(trial.parameters)
        let cacheKey = Self.fingerprint(evaluator.cacheScope + "|" + trial.parameters)
        var outcome: TrialOutcome
        var status: TrialStatus
        if let stored = try await store.cachedResult(cacheKey: cacheKey), var reused = try? TrialOutcome(json: stored) {
            reused.cached = true
            reused.intermediate = []
            (outcome, status) = Self.judge(reused, objective: plan.objective)
        } else {
            // History for the pruner, read once: the finished trials' partial scores by stage.
            let history = plan.pruner == nil ? [] : try await store.trials(study: plan.record.id)
            let partials = history.filter { $0.status == .complete }.compactMap { $0.result.flatMap { try? TrialOutcome(json: $0) }?.intermediate }
            let heartbeat = Task { [store, name, lease, now] in
                while !Task.isCancelled {
                    try? await Task.sleep(nanoseconds: UInt64(lease.nanoseconds / 3))
                    if Task.isCancelled { return }
                    _ = try? await store.renewLease(study: trial.studyID, number: trial.number, worker: name, until: now() + lease)
                }
            }
            defer { heartbeat.cancel() }
            let evaluator = self.evaluator
            let stages = plan.pruner == nil ? 1 : max(1, plan.definition.stages)
            (outcome, status) = await Self.offThePool {
                var intermediate: [Double?] = []
                do {
                    let run = try evaluator.evaluate(parameters, stages: stages) { metrics, stage in
                        let score = plan.objective.targets[0].metric.score(metrics).map { plan.objective.targets[0].maximize == plan.objective.targets[0].metric.higherIsBetter ? $0 : -$0 }
                        intermediate.append(score)
                        let finished = partials.compactMap { $0.count >= stage ? $0[stage - 1] : nil }
                        return !(plan.pruner?.shouldPrune(stage: stage, score: score, finished: finished) ?? false)
                    }
                    let measured = TrialOutcome(values: nil, metrics: TrialOutcome.metrics(run.metrics), intermediate: intermediate, error: nil, cached: false)
                    guard run.completed else { return (measured, .pruned) }
                    return Self.judge(measured, objective: plan.objective, metrics: run.metrics)
                } catch {
                    return (TrialOutcome(values: nil, metrics: [:], intermediate: intermediate, error: "\(error)", cached: false), .failed)
                }
            }
        }
        let objective = outcome.values?.first
        if try await store.finishTrial(study: trial.studyID, number: trial.number, worker: name, status: status, objective: objective,
                                       result: outcome.json, cacheKey: status == .complete && !outcome.cached ? cacheKey : nil, now: now()) {
            var finished = trial
            finished.status = status
            finished.objective = objective
            finished.result = outcome.json
            report(.finished(finished, outcome))
        } else {
            report(.lost(trial.number))
        }
    }

    /// Objective values and filters applied to a run's metrics.
    static func judge(_ outcome: TrialOutcome, objective: Objective, metrics: PerformanceMetrics? = nil) -> (TrialOutcome, TrialStatus) {
        var outcome = outcome
        let values: Result<[Double], ObjectiveError>
        if let metrics {
            values = objective.evaluate(metrics)
        } else {
            // A cached outcome: its metric values stand in for the run.
            values = objective.evaluate(stored: outcome.metrics)
        }
        switch values {
        case .success(let v):
            outcome.values = v
            outcome.error = nil
            return (outcome, .complete)
        case .failure(let error):
            outcome.values = nil
            outcome.error = error.description
            return (outcome, .failed)
        }
    }

    /// CPU-bound work on a Dispatch thread, so the heartbeat and the database keep running on
    /// Swift's cooperative pool.
    static func offThePool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: body()) }
        }
    }

    /// FNV-1a 64-bit, hex: stable across processes and machines (unlike `Hasher`).
    public static func fingerprint(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}

extension Objective {
    /// The objective on stored metric values (a cached trial).
    func evaluate(stored metrics: [String: Double]) -> Result<[Double], ObjectiveError> {
        for filter in filters where !filter.passes(metrics[filter.metric.rawValue]) {
            return .failure(.filtered("\(filter) not met (\(metrics[filter.metric.rawValue].map { Filter.plain($0) } ?? "n/a"))"))
        }
        var values: [Double] = []
        for target in targets {
            guard let value = metrics[target.metric.rawValue] else { return .failure(.filtered("\(target.metric.rawValue) cannot be computed")) }
            values.append(value)
        }
        return .success(values)
    }
}
