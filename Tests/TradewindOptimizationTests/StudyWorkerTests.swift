import Foundation
import Testing
import TradewindAnalytics
import TradewindCore
import TradewindEngine
import TradewindOptimization
import TradewindStorage
import TradewindStrategy

/// An evaluator with a known surface: Sharpe = −((fast − 12)² + (slow − 40)² ÷ 10) ÷ 100 + 1,
/// reported through real metrics so objectives and filters work as in a backtest.
struct SurfaceEvaluator: TrialEvaluator {
    let cacheScope = "surface"
    let calls = Counter()

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func increment() { lock.lock(); value += 1; lock.unlock() }
        var count: Int { lock.lock(); defer { lock.unlock() }; return value }
    }

    static func sharpe(fast: Double, slow: Double) -> Double { 1 - ((fast - 12) * (fast - 12) + (slow - 40) * (slow - 40) / 10) / 100 }

    func evaluate(_ parameters: [(name: String, value: String)], stages: Int,
                  proceed: (PerformanceMetrics, Int) -> Bool) throws -> (metrics: PerformanceMetrics, completed: Bool) {
        calls.increment()
        let values = Dictionary(uniqueKeysWithValues: parameters.map { ($0.name, Double($0.value)!) })
        let target = Self.sharpe(fast: values["fast"]!, slow: values["slow"]!)
        // A curve whose per-bar returns have exactly this Sharpe ratio (mean ÷ sd × √252).
        let start = Timestamp(iso8601: "2024-01-01")!
        var metrics: PerformanceMetrics?
        for stage in 1...stages {
            let bars = 50 * stage
            var equity = 100_000.0
            let points = (0..<bars).map { i -> EquityPoint in
                equity *= 1 + target / 252.0.squareRoot() * 0.01 + (i % 2 == 0 ? 0.01 : -0.01)
                return EquityPoint(time: start + .days(Int64(i + 1)), equity: Money("\(Int(equity))"))
            }
            metrics = PerformanceMetrics(startingEquity: Money("100000"), equityCurve: points, trades: [], feesPaid: .zero, start: start,
                                         end: start + .days(Int64(bars)), periodsPerYear: 252)
            if stage < stages, !proceed(metrics!, stage) { return (metrics!, false) }
        }
        return (metrics!, true)
    }
}

struct StudyWorkerTests {
    static func store() async throws -> any Store {
        try await openStore("sqlite:" + NSTemporaryDirectory() + "tradewind-study-\(UUID().uuidString).db")
    }

    static func plan(_ store: any Store, name: String, sampler: String = "tpe", trials: Int = 40, stages: Int = 1,
                     filters: [String] = []) async throws -> StudyPlan {
        let definition = StudyDefinition(strategy: "sma-cross", parameters: ["fast=2..30", "slow=10..80"], objectives: ["sharpe"],
                                         filters: filters, sampler: sampler, seed: 7, trials: trials, stages: stages, data: [], dataHash: "",
                                         backtestArguments: [])
        let record = try await store.createStudy(name: name, definition: definition.json, now: .epoch)
        let space = try SearchSpace(specification: SMACross.parameterSpecification, constraints: SMACross.parameterConstraints,
                                    overrides: definition.parameters)
        let chosen: any Sampler
        switch sampler {
        case "grid": chosen = try GridSampler(space: space)
        case "random": chosen = RandomSampler(seed: 7)
        default: chosen = TPESampler(seed: 7)
        }
        return StudyPlan(record: record, definition: definition, space: space, objective: try Objective(parsing: ["sharpe"], filters: filters),
                         sampler: chosen, pruner: stages > 1 ? MedianPruner(startupTrials: 5, warmupStages: 0) : nil)
    }

    static func worker(_ plan: StudyPlan, _ store: any Store, _ evaluator: SurfaceEvaluator, name: String = "w") -> StudyWorker {
        StudyWorker(plan: plan, store: store, evaluator: evaluator, name: name, now: { Timestamp(secondsSinceEpoch: 1_000) })
    }

    @Test("one worker with a seed runs the same trials in the same order, every time")
    func deterministic() async throws {
        var runs: [[String]] = []
        for _ in 0..<2 {
            let store = try await Self.store()
            let plan = try await Self.plan(store, name: "d")
            try await Self.worker(plan, store, SurfaceEvaluator()).run { _ in }
            runs.append(try await store.trials(study: plan.record.id).map(\.parameters))
            await store.close()
        }
        #expect(runs[0].count == 40 && runs[0] == runs[1])
    }

    @Test("TPE finds the optimum's neighbourhood; every trial keeps fast < slow")
    func converges() async throws {
        let store = try await Self.store()
        let plan = try await Self.plan(store, name: "c", trials: 60)
        try await Self.worker(plan, store, SurfaceEvaluator()).run { _ in }
        let trials = try await store.trials(study: plan.record.id)
        #expect(trials.allSatisfy { $0.status == .complete })
        let best = trials.compactMap(\.objective).max()!
        #expect(best > SurfaceEvaluator.sharpe(fast: 12, slow: 40) - 0.15)
        for trial in trials { let p = plan.point(trial.parameters)!; #expect(p[0] < p[1]) }
        await store.close()
    }

    @Test("identical parameters reuse the stored result instead of running again")
    func cache() async throws {
        let store = try await Self.store()
        let first = try await Self.plan(store, name: "grid-1", sampler: "grid", trials: 5)
        let evaluator = SurfaceEvaluator()
        try await Self.worker(first, store, evaluator).run { _ in }
        #expect(evaluator.calls.count == 5)
        let second = try await Self.plan(store, name: "grid-2", sampler: "grid", trials: 5)
        try await Self.worker(second, store, evaluator).run { _ in }
        #expect(evaluator.calls.count == 5)
        let reused = try await store.trials(study: second.record.id)
        #expect(reused.allSatisfy { $0.status == .complete && ($0.result ?? "").contains("\"cached\":true") })
        #expect(reused.map(\.objective) == (try await store.trials(study: first.record.id)).map(\.objective))
        await store.close()
    }

    @Test("the median pruner stops weak trials after a stage; filters fail trials that miss them")
    func pruningAndFilters() async throws {
        let store = try await Self.store()
        let plan = try await Self.plan(store, name: "p", sampler: "random", trials: 30, stages: 4)
        try await Self.worker(plan, store, SurfaceEvaluator()).run { _ in }
        let trials = try await store.trials(study: plan.record.id)
        let pruned = trials.filter { $0.status == .pruned }
        #expect(!pruned.isEmpty && pruned.count < 25)
        #expect(pruned.allSatisfy { $0.objective == nil && ($0.result ?? "").contains("intermediate") })
        let filtered = try await Self.plan(store, name: "f", sampler: "random", trials: 5, filters: ["trades>=1"])
        try await Self.worker(filtered, store, SurfaceEvaluator()).run { _ in }
        let failed = try await store.trials(study: filtered.record.id)
        #expect(failed.allSatisfy { $0.status == .failed && ($0.result ?? "").contains("trades>=1 not met (0)") })
        await store.close()
    }

    @Test("a study stopped half-way resumes without redoing finished trials, and ends at its budget")
    func resume() async throws {
        let store = try await Self.store()
        let plan = try await Self.plan(store, name: "r", trials: 20)
        let evaluator = SurfaceEvaluator()
        // A worker that "crashed" after claiming trial 0: its lease is long, but it is gone.
        _ = try await store.claimTrial(study: plan.record.id, worker: "dead", now: Timestamp(secondsSinceEpoch: 1_000),
                                       leaseUntil: Timestamp(secondsSinceEpoch: 100_000), budget: 20, isGone: { _ in false }) { _, _ in
            "size=1 fast=3 slow=20"
        }
        let resumed = StudyWorker(plan: plan, store: store, evaluator: evaluator, name: "live", isGone: { $0 == "dead" },
                                  now: { Timestamp(secondsSinceEpoch: 1_000) })
        try await resumed.run { _ in }
        let trials = try await store.trials(study: plan.record.id)
        #expect(trials.count == 20 && trials.allSatisfy { $0.status == .complete })
        #expect(trials[0].parameters == "size=1 fast=3 slow=20" && trials[0].attempts == 2)
        #expect(evaluator.calls.count == 20)
        // Nothing left: another run does nothing.
        try await resumed.run { _ in }
        #expect(evaluator.calls.count == 20)
        await store.close()
    }
}
