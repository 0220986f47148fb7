import Testing
import TradewindCore
import TradewindEngine
import TradewindSimulation
import TradewindStrategy
import TradewindTesting

/// The same engine on quotes (bid/ask) and trade prints.
@Suite("Quote and tick backtests")
struct QuoteAndTickBacktestTests {
    let instrument = BarBuilder.instrument
    let t0 = Timestamp(iso8601: "2024-03-01T14:30:00Z")!

    func quote(_ second: Int64, _ bid: String, _ ask: String, bidSize: String = "100", askSize: String = "100") -> MarketEvent {
        .quote(QuoteEvent(instrument: 0, quote: Quote(time: t0 + .seconds(second), bid: Price(bid), ask: Price(ask),
                                                      bidSize: Quantity(bidSize), askSize: Quantity(askSize))))
    }

    func trade(_ second: Int64, _ price: String, _ size: String) -> MarketEvent {
        .trade(TradeTickEvent(instrument: 0, tick: Tick(time: t0 + .seconds(second), price: Price(price), size: Quantity(size))))
    }

    func order(_ side: OrderSide, _ quantity: String, _ type: OrderType = .market) -> ScriptedStrategy.Action {
        .submit(OrderRequest(instrumentID: instrument.id, side: side, quantity: Quantity(quantity), type: type))
    }

    func run(_ events: [MarketEvent], _ script: [Int: [ScriptedStrategy.Action]], fill: FillModel = .standard) throws -> BacktestResult {
        try Backtest.run(ScriptedStrategy(script: script), instruments: [instrument], events: events,
                         configuration: BacktestConfiguration(startingCash: Money("100000"), fees: FeeModel(maker: Rate("0"), taker: Rate("0.001")),
                                                              fillModel: fill))
    }

    @Test("market orders take the other side of the book: buys pay the ask, sells get the bid")
    func marketTakesTheBook() throws {
        let result = try run([quote(0, "99.98", "100.02"), quote(1, "100.00", "100.04"), quote(2, "100.10", "100.12"), quote(3, "100.10", "100.12")],
                             [0: [order(.buy, "10")], 2: [order(.sell, "10")]])
        #expect(result.fills.map(\.price) == [Price("100.04"), Price("100.10")])
        #expect(result.fills.map(\.liquidity) == [.taker, .taker])
        #expect(result.fills[0].timestamp == t0 + .seconds(1))
        // Marked at the mid: 100.02 at the second quote → 10 × (100.02 − 100.04) − fee.
        #expect(result.equityCurve[1].equity == Money("100000") - Money("0.2") - Money("1.0004"))
    }

    @Test("a market order larger than the displayed size fills what is shown and keeps working")
    func displayedSizeCaps() throws {
        let result = try run([quote(0, "99.98", "100.02"), quote(1, "100.00", "100.04", askSize: "30"), quote(2, "100.00", "100.05", askSize: "500")],
                             [0: [order(.buy, "50")]])
        #expect(result.fills.map(\.quantity) == [Quantity("30"), Quantity("20")])
        #expect(result.fills.map(\.price) == [Price("100.04"), Price("100.05")])
        #expect(result.orders[0].status == .filled)
    }

    @Test("a resting buy limit fills at its limit as maker once the ask comes down to it")
    func restingLimitOnQuotes() throws {
        let result = try run([quote(0, "99.98", "100.02"), quote(1, "99.97", "100.01"), quote(2, "99.94", "99.99"), quote(3, "99.90", "99.95")],
                             [0: [order(.buy, "10", .limit(price: Price("100.00")))]])
        #expect(result.fills.map(\.price) == [Price("100.00")])
        #expect(result.fills[0].liquidity == .maker)
        #expect(result.fills[0].fee == Money("0"))
        #expect(result.fills[0].timestamp == t0 + .seconds(2))
    }

    @Test("a sell stop triggers on the bid, not the ask")
    func stopOnBid() throws {
        let result = try run([quote(0, "100.00", "100.02"), quote(1, "99.95", "100.20"), quote(2, "99.89", "99.93")],
                             [0: [order(.buy, "10")], 1: [order(.sell, "10", .stop(trigger: Price("99.90")))]])
        #expect(result.fills.map(\.price) == [Price("100.20"), Price("99.89")])
    }

    @Test("trade prints: a market order fills at the next print, capped by its size")
    func tradePrints() throws {
        let result = try run([trade(0, "50.00", "5"), trade(1, "50.10", "3"), trade(2, "50.20", "10")], [0: [order(.buy, "6")]])
        #expect(result.fills.map(\.price) == [Price("50.10"), Price("50.20")])
        #expect(result.fills.map(\.quantity) == [Quantity("3"), Quantity("3")])
    }

    @Test("events out of time order are refused")
    func outOfOrder() throws {
        #expect(throws: BacktestError.self) { try run([quote(5, "1", "2"), quote(1, "1", "2")], [:]) }
    }
}
