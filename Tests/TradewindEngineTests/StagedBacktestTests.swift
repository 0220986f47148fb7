import Testing
import TradewindCore
import TradewindMarketData
import TradewindRisk
import TradewindSimulation
import TradewindStrategy
import TradewindTesting

/// A backtest run in stages (for pruning) is the same backtest as one run straight through.
struct StagedBacktestTests {
    static let goog = try! CSVBarFile.load(path: Fixtures.exampleData("GOOG-1d.csv"))
    static let sp500 = try! CSVBarFile.load(path: Fixtures.exampleData("SP500-1d.csv"))
    static let configuration = BacktestConfiguration(startingCash: Money("100000"), fees: FeeModel(rate: Rate("0.001")))

    static func strategy() -> SMACross { try! SMACross(parameters: SMACrossParameters(fast: 10, slow: 30, size: Quantity("10"))) }

    @Test("every stage completed: the same trades, equity curve and final equity", arguments: [1, 2, 4, 7])
    func same(stages: Int) throws {
        for data in [[Self.goog], [Self.goog, Self.sp500]] {
            var source = HistoricalBarSource(data)
            let straight = try Backtest.run(Self.strategy(), source: &source, configuration: Self.configuration)
            var asked: [Int] = []
            let staged = try Backtest.run(Self.strategy(), series: data, configuration: Self.configuration, stages: stages) { _, stage in
                asked.append(stage)
                return true
            }
            #expect(staged.completed)
            #expect(asked == Array(1..<stages))
            #expect(staged.result.finalEquity == straight.finalEquity)
            #expect(staged.result.trades == straight.trades)
            #expect(staged.result.equityCurve == straight.equityCurve)
        }
    }

    @Test("stopping after a stage returns the partial run, which matches a run over those bars")
    func stopped() throws {
        let staged = try Backtest.run(Self.strategy(), series: [Self.goog], configuration: Self.configuration, stages: 4) { partial, stage in
            #expect(partial.equityCurve.count == Self.goog.bars.count * stage / 4)
            return stage < 2
        }
        #expect(!staged.completed)
        #expect(staged.result.equityCurve.count == Self.goog.bars.count / 2)
        let half = BarSeries(instrument: Self.goog.instrument, bars: Array(Self.goog.bars.prefix(Self.goog.bars.count / 2)), interval: Self.goog.interval)
        var source = HistoricalBarSource([half])
        let prefix = try Backtest.run(Self.strategy(), source: &source, configuration: Self.configuration)
        #expect(staged.result.equityCurve == prefix.equityCurve)
    }
}

/// The risk engine sits in front of every order of a backtest, as it will of a live bot.
struct BacktestRiskTests {
    @Test("a max-drawdown halt cancels working orders and denies every later order; the result records it")
    func halt() throws {
        let configuration = BacktestConfiguration(startingCash: Money("100000"), fees: FeeModel(rate: Rate("0.001")),
                                                  risk: RiskLimits(maxDrawdown: Rate("0.01")))
        let strategy = try SMACross(parameters: SMACrossParameters(fast: 10, slow: 30, size: Quantity("100")))
        var source = HistoricalBarSource([StagedBacktestTests.goog])
        let result = try Backtest.run(strategy, source: &source, configuration: configuration)
        #expect(result.tradingState == .halted)
        let halt = try #require(result.riskEvents.first)
        #expect(halt.rule == .drawdown && halt.from == .active)
        let after = result.orders.filter { $0.createdAt > halt.time }
        #expect(!after.isEmpty && after.allSatisfy { $0.status == .denied && ($0.reason ?? "").contains("trading is halted") })
        #expect(!result.orders.contains { $0.status.isWorking })
    }

    @Test("without limits the run is the same as before")
    func none() throws {
        let strategy = try SMACross(parameters: SMACrossParameters(fast: 10, slow: 30, size: Quantity("10")))
        var a = HistoricalBarSource([StagedBacktestTests.goog]), b = a
        let plain = try Backtest.run(strategy, source: &a, configuration: StagedBacktestTests.configuration)
        var limited = StagedBacktestTests.configuration
        limited.risk = RiskLimits(maxOrderNotional: Money("1000000"))
        let checked = try Backtest.run(strategy, source: &b, configuration: limited)
        #expect(plain.finalEquity == checked.finalEquity && plain.trades == checked.trades && checked.riskEvents.isEmpty)
    }
}
