import Foundation
import Testing
import TradewindOptimization
import TradewindStrategy

struct SearchSpaceTests {
    static let specs = SMACross.parameterSpecification
    static let constraints = SMACross.parameterConstraints

    @Test("the declared parameters become dimensions; sizes stay fixed; ranges and steps override them")
    func fromSpecification() throws {
        let declared = try SearchSpace(specification: Self.specs, constraints: Self.constraints, overrides: [])
        #expect(declared.dimensions.map(\.name) == ["fast", "slow"])
        #expect(declared.dimensions[0].dimension == .int(low: 1, high: 1_000, step: 1, log: false))
        #expect(declared.fixed.map(\.name) == ["size"] && declared.fixed[0].value == "1")
        let space = try SearchSpace(specification: Self.specs, constraints: Self.constraints,
                                    overrides: ["fast=5..50", "slow=20..200:10", "size=10"])
        #expect(space.dimensions[0].dimension == .int(low: 5, high: 50, step: 1, log: false))
        #expect(space.dimensions[1].dimension == .int(low: 20, high: 200, step: 10, log: false))
        #expect(space.gridSize == 46 * 19)
        #expect(space.fixed.map(\.value) == ["10"])
        let log = try SearchSpace(specification: Self.specs, constraints: [], overrides: ["fast=2..100:log", "size=0.5..2:0.5"])
        #expect(log.dimensions.map(\.name) == ["fast", "slow", "size"])
        #expect(log.dimensions[0].dimension == .int(low: 2, high: 100, step: 1, log: true))
        #expect(log.parameters([7, 30, 1.5]).map { "\($0.name)=\($0.value)" } == ["fast=7", "slow=30", "size=1.5"])
    }

    @Test("constraints are declared by the strategy and checked on points")
    func constraints() throws {
        let space = try SearchSpace(specification: Self.specs, constraints: Self.constraints, overrides: ["fast=5..50", "slow=20..200"])
        #expect(Self.constraints.map(\.description) == ["fast < slow"])
        #expect(space.isFeasible([10, 30]))
        #expect(!space.isFeasible([30, 30]) && !space.isFeasible([40, 20]))
    }

    @Test("bad overrides name the parameter and the reason")
    func errors() {
        func reason(_ overrides: [String]) -> String? {
            do { _ = try SearchSpace(specification: Self.specs, constraints: [], overrides: overrides); return nil } catch { return error.description }
        }
        #expect(reason(["speed=1..2"])?.contains("unknown parameter") == true)
        #expect(reason(["fast=1..5", "fast=2..3"])?.contains("given twice") == true)
        #expect(reason(["fast=50..5"])?.contains("low ≤ high") == true)
        #expect(reason(["fast=0..5"])?.contains("declared range") == true)
        #expect(reason(["fast=1..5:0"])?.contains("above 0") == true)
        #expect(reason(["size=1..5"])?.contains("needs a step") == true)
        #expect(reason(["fast=10", "slow=20"])?.contains("nothing left to search") == true)
        #expect(reason(["fast=abc"]) != nil)
    }

    @Test("grid points run the last dimension fastest and skip what the constraints exclude")
    func grid() throws {
        let space = try SearchSpace(specification: Self.specs, constraints: Self.constraints, overrides: ["fast=10..30:10", "slow=20..30:10"])
        let sampler = try GridSampler(space: space)
        var points: [[Double]] = []
        while let point = sampler.suggest(number: points.count, space: space, history: []) { points.append(point) }
        #expect(points == [[10, 20], [10, 30], [20, 30]])
        let continuous = SearchSpace(dimensions: [("x", .float(low: 0, high: 1, step: nil, log: false))])
        #expect(throws: SearchSpaceError.self) { try GridSampler(space: continuous) }
    }
}

struct SamplerTests {
    static let space = SearchSpace(dimensions: [("x", .float(low: -5, high: 5, step: nil, log: false)),
                                                ("n", .int(low: 1, high: 1_000, step: 1, log: true)),
                                                ("c", .categorical(["a", "b", "c"]))])

    /// A smooth objective with its optimum at x = 1.5, n ≈ 30, c = "b" (a small bonus: TPE, like
    /// Optuna's, exploits a category that did well early rather than exploring the others).
    static func objective(_ p: [Double]) -> Double {
        let logN = log10(p[1])
        return -(p[0] - 1.5) * (p[0] - 1.5) - (logN - 1.477) * (logN - 1.477) * 4 - (p[2] == 1 ? 0 : 0.05)
    }

    @Test("random points stay in range, respect scales, and repeat for the same seed and trial number")
    func random() {
        let sampler = RandomSampler(seed: 3)
        var ns: [Double] = []
        for number in 0..<2_000 {
            let p = sampler.suggest(number: number, space: Self.space, history: [])!
            #expect(p == sampler.suggest(number: number, space: Self.space, history: [])!)
            #expect((-5...5).contains(p[0]) && (1...1_000).contains(p[1]) && p[1] == p[1].rounded() && [0, 1, 2].contains(p[2]))
            ns.append(p[1])
        }
        // Log-uniform: about a third of the draws below 10 (log10 spans 0…3).
        let small = Double(ns.filter { $0 < 10 }.count) / Double(ns.count)
        #expect(small > 0.25 && small < 0.40)
        #expect(RandomSampler(seed: 4).suggest(number: 0, space: Self.space, history: []) != sampler.suggest(number: 0, space: Self.space, history: []))
    }

    static func run(_ sampler: some Sampler, trials: Int) -> (best: Double, points: [[Double]]) {
        var history: [Observation] = []
        for number in 0..<trials {
            let point = sampler.suggest(number: number, space: Self.space, history: history)!
            history.append(Observation(point: point, score: objective(point)))
        }
        return (history.map { $0.score! }.max()!, history.map(\.point))
    }

    @Test("TPE beats random search on the same budget (median over 9 seeds) and repeats exactly for a seed")
    func tpe() {
        var tpeBest: [Double] = [], randomBest: [Double] = []
        for seed in 1...9 as ClosedRange<UInt64> {
            tpeBest.append(Self.run(TPESampler(seed: seed), trials: 60).best)
            randomBest.append(Self.run(RandomSampler(seed: seed), trials: 60).best)
        }
        #expect(tpeBest.sorted()[4] > randomBest.sorted()[4])
        #expect(tpeBest.sorted()[4] > -0.15)
        #expect(Self.run(TPESampler(seed: 5), trials: 30).points == Self.run(TPESampler(seed: 5), trials: 30).points)
    }

    @Test("TPE keeps to declared constraints")
    func constrained() throws {
        let space = try SearchSpace(specification: SMACross.parameterSpecification, constraints: SMACross.parameterConstraints,
                                    overrides: ["fast=2..100", "slow=10..300"])
        let sampler = TPESampler(seed: 1)
        var history: [Observation] = []
        for number in 0..<40 {
            let p = sampler.suggest(number: number, space: space, history: history)!
            #expect(p[0] < p[1])
            history.append(Observation(point: p, score: -abs(p[0] - 20) - abs(p[1] - 100) / 5))
        }
    }
}

struct ObjectiveTests {
    @Test("objectives and filters parse, with natural directions and clear errors")
    func parsing() throws {
        let objective = try Objective(parsing: ["sharpe", "volatility", "max-drawdown:min"], filters: ["trades>=30", "max-drawdown>-0.2"])
        #expect(objective.targets.map(\.maximize) == [true, false, false])
        #expect(objective.filters.map(\.description) == ["trades>=30", "max-drawdown>-0.2"])
        #expect(objective.description.hasPrefix("maximize sharpe, minimize volatility"))
        #expect(throws: ObjectiveError.self) { try Objective(parsing: ["sharp"], filters: []) }
        #expect(throws: ObjectiveError.self) { try Objective(parsing: ["sharpe:up"], filters: []) }
        #expect(throws: ObjectiveError.self) { try Objective(parsing: ["sharpe"], filters: ["trades=3"]) }
        #expect(throws: ObjectiveError.self) { try Objective(parsing: ["sharpe"], filters: ["trades>=x"]) }
        #expect(throws: ObjectiveError.self) { try Objective(parsing: [], filters: []) }
    }

    @Test("the Pareto front keeps exactly the non-dominated trials")
    func pareto() throws {
        let objective = try Objective(parsing: ["sharpe", "max-drawdown"], filters: [])
        // (sharpe, max drawdown as printed: negative, closer to 0 is better)
        let values: [[Double]] = [[1.0, -0.20], [0.8, -0.10], [0.9, -0.25], [1.2, -0.30], [0.8, -0.10], [0.5, -0.05]]
        #expect(objective.paretoFront(values) == [0, 1, 3, 4, 5])
    }

    @Test("the median pruner waits for its start-up trials and warm-up, then stops the below-median")
    func pruner() {
        let pruner = MedianPruner(startupTrials: 3, warmupStages: 1)
        #expect(!pruner.shouldPrune(stage: 2, score: -1, finished: [1, 2]))
        #expect(!pruner.shouldPrune(stage: 1, score: -1, finished: [1, 2, 3]))
        #expect(pruner.shouldPrune(stage: 2, score: 1.5, finished: [1, 2, 3]))
        #expect(!pruner.shouldPrune(stage: 2, score: 2, finished: [1, 2, 3]))
        #expect(!pruner.shouldPrune(stage: 2, score: 2.5, finished: [1, 2, 3, 4]))
        #expect(pruner.shouldPrune(stage: 2, score: nil, finished: [1, 2, 3]))
    }
}
