import Testing
import TradewindCore
import TradewindEngine
import TradewindMarketData
import TradewindSimulation
import TradewindStrategy
import TradewindTesting

@Suite("Margin accounts and perpetual funding")
struct MarginAndFundingTests {
    let id = BarBuilder.instrument.id
    /// 5× leverage, 10 % maintenance.
    let policy = try! MarginPolicy(leverage: 5, maintenanceRate: Rate("0.1"))

    func order(_ side: OrderSide, _ quantity: String) -> ScriptedStrategy.Action {
        .submit(OrderRequest(instrumentID: id, side: side, quantity: Quantity(quantity)))
    }

    func run(_ bars: [Bar], _ script: [Int: [ScriptedStrategy.Action]], funding: [InstrumentID: FundingSchedule] = [:],
             interval: TimeSpan = .days(1)) throws -> (BacktestResult, ScriptedStrategy) {
        let series = BarSeries(instrument: BarBuilder.instrument, bars: bars, interval: .fixed(interval))
        var engine = try TradingEngine(strategy: ScriptedStrategy(script: script),
                                   venue: SimulatedVenue(instruments: [BarBuilder.instrument], fees: .free),
                                   clock: SimulatedClock(), instruments: [BarBuilder.instrument], startingCash: Money("10000"),
                                   accountType: .margin, margin: policy, funding: funding)
        var source = HistoricalBarSource([series])
        while let event = source.next() { try engine.handle(event) }
        var again = HistoricalBarSource([series])
        let result = try Backtest.run(ScriptedStrategy(script: script), source: &again, configuration: BacktestConfiguration(
            startingCash: Money("10000"), accountType: .margin, margin: policy, funding: funding))
        return (result, engine.strategy)
    }

    let entry = [
        BarBuilder.daily("2024-01-01", "100"),
        BarBuilder.daily("2024-01-02", "100"),
    ]

    @Test("a leveraged long is liquidated where equity meets maintenance, rounded to the tick against the trader")
    func longLiquidation() throws {
        // 400 @ 100 = 40,000 exposure on 10,000 equity. Day 3 trades 98 → 99 → 75 → 90.
        // Equity hits 10 % of exposure at p: 10,000 + 400 (p − 100) = 0.1 × 400 p → p = 83.33…, down to 83.33.
        let bars = entry + [BarBuilder.daily("2024-01-03", "98", "99", "75", "90")]
        let (result, strategy) = try run(bars, [0: [order(.buy, "400")]])
        #expect(result.fills.map(\.price) == [Price("100"), Price("83.33")])
        #expect(result.orders.last?.id.value == "liquidation-1")
        #expect(result.fills[1].timestamp.iso8601 == "2024-01-03T16:00:00Z")  // the low is the path's third point
        #expect(result.openPositions.isEmpty)
        #expect(result.finalEquity == Money("3332"))
        #expect(strategy.accountEvents.count == 1)
        if case .liquidation = strategy.accountEvents.first {} else { Issue.record("expected a liquidation event") }
    }

    @Test("a short through a gap is liquidated at the open")
    func shortGap() throws {
        let bars = entry + [BarBuilder.daily("2024-01-03", "130", "131", "129", "130")]
        let (result, _) = try run(bars, [0: [order(.sell, "400")]])
        #expect(result.fills.map(\.price) == [Price("100"), Price("130")])
        #expect(result.fills[1].side == .buy)
        #expect(result.finalEquity == Money("-2000"))
    }

    @Test("orders needing more initial margin than equity are denied; a margin call is raised once")
    func initialMarginAndCall() throws {
        let bars = entry + [
            BarBuilder.daily("2024-01-03", "95", "96", "89", "90"),
            BarBuilder.daily("2024-01-04", "90", "90.5", "89.5", "90"),
            BarBuilder.daily("2024-01-05", "90"),
        ]
        let (result, strategy) = try run(bars, [0: [order(.buy, "600"), order(.buy, "400")], 3: [order(.buy, "10")]])
        #expect(result.orders.map(\.status) == [.denied, .filled, .denied])
        #expect(result.orders[0].reason?.hasPrefix("insufficient margin: exposure 60000.00 needs initial margin 12000.00") == true)
        // Day 3: equity 6,000 < 20 % of 36,000 = 7,200 but above 3,600: a margin call, not a liquidation.
        let calls = strategy.accountEvents.filter { if case .marginCall = $0 { true } else { false } }
        #expect(calls.count == 1)
        #expect(result.openPositions.count == 1)
    }

    @Test("perpetual funding: longs pay position × mark × rate at each funding time inside a bar")
    func funding() throws {
        // Hourly bars over a day at 100, one long of 10 from 01:00: funding at 08:00 and 16:00 (00:00 next day ends the run).
        let start = Timestamp(iso8601: "2024-01-01T00:00:00Z")!
        let bars = (0..<24).map { hour -> Bar in
            let open = start + .hours(Int64(hour))
            return Bar(openTime: open, closeTime: open + .hours(1), open: Price("100"), high: Price("100"), low: Price("100"),
                       close: Price("100"), volume: Quantity("1000"))
        }
        let (result, strategy) = try run(bars, [0: [order(.buy, "10")]], funding: [id: try .constant(Rate("0.0001"))], interval: .hours(1))
        // 10 × 100 × 0.0001 = 0.1 at 08:00, 16:00 and 00:00 (the last bar closes at midnight).
        #expect(result.fundingPaid == Money("0.3"))
        #expect(result.finalEquity == Money("9999.7"))
        #expect(strategy.accountEvents.count == 3)
        if case .funding(_, let rate, _, let amount, let at) = strategy.accountEvents[0] {
            #expect(rate == Rate("0.0001") && amount == Money("0.1") && at.iso8601 == "2024-01-01T08:00:00Z")
        } else {
            Issue.record("expected a funding event")
        }
    }

    @Test("a funding schedule picks the rate in force and the next funding time")
    func schedule() throws {
        let t = Timestamp(iso8601: "2024-01-01T00:00:00Z")!
        let schedule = try FundingSchedule(rates: [(t, Rate("0.0001")), (t + .hours(8), Rate("-0.0002"))])
        #expect(schedule.rate(at: t + .hours(-1)) == Rate("0.0001"))
        #expect(schedule.rate(at: t + .hours(8)) == Rate("-0.0002"))
        #expect(schedule.nextTime(after: t) == t + .hours(8))
        #expect(schedule.nextTime(after: t + .hours(3)) == t + .hours(8))
        #expect(throws: PortfolioError.self) { try FundingSchedule(rates: []) }
        #expect(throws: PortfolioError.self) { try MarginPolicy(initialRate: Rate("0.1"), maintenanceRate: Rate("0.2")) }
    }

    @Test("on quote data a margin account is liquidated at the quote that breaches maintenance, and funding is paid on prints")
    func quotesAndPrints() throws {
        let t0 = Timestamp(iso8601: "2024-01-01T07:00:00Z")!
        func quote(_ minute: Int64, _ bid: String, _ ask: String) -> MarketEvent {
            .quote(QuoteEvent(instrument: 0, quote: Quote(time: t0 + .minutes(minute), bid: Price(bid), ask: Price(ask),
                                                          bidSize: Quantity("0"), askSize: Quantity("0"))))
        }
        let configuration = BacktestConfiguration(startingCash: Money("10000"), accountType: .margin, margin: policy)
        // 400 bought at the ask of 100.01; a mid of 83.00 leaves equity 10,000 − 400 × 17.01 = 3,196
        // below 10 % of 33,200: liquidated at that quote's bid.
        let quotes = [quote(0, "99.99", "100.01"), quote(1, "99.99", "100.01"), quote(2, "90.00", "90.02"), quote(3, "82.99", "83.01"),
                      quote(4, "80.00", "80.02")]
        let result = try Backtest.run(ScriptedStrategy(script: [0: [order(.buy, "400")]]), instruments: [BarBuilder.instrument],
                                      events: quotes, configuration: configuration)
        #expect(result.orders.last?.id.value == "liquidation-1")
        #expect(result.fills.map(\.price) == [Price("100.01"), Price("82.99")])
        #expect(result.fills.last?.timestamp == t0 + .minutes(3))
        #expect(result.openPositions.isEmpty)

        // Prints every hour across 08:00: a long of 10 at 100 pays 10 × 100 × 0.0001 at 08:00.
        let prints = (0..<3).map { hour in
            MarketEvent.trade(TradeTickEvent(instrument: 0, tick: Tick(time: t0 + .minutes(Int64(30 + 30 * hour)), price: Price("100"),
                                                                        size: Quantity("0"))))
        }
        let funded = try Backtest.run(ScriptedStrategy(script: [0: [order(.buy, "10")]]), instruments: [BarBuilder.instrument],
                                      events: prints, configuration: BacktestConfiguration(
                                          startingCash: Money("10000"), funding: [id: try .constant(Rate("0.0001"))]))
        #expect(funded.fundingPaid == Money("0.1"))
    }
}
