import Testing
import TradewindAnalytics

@Suite("Monte Carlo resampling of trades")
struct MonteCarloTests {
    static let trades: [Double] = (0..<300).map { i in Double((i * 7919) % 401) - 190 }

    @Test("reshuffling keeps every path's final equity and varies its drawdown")
    func reshuffle() {
        let result = MonteCarlo.run(tradePnL: Self.trades, startingEquity: 100_000, configuration: .init(paths: 2_000, method: .reshuffle, seed: 3))
        let total = 100_000 + Self.trades.reduce(0, +)
        #expect(abs(result.finalEquity.p5 - total) < 1e-6 && abs(result.finalEquity.p95 - total) < 1e-6)
        #expect(result.maxDrawdown.p5 < result.maxDrawdown.p95)
        #expect(result.maxDrawdown.p95 <= 0)
        #expect(result.paths == 2_000 && result.trades == 300)
    }

    @Test("the same seed gives the same result whatever the scheduling; another seed differs")
    func determinism() {
        let a = MonteCarlo.run(tradePnL: Self.trades, startingEquity: 10_000, configuration: .init(paths: 1_000, method: .bootstrap, seed: 11))
        let b = MonteCarlo.run(tradePnL: Self.trades, startingEquity: 10_000, configuration: .init(paths: 1_000, method: .bootstrap, seed: 11))
        let c = MonteCarlo.run(tradePnL: Self.trades, startingEquity: 10_000, configuration: .init(paths: 1_000, method: .bootstrap, seed: 12))
        #expect(a == b)
        #expect(a != c)
        #expect(a.finalEquity.p5 < a.finalEquity.p95)
    }

    @Test("two trades: both orders occur, with the drawdowns worked out by hand")
    func byHand() {
        // +100 then −100 from 1,000: peak 1,100, fall to 1,000 → −1/11. −100 first: 1,000 → 900 → −0.1.
        let result = MonteCarlo.run(tradePnL: [100, -100], startingEquity: 1_000, configuration: .init(paths: 4_000, seed: 5))
        #expect(abs(result.maxDrawdown.p5 - -0.1) < 1e-12)
        #expect(abs(result.maxDrawdown.p95 - -1.0 / 11) < 1e-12)
    }

    @Test("ruin: a loss beyond the threshold ruins every path")
    func ruin() {
        let lossy = MonteCarlo.run(tradePnL: [-600, 50, 50], startingEquity: 1_000, configuration: .init(paths: 500, ruinThreshold: 0.5))
        #expect(lossy.probabilityOfRuin == 1)
        let safe = MonteCarlo.run(tradePnL: [10, 20, 30], startingEquity: 1_000, configuration: .init(paths: 500, method: .bootstrap))
        #expect(safe.probabilityOfRuin == 0 && safe.maxDrawdown.p5 == 0)
    }
}

@Suite("Monte Carlo fan chart")
struct MonteCarloFanTests {
    @Test("the fan's last point is the final-equity distribution; points are spread over the trades")
    func fan() {
        let trades: [Double] = (0..<100).map { Double(($0 * 31) % 17) - 8 }
        let result = MonteCarlo.run(tradePnL: trades, startingEquity: 1_000, configuration: .init(paths: 500, method: .bootstrap, seed: 2))
        #expect(result.fan.count == MonteCarlo.fanSteps)
        #expect(result.fan.last?.trades == 100)
        #expect(result.fan.last?.equity == result.finalEquity)
        #expect(zip(result.fan, result.fan.dropFirst()).allSatisfy { $0.trades < $1.trades })
        #expect(result.fan.allSatisfy { $0.equity.p5 <= $0.equity.p50 && $0.equity.p50 <= $0.equity.p95 })
        let short = MonteCarlo.run(tradePnL: [5, -3, 2], startingEquity: 100, configuration: .init(paths: 50, seed: 1))
        #expect(short.fan.map(\.trades) == [1, 2, 3])
    }
}
