import Testing
import TradewindCore
import TradewindEngine
import TradewindMarketData
import TradewindSimulation
import TradewindStrategy
import TradewindTesting

/// Brackets and one-cancels-the-other groups, end to end through the engine and the venue.
@Suite("Bracket and OCO orders")
struct ContingentOrderTests {
    let id = BarBuilder.instrument.id

    // Bar 1 path (low nearer the open): 10.60 → 10.20 → 12.00 → 11.80.
    let bars = [
        BarBuilder.daily("2024-01-01", "10", "11", "9", "10.5"),
        BarBuilder.daily("2024-01-02", "10.6", "12", "10.2", "11.8"),
        BarBuilder.daily("2024-01-03", "11.9", "12.5", "11", "12"),
    ]

    func run(_ script: [Int: [ScriptedStrategy.Action]], bars: [Bar]? = nil, account: AccountType = .cash)
        throws -> (BacktestResult, ScriptedStrategy) {
        var engine = try TradingEngine(strategy: ScriptedStrategy(script: script),
                                   venue: SimulatedVenue(instruments: [BarBuilder.instrument], fees: .free),
                                   clock: SimulatedClock(), instruments: [BarBuilder.instrument], startingCash: Money("10000"),
                                   accountType: account)
        var source = HistoricalBarSource([BarBuilder.series(bars ?? self.bars)])
        while let event = source.next() { try engine.handle(event) }
        try engine.stop()
        var again = HistoricalBarSource([BarBuilder.series(bars ?? self.bars)])
        let result = try Backtest.run(ScriptedStrategy(script: script), source: &again,
                                      configuration: BacktestConfiguration(startingCash: Money("10000"), accountType: account))
        return (result, engine.strategy)
    }

    func entry(_ side: OrderSide = .buy, _ type: OrderType = .market, _ tif: TimeInForce = .gtc) -> OrderRequest {
        OrderRequest(instrumentID: id, side: side, quantity: Quantity("10"), type: type, timeInForce: tif)
    }

    @Test("exits activate at the entry's fill and, in the same bar, the stop-loss reached first wins and cancels the take-profit")
    func stopLossFirst() throws {
        let (result, strategy) = try run([0: [.bracket(entry(), takeProfit: Price("11.50"), stopLoss: Price("10.30"))]])
        #expect(result.fills.map(\.price) == [Price("10.6"), Price("10.3")])
        #expect(result.fills.map(\.orderID.value) == ["scripted-1", "scripted-3"])
        #expect(result.orders.map(\.status) == [.filled, .canceled, .filled])
        #expect(result.openPositions.isEmpty)
        // The stop filled at the path's second point, a third of the way into the day.
        #expect(result.fills[1].timestamp.iso8601 == "2024-01-02T08:00:00Z")
        #expect(strategy.orderUpdates.contains { $0.id.value == "scripted-2" && $0.status == .canceled })
    }

    @Test("a take-profit reached before the stop fills at its limit and cancels the stop")
    func takeProfitFirst() throws {
        let (result, _) = try run([0: [.bracket(entry(), takeProfit: Price("11.50"), stopLoss: Price("10.00"))]])
        #expect(result.fills.map(\.price) == [Price("10.6"), Price("11.5")])
        #expect(result.orders.map(\.status) == [.filled, .filled, .canceled])
        #expect(result.fills[1].liquidity == .maker)
    }

    @Test("exits are held while the entry works and cancelled with it if it never fills")
    func entryNeverFills() throws {
        let (result, strategy) = try run([
            0: [.bracket(entry(.buy, .limit(price: Price("5"))), takeProfit: Price("20"), stopLoss: Price("4"))],
            1: [.cancelNth(1)],
        ])
        #expect(result.fills.isEmpty)
        #expect(result.orders.map(\.status) == [.canceled, .canceled, .canceled])
        #expect(strategy.orderUpdates.filter { $0.status == .canceled }.count == 3)
    }

    @Test("an entry that ends part-filled shrinks its exits to the filled quantity")
    func partialEntry() throws {
        // 10 % participation of 50 traded = 5 of the 10 wanted; IOC cancels the rest.
        let thin = [
            BarBuilder.daily("2024-01-01", "10", "11", "9", "10.5"),
            BarBuilder.daily("2024-01-02", "10.6", "12", "10.2", "11.8", volume: "50"),
            BarBuilder.daily("2024-01-03", "11.9", "12.5", "11", "12"),
        ]
        var engine = try TradingEngine(strategy: ScriptedStrategy(script: [0: [.bracket(entry(.buy, .market, .ioc), takeProfit: Price("12.40"), stopLoss: Price("9"))]]),
                                   venue: SimulatedVenue(instruments: [BarBuilder.instrument], fees: .free,
                                                         fillModel: FillModel(participation: Rate("0.1"))),
                                   clock: SimulatedClock(), instruments: [BarBuilder.instrument], startingCash: Money("10000"))
        var source = HistoricalBarSource([BarBuilder.series(thin)])
        while let event = source.next() { try engine.handle(event) }
        #expect(engine.fills.map(\.quantity) == [Quantity("5"), Quantity("5")])
        #expect(engine.orders.map(\.quantity) == [Quantity("10"), Quantity("5"), Quantity("5")])
        #expect(engine.orders.map(\.status) == [.canceled, .filled, .canceled])
        #expect(engine.portfolio.positions[0].isFlat)
    }

    @Test("an OCO pair: the member reached first on the path fills, the other is cancelled")
    func ocoPair() throws {
        // Buy limit 10.30 (reached at the path's low, second point) vs buy stop 11.90 (third point).
        let (result, _) = try run([0: [.oco([entry(.buy, .limit(price: Price("10.30"))), entry(.buy, .stop(trigger: Price("11.90")))])]])
        #expect(result.fills.map(\.price) == [Price("10.3")])
        #expect(result.orders.map(\.status) == [.filled, .canceled])
    }

    @Test("cancelling one member of an OCO group cancels the others")
    func ocoCancel() throws {
        let (result, _) = try run([
            0: [.oco([entry(.buy, .limit(price: Price("5"))), entry(.buy, .stop(trigger: Price("50")))])],
            1: [.cancelNth(2)],
        ])
        #expect(result.orders.map(\.status) == [.canceled, .canceled])
    }

    @Test("a cash account counts an OCO group's sells once against the position")
    func ocoSellsCountedOnce() throws {
        let (result, _) = try run([
            0: [.submit(entry())],
            1: [.oco([entry(.sell, .limit(price: Price("20"))), entry(.sell, .stop(trigger: Price("5")))])],
        ])
        #expect(result.orders.map(\.status) == [.filled, .accepted, .accepted])
    }
}
