import Foundation
import Testing
@testable import TradewindAnalytics
import TradewindCore
import TradewindTesting

/// Deflated Sharpe ratio and CSCV probability of backtest overfitting against an independent
/// numpy/scipy implementation: Tests/Fixtures/overfitting/generate.py (its output is committed).
struct OverfittingTests {
    static let directory = Fixtures.repositoryRoot + "/Tests/Fixtures/overfitting/"

    static func load() throws -> (trials: [[Double]], expected: [String: Any]) {
        let csv = try String(contentsOfFile: directory + "trials.csv", encoding: .utf8)
        let rows = csv.split(separator: "\n").map { $0.split(separator: ",").map { Double(String($0))! } }
        let trials = rows[0].indices.map { column in rows.map { $0[column] } }
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "expected.json"))
        return (trials, try JSONSerialization.jsonObject(with: data) as! [String: Any])
    }

    static func close(_ a: Double, _ b: Double, _ tolerance: Double = 1e-9) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test("normal quantile matches scipy.stats.norm.ppf from 1e-10 to 1 − 1e-5")
    func quantiles() throws {
        let expected = try Self.load().expected["normal_quantiles"] as! [String: Double]
        for (p, value) in expected {
            #expect(Self.close(Normal.quantile(Double(p)!), value, 1e-12), "p = \(p)")
        }
        #expect(Normal.quantile(0) == -.infinity && Normal.quantile(1) == .infinity)
    }

    @Test("deflated Sharpe ratio matches the reference")
    func deflated() throws {
        let (trials, expected) = try Self.load()
        let result = try #require(Overfitting.deflatedSharpe(trials: trials))
        #expect(result.trials == 20)
        #expect(Self.close(result.sharpe, expected["best_sharpe"] as! Double))
        #expect(Self.close(result.benchmark, expected["expected_max_sharpe"] as! Double))
        let shape = Overfitting.moments(trials[expected["best_trial"] as! Int])
        #expect(Self.close(shape.skew, expected["skew"] as! Double))
        #expect(Self.close(shape.kurtosis, expected["kurtosis"] as! Double))
        #expect(Self.close(try #require(result.probability), expected["deflated_sharpe"] as! Double))
    }

    @Test("CSCV probability of backtest overfitting matches the reference", arguments: [8, 16])
    func pbo(blocks: Int) throws {
        let (trials, expected) = try Self.load()
        let reference = expected["pbo_\(blocks)"] as! [String: Any]
        let result = try #require(Overfitting.probabilityOfOverfitting(trials: trials, blocks: blocks))
        #expect(result.splits == reference["splits"] as! Int)
        #expect(Self.close(result.probability, reference["probability"] as! Double))
        #expect(Self.close(result.probabilityOfLoss, reference["probability_of_loss"] as! Double))
        #expect(Self.close(result.medianLogit, reference["median_logit"] as! Double))
    }

    @Test("pure noise overfits about half the time; one real edge among noise does not")
    func behaviour() {
        var generator = SplitMix64(seed: 7)
        func noise(_ drift: Double) -> [Double] { (0..<1_000).map { _ in drift + generator.gaussian() * 0.01 } }
        let noiseOnly = (0..<30).map { _ in noise(0) }
        let overfit = Overfitting.probabilityOfOverfitting(trials: noiseOnly, blocks: 10)!
        #expect(overfit.probability > 0.3 && overfit.probability < 0.7)
        var withEdge = noiseOnly
        withEdge[12] = noise(0.003)
        let robust = Overfitting.probabilityOfOverfitting(trials: withEdge, blocks: 10)!
        #expect(robust.probability < 0.05)
        // The edge's Sharpe (≈ 0.3 a bar) towers over the best of 30 noise trials (≈ 0.07).
        #expect(Overfitting.deflatedSharpe(trials: withEdge)!.probability! > 0.99)
        #expect(Overfitting.deflatedSharpe(trials: noiseOnly)!.probability! < 0.95)
    }

    @Test("degenerate input gives no answer rather than a made-up one")
    func degenerate() {
        #expect(Overfitting.probabilityOfOverfitting(trials: [[0.1, 0.2, 0.3]], blocks: 2) == nil)
        #expect(Overfitting.probabilityOfOverfitting(trials: [[1, 2, 3], [1, 2, 3]], blocks: 16) == nil)
        #expect(Overfitting.probabilityOfOverfitting(trials: [[1, 2, 3, 4], [1, 2, 3, 4]], blocks: 3) == nil)
        #expect(Overfitting.deflatedSharpe(trials: [[0, 0, 0]]) == nil)
        #expect(Overfitting.combinations(of: 4, choosing: 2).count == 6)
    }
}

extension SplitMix64 {
    /// Box–Muller; (0, 1] keeps the logarithm finite.
    mutating func gaussian() -> Double { (-2 * log(1 - nextUnitDouble())).squareRoot() * cos(2 * .pi * nextUnitDouble()) }
}
