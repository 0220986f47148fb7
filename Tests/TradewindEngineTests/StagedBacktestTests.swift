import Testing
import TradewindCore
import TradewindEngine
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

/// The engine skips the per-bar copy-on-write checks inside a batch of bars (one check per
/// batch); an engine copied between batches must still be a value.
struct EngineValueTests {
    @Test("an engine copied mid-run is a value: the original runs on without touching the copy, and the copy then runs to the same result")
    func copiedMidRun() throws {
        let bars = StagedBacktestTests.goog.bars
        let instrument = StagedBacktestTests.goog.instrument
        var original = try TradingEngine(strategy: StagedBacktestTests.strategy(),
                                         venue: SimulatedVenue(instruments: [instrument], fees: FeeModel(rate: Rate("0.001"))),
                                         clock: ManualClock(), instruments: [instrument], startingCash: Money("100000"))
        let half = bars.count / 2
        try bars[..<half].withUnsafeBufferPointer { buffer throws(EngineError) in try original.handle(bars: buffer, instrument: 0) }
        let copy = original
        let marks = copy.portfolio.marks, equity = copy.portfolio.equity, values = copy.strategy.indicatorValues(instrument: 0).map(\.value)

        try bars[half...].withUnsafeBufferPointer { buffer throws(EngineError) in try original.handle(bars: buffer, instrument: 0) }
        #expect(original.equityCurve.count == bars.count && copy.equityCurve.count == half)
        #expect(copy.portfolio.marks == marks && copy.portfolio.equity == equity)
        #expect(copy.strategy.indicatorValues(instrument: 0).map(\.value) == values)
        #expect(original.portfolio.marks != marks)

        var resumed = copy
        for bar in bars[half...] { try resumed.handle(BarEvent(instrument: 0, bar: bar)) }
        #expect(resumed.equityCurve == original.equityCurve)
        #expect(resumed.trades == original.trades && !original.trades.isEmpty)
        #expect(resumed.portfolio.equity == original.portfolio.equity)
        #expect(copy.equityCurve.count == half && copy.portfolio.marks == marks)
    }
}
