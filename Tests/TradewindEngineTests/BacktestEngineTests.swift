import Testing
import TradewindCore
import TradewindEngine
import TradewindMarketData
import TradewindSimulation
import TradewindStrategy
import TradewindTesting

@Suite("Backtest engine")
struct BacktestEngineTests {
    let id = BarBuilder.instrument.id

    func run(_ bars: [Bar], _ script: [Int: [ScriptedStrategy.Action]], cash: String = "10000", commission: String = "0",
             account: AccountType = .cash) throws -> (BacktestResult, [Order]) {
        var source = HistoricalBarSource([BarBuilder.series(bars)])
        let result = try Backtest.run(ScriptedStrategy(script: script), source: &source,
                                      configuration: BacktestConfiguration(startingCash: Money(cash), fees: FeeModel(rate: Rate(commission)),
                                                                           accountType: account))
        return (result, result.orders)
    }

    func buy(_ quantity: String, _ type: OrderType = .market, _ tif: TimeInForce = .gtc) -> ScriptedStrategy.Action {
        .submit(OrderRequest(instrumentID: id, side: .buy, quantity: Quantity(quantity), type: type, timeInForce: tif))
    }

    func sell(_ quantity: String, _ type: OrderType = .market) -> ScriptedStrategy.Action {
        .submit(OrderRequest(instrumentID: id, side: .sell, quantity: Quantity(quantity), type: type))
    }

    let bars = [
        BarBuilder.daily("2024-01-01", "10", "11", "9", "10.5"),
        BarBuilder.daily("2024-01-02", "10.6", "12", "10.2", "11.8"),
        BarBuilder.daily("2024-01-03", "11.9", "12.5", "11", "12"),
        BarBuilder.daily("2024-01-04", "12.2", "12.4", "10", "10.5"),
    ]

    @Test("a market order fills at the next bar's open with commission; equity is marked at each close")
    func marketAtNextOpen() throws {
        let (result, orders) = try run(bars, [0: [buy("100")], 2: [sell("100")]], commission: "0.001")
        #expect(result.fills.count == 2)
        #expect(result.fills[0].price == Price("10.6"))
        #expect(result.fills[0].timestamp.iso8601 == "2024-01-02T00:00:00Z")
        #expect(result.fills[0].fee == Money("1.06"))
        #expect(result.fills[1].price == Price("12.2"))
        #expect(result.fills[1].fee == Money("1.22"))
        #expect(orders.map(\.status) == [.filled, .filled])
        // Equity: 10000 at day 1; day 2 close 11.8: 10000 − 1060 − 1.06 + 1180; day 3 close 12: +20 more; day 4 flat.
        #expect(result.equityCurve.map(\.equity) == [Money("10000"), Money("10118.94"), Money("10138.94"), Money("10157.72")])
        #expect(result.equityCurve[0].time.iso8601 == "2024-01-02T00:00:00Z")  // stamped at the bar's close
        #expect(result.trades.count == 1)
        #expect(result.trades[0].pnl == Money("157.72"))  // 100 × 1.6 − 2.28
        #expect(result.finalEquity == Money("10157.72"))
        #expect(result.feesPaid == Money("2.28"))
    }

    @Test("the strategy sees fills before the bar whose open filled them")
    func fillBeforeBar() throws {
        var source = HistoricalBarSource([BarBuilder.series(bars)])
        var engine = try TradingEngine(strategy: ScriptedStrategy(script: [0: [buy("10")]]), venue: SimulatedVenue(instruments: [BarBuilder.instrument], fees: .free),
                                   clock: ManualClock(), instruments: [BarBuilder.instrument], startingCash: Money("1000"))
        while let event = source.next() { try engine.handle(event) }
        try engine.stop()
        #expect(engine.strategy.fillsSeen.count == 1)
        #expect(engine.strategy.started && engine.strategy.stopped)
        // The clock saw each bar's open (for fills) and close (for the strategy), in order.
        #expect(engine.clock.observed.count == 8)
        #expect(engine.clock.observed == engine.clock.observed.sorted())
    }

    @Test("a cash account denies a buy beyond its cash and a sell beyond its position")
    func cashAccountChecks() throws {
        let (_, orders) = try run(bars, [0: [buy("10000")], 1: [sell("1")]])
        #expect(orders.map(\.status) == [.denied, .denied])
        #expect(orders[0].reason?.hasPrefix("insufficient cash") == true)
        #expect(orders[1].reason?.hasPrefix("cash account cannot sell short") == true)
    }

    @Test("a margin account may go short")
    func marginShort() throws {
        let (result, _) = try run(bars, [0: [sell("10")]], account: .margin)
        #expect(result.openPositions.first?.quantity == Quantity("-10"))
        // Short 10 at 10.6, last close 10.5: equity 10000 + 106 − 105.
        #expect(result.finalEquity == Money("10001"))
    }

    @Test("limit orders fill at the limit when touched and at the open when the bar gaps through")
    func limits() throws {
        let (touched, _) = try run(bars, [0: [buy("1", .limit(price: Price("10.4")))]])
        #expect(touched.fills.first?.price == Price("10.4"))
        #expect(touched.fills.first?.liquidity == .maker)
        let (gapped, _) = try run(bars, [2: [sell("0")], 0: [buy("1")], 1: [sell("1", .limit(price: Price("11.5")))]])
        #expect(gapped.fills.last?.price == Price("11.9"))  // opened above the limit
    }

    @Test("stop orders trigger on touch and fill at the trigger, or at the open on a gap")
    func stops() throws {
        let (result, orders) = try run(bars, [0: [buy("1", .stop(trigger: Price("11.5")))], 2: [sell("1", .stop(trigger: Price("10.8")))]])
        #expect(result.fills.map(\.price) == [Price("11.5"), Price("10.8")])
        #expect(orders.map(\.status) == [.filled, .filled])
    }

    @Test("IOC orders that cannot fill on the first bar are cancelled; DAY orders expire")
    func timeInForce() throws {
        let (_, orders) = try run(bars, [0: [buy("1", .limit(price: Price("5")), .ioc), buy("1", .limit(price: Price("5")), .day)]])
        #expect(orders.map(\.status) == [.canceled, .expired])
    }

    @Test("a working order can be cancelled")
    func cancel() throws {
        let (result, orders) = try run(bars, [0: [buy("1", .limit(price: Price("5")))], 1: [.cancelNth(1)]])
        #expect(orders.map(\.status) == [.canceled])
        #expect(result.fills.isEmpty)
    }

    @Test("a reduce-only order that would open or grow a position is denied with its reason")
    func reduceOnly() throws {
        func reducing(_ side: OrderSide, _ quantity: String) -> ScriptedStrategy.Action {
            .submit(OrderRequest(instrumentID: id, side: side, quantity: Quantity(quantity), reduceOnly: true))
        }
        let (_, orders) = try run(bars, [0: [reducing(.sell, "1"), buy("5")], 1: [reducing(.buy, "1"), reducing(.sell, "6"), reducing(.sell, "5")]])
        #expect(orders.map(\.status) == [.denied, .filled, .denied, .denied, .filled])
        #expect(orders[0].reason?.contains("reduce-only order would open or grow a position") == true)
    }

    @Test("an off-tick price is rejected by the venue")
    func offTick() throws {
        let (_, orders) = try run(bars, [0: [buy("1", .limit(price: Price("10.005")))]])
        #expect(orders.map(\.status) == [.rejected])
    }

    @Test("an error thrown by the strategy stops the run and names the hook and time")
    func strategyError() {
        #expect {
            _ = try run(bars, [1: [.fail("boom")]])
        } throws: { error in
            guard case BacktestError.engine(.strategy(.callbackFailed(let name, let event, let at, let reason))) = error else { return false }
            return name == "scripted" && event == "onBar" && at == "2024-01-03T00:00:00Z" && reason == "boom"
        }
    }

    @Test("a fill replayed by the venue is dropped, never double-counted")
    func duplicateFillFromVenue() throws {
        let venue = ScriptedVenue()
        var engine = try TradingEngine(strategy: ScriptedStrategy(script: [0: [buy("1")]]), venue: venue, clock: ManualClock(),
                                   instruments: [BarBuilder.instrument], startingCash: Money("1000"))
        try engine.handle(BarEvent(instrument: 0, bar: bars[0]))
        let fill = Fill(orderID: ClientOrderID("scripted-1"), tradeID: TradeID("X-1"), instrumentID: id, side: .buy, quantity: Quantity("1"),
                        price: Price("10"), fee: .zero, liquidity: .taker, timestamp: bars[1].openTime)
        try engine.handle(reports: [ExecutionReport(orderID: ClientOrderID("scripted-1"), event: .fill(fill))])
        try engine.handle(reports: [ExecutionReport(orderID: ClientOrderID("scripted-1"), event: .fill(fill))])
        #expect(engine.fills.count == 1)
        #expect(engine.portfolio.positions[0].quantity == Quantity("1"))
        #expect(throws: EngineError.unknownOrder(ClientOrderID("nobody"))) {
            try engine.handle(reports: [ExecutionReport(orderID: ClientOrderID("nobody"), event: .cancel(at: .epoch))])
        }
    }

    @Test("same data and parameters give identical results")
    func determinism() throws {
        let series = BarSeries(instrument: BarBuilder.instrument, bars: RandomWalk(seed: 42).bars(count: 20_000), interval: .fixed(.minutes(1)))
        func once() throws -> BacktestResult {
            var source = HistoricalBarSource([series])
            return try Backtest.run(SMACross.make([("fast", "10"), ("slow", "30")]), source: &source,
                                    configuration: BacktestConfiguration(startingCash: Money("100000"), fees: FeeModel(rate: Rate("0.001"))))
        }
        let a = try once()
        let b = try once()
        #expect(a.trades.count > 50)
        #expect(a.trades == b.trades)
        #expect(a.equityCurve == b.equityCurve)
        #expect(a.finalEquity == b.finalEquity)
    }

    @Test("two instruments are merged by close time and marked separately")
    func twoInstruments() throws {
        let other = try Instrument(id: InstrumentID(symbol: "OTHER", venue: "SIM"), pricePrecision: 2, sizePrecision: 0)
        let a = BarBuilder.series(Array(bars.prefix(2)))
        let b = BarSeries(instrument: other, bars: [BarBuilder.daily("2024-01-01", "50"), BarBuilder.daily("2024-01-02", "55")], interval: nil)
        var source = HistoricalBarSource([a, b])
        let script: [Int: [ScriptedStrategy.Action]] = [1: [.submit(.market(.buy, Quantity("2"), of: other.id))]]
        let result = try Backtest.run(ScriptedStrategy(script: script), source: &source,
                                      configuration: BacktestConfiguration(startingCash: Money("1000")))
        #expect(result.barCount == 4)
        #expect(result.equityCurve.count == 2)  // one point per close time
        #expect(result.fills.first?.price == Price("55"))
        #expect(result.finalEquity == Money("1000"))
    }
}
