import Testing
import TradewindCore
import TradewindEngine
import TradewindMarketData
import TradewindRisk
import TradewindSimulation
import TradewindStrategy
import TradewindTesting

/// A live engine drops its finished history now and then; what it decides must not change.
struct DiscardHistoryTests {
    @Test("an engine that drops its history after every bar trades exactly as one that keeps it")
    func sameDecisions() throws {
        let bars = StagedBacktestTests.goog.bars
        let instrument = StagedBacktestTests.goog.instrument
        func engine() throws -> TradingEngine<SMACross, SimulatedVenue, ManualClock> {
            var engine = try TradingEngine(strategy: StagedBacktestTests.strategy(),
                                           venue: SimulatedVenue(instruments: [instrument], fees: FeeModel(rate: Rate("0.001"))),
                                           clock: ManualClock(), instruments: [instrument], startingCash: Money("100000"))
            engine.risk = RiskEngine(limits: RiskLimits(maxOpenOrders: 3))
            return engine
        }
        var keeping = try engine(), discarding = try engine()
        var discardedWithAnOpenOrder = 0
        for bar in bars {
            try keeping.handle(BarEvent(instrument: 0, bar: bar))
            try discarding.handle(BarEvent(instrument: 0, bar: bar))
            let open = discarding.openOrders
            if !open.isEmpty { discardedWithAnOpenOrder += 1 }
            discarding.discardHistory(keepingEquityPoints: 10)
            // Unfinished orders stay, as they were; finished ones are gone.
            #expect(discarding.openOrders == open)
            #expect(discarding.orders.allSatisfy { !$0.status.isTerminal })
            #expect(discarding.fills.isEmpty && discarding.trades.isEmpty)
        }
        #expect(discardedWithAnOpenOrder > 0, "some discards must have had an order in flight")
        #expect(keeping.trades.count > 4 && keeping.orders.contains { $0.status.isTerminal })

        #expect(discarding.portfolio.equity == keeping.portfolio.equity)
        #expect(discarding.portfolio.account.cash == keeping.portfolio.account.cash)
        #expect(discarding.portfolio.positions.map(\.quantity) == keeping.portfolio.positions.map(\.quantity))
        #expect(discarding.fillCount == keeping.fills.count && keeping.fillCount == keeping.fills.count)
        #expect(discarding.attribution.map(\.fees) == keeping.attribution.map(\.fees))
        #expect(discarding.strategy.indicatorValues(instrument: 0).map(\.value) == keeping.strategy.indicatorValues(instrument: 0).map(\.value))
        #expect(Array(discarding.equityCurve) == Array(keeping.equityCurve.suffix(10)))
        #expect(discarding.barCount == keeping.barCount)
        let finished = try #require(keeping.orders.first { $0.status.isTerminal })
        #expect(discarding.order(finished.id) == nil && keeping.order(finished.id) != nil)
    }
}
