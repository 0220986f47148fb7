import Testing
import TradewindCore
import TradewindEngine
import TradewindSimulation
import TradewindTesting

/// The fill model, one rule at a time, on hand-made bars (instrument: tick 0.01, lot 1).
@Suite("Simulated venue fill model")
struct SimulatedVenueTests {
    let instrument = BarBuilder.instrument
    let t0 = Timestamp(iso8601: "2024-01-01T00:00:00Z")!

    /// Submits `request` at the first bar's open, feeds `bars`, returns every report.
    func reports(_ request: OrderRequest, _ bars: [Bar], fill: FillModel = .standard, fees: FeeModel = .free,
                 last: Bar? = nil) throws -> [OrderEvent] {
        var venue = SimulatedVenue(instruments: [instrument], fees: fees, fillModel: fill)
        var out: [ExecutionReport] = []
        if let last { venue.onBar(BarEvent(instrument: 0, bar: last), reports: &out) }
        var order = try Order(id: ClientOrderID("o-1"), request: request, createdAt: bars[0].openTime)
        try order.apply(.submit(at: bars[0].openTime))
        venue.submit(order, now: bars[0].openTime, reports: &out)
        for bar in bars { venue.onBar(BarEvent(instrument: 0, bar: bar), reports: &out) }
        return out.map(\.event)
    }

    func request(_ side: OrderSide, _ quantity: String = "10", type: OrderType, _ tif: TimeInForce = .gtc,
                 postOnly: Bool = false) -> OrderRequest {
        OrderRequest(instrumentID: instrument.id, side: side, quantity: Quantity(quantity), type: type, timeInForce: tif, postOnly: postOnly)
    }

    func fills(_ events: [OrderEvent]) -> [Fill] {
        events.compactMap { if case .fill(let fill) = $0 { fill } else { nil } }
    }

    // Open 100, high 104 (nearer: 4 up vs 5 down), low 95, close 101: path 100 → 104 → 95 → 101.
    var bar: Bar { BarBuilder.daily("2024-01-01", "100", "104", "95", "101") }

    @Test("a buy stop triggers on touch and fills at the trigger; gapped through, at the open")
    func stops() throws {
        let touched = fills(try reports(request(.buy, type: .stop(trigger: Price("103"))), [bar]))
        #expect(touched.map(\.price) == [Price("103")])
        #expect(touched.first?.liquidity == .taker)
        let gapped = fills(try reports(request(.buy, type: .stop(trigger: Price("99"))), [bar]))
        #expect(gapped.map(\.price) == [Price("100")])
    }

    @Test("a limit fills at the limit when touched, or only when traded through if so configured")
    func limitRules() throws {
        let touch = fills(try reports(request(.buy, type: .limit(price: Price("95"))), [bar]))
        #expect(touch.map(\.price) == [Price("95")])
        #expect(touch.first?.liquidity == .maker)
        let through = fills(try reports(request(.buy, type: .limit(price: Price("95"))), [bar], fill: FillModel(limitRule: .tradeThrough)))
        #expect(through.isEmpty)
        let marketable = fills(try reports(request(.buy, type: .limit(price: Price("102"))), [bar]))
        #expect(marketable.map(\.price) == [Price("100")])
        #expect(marketable.first?.liquidity == .taker)
    }

    @Test("the intrabar path decides order: a sell stop at 96 is reached after the high, filled at 96 at the path's third point")
    func pathOrder() throws {
        let stop = fills(try reports(request(.sell, type: .stop(trigger: Price("96"))), [bar]))
        #expect(stop.map(\.price) == [Price("96")])
        #expect(stop.first?.timestamp == t0 + .hours(16))  // two thirds of the day
    }

    @Test("market-if-touched buys when the price falls to its trigger")
    func marketIfTouched() throws {
        let events = try reports(request(.buy, type: .marketIfTouched(trigger: Price("97"))), [bar])
        #expect(fills(events).map(\.price) == [Price("97")])
        #expect(events.contains { if case .trigger = $0 { true } else { false } })
    }

    @Test("a trailing sell stop follows the high and fires on the way down")
    func trailingStop() throws {
        // Path 100 → 104 → 95: the stop trails to 104 − 3 = 101 and fills there.
        let absolute = fills(try reports(request(.sell, type: .trailingStop(offset: .price(Price("3")))), [bar]))
        #expect(absolute.map(\.price) == [Price("101")])
        // 5 % of 104 = 5.2: stop at 98.80.
        let percent = fills(try reports(request(.sell, type: .trailingStop(offset: .fraction(Rate("0.05")))), [bar]))
        #expect(percent.map(\.price) == [Price("98.8")])
        // 10 % is never reached within the bar: still working.
        #expect(fills(try reports(request(.sell, type: .trailingStop(offset: .fraction(Rate("0.1")))), [bar])).isEmpty)
    }

    @Test("a stop-limit triggered on the way up keeps working as a limit for the rest of the path")
    func stopLimit() throws {
        // Sell stop 99 limit 98: triggered at 99 on the way down (not marketable? 99 ≥ 98: yes, fills at 99).
        let sell = fills(try reports(request(.sell, type: .stopLimit(trigger: Price("99"), limit: Price("98"))), [bar]))
        #expect(sell.map(\.price) == [Price("99")])
        // Buy stop 103 limit 102: triggered at 103, not marketable; the path comes back to 102 later.
        let buy = fills(try reports(request(.buy, type: .stopLimit(trigger: Price("103"), limit: Price("102"))), [bar]))
        #expect(buy.map(\.price) == [Price("102")])
        #expect(buy.first?.liquidity == .maker)
    }

    @Test("slippage moves taker fills against the trader by ticks, fraction or range, within the bar")
    func slippage() throws {
        let market = request(.buy, type: .market)
        #expect(fills(try reports(market, [bar], fill: FillModel(slippage: .ticks(3)))).map(\.price) == [Price("100.03")])
        #expect(fills(try reports(market, [bar], fill: FillModel(slippage: .fraction(Rate("0.001"))))).map(\.price) == [Price("100.1")])
        // 10 % of the 9.00 range = 0.90.
        #expect(fills(try reports(market, [bar], fill: FillModel(slippage: .rangeFraction(Rate("0.1"))))).map(\.price) == [Price("100.9")])
        // Never beyond the high.
        #expect(fills(try reports(market, [bar], fill: FillModel(slippage: .ticks(1000)))).map(\.price) == [Price("104")])
        // A resting limit gets its price.
        #expect(fills(try reports(request(.buy, type: .limit(price: Price("96"))), [bar], fill: FillModel(slippage: .ticks(3)))).map(\.price) == [Price("96")])
    }

    @Test("participation caps each fill at a share of bar volume; the rest keeps working on later bars")
    func participation() throws {
        let bars = [BarBuilder.daily("2024-01-01", "100", "101", "99", "100", volume: "40"),
                    BarBuilder.daily("2024-01-02", "100", "101", "99", "100", volume: "40"),
                    BarBuilder.daily("2024-01-03", "100", "101", "99", "100", volume: "40")]
        let events = try reports(request(.buy, "10", type: .market), bars, fill: FillModel(participation: Rate("0.1")))
        #expect(fills(events).map(\.quantity) == [Quantity("4"), Quantity("4"), Quantity("2")])
        // FOK cannot be filled entirely within the cap: cancelled, nothing filled.
        let fok = try reports(request(.buy, "10", type: .market, .fok), bars, fill: FillModel(participation: Rate("0.1")))
        #expect(fills(fok).isEmpty)
        #expect(fok.contains { if case .cancel = $0 { true } else { false } })
        // IOC takes what it can and cancels the rest.
        let ioc = try reports(request(.buy, "10", type: .market, .ioc), bars, fill: FillModel(participation: Rate("0.1")))
        #expect(fills(ioc).map(\.quantity) == [Quantity("4")])
        #expect(ioc.last.map { if case .cancel = $0 { true } else { false } } == true)
    }

    @Test("latency: an order sent at the open arrives later and sees only the rest of the path")
    func latency() throws {
        // Arriving 5 h into the day, the first path point at or after arrival is the high (8 h).
        let late = fills(try reports(request(.buy, type: .market), [bar], fill: FillModel(latency: .hours(5))))
        #expect(late.map(\.price) == [Price("104")])
        #expect(late.first?.timestamp == t0 + .hours(8))
    }

    @Test("fees: maker and taker rates, a per-unit charge and a minimum")
    func fees() throws {
        let fees = FeeModel(maker: Rate("0.0002"), taker: Rate("0.001"), perUnit: Price("0.01"), minimum: Money("1.5"))
        // Taker: 10 × 100 × 0.001 + 10 × 0.01 = 1.10 → raised to the 1.50 minimum.
        #expect(fills(try reports(request(.buy, type: .market), [bar], fees: fees)).first?.fee == Money("1.5"))
        // Maker: 100 × 95 × 0.0002 + 100 × 0.01 = 1.90 + 1.00 = 2.90.
        #expect(fills(try reports(request(.buy, "100", type: .limit(price: Price("95"))), [bar], fees: fees)).first?.fee == Money("2.9"))
    }

    @Test("post-only limits that would take liquidity are rejected; DAY orders expire the next day")
    func postOnlyAndDay() throws {
        let previous = BarBuilder.daily("2023-12-31", "100", "100", "100", "100")
        let rejected = try reports(request(.buy, type: .limit(price: Price("101")), postOnly: true), [bar], last: previous)
        #expect(rejected.first.map { if case .reject = $0 { true } else { false } } == true)
        let resting = try reports(request(.buy, type: .limit(price: Price("95")), postOnly: true), [bar], last: previous)
        #expect(fills(resting).first?.liquidity == .maker)

        // Each instrument's post-only check uses its own last price (the first instrument's is kept apart from the others').
        let second = try Instrument(id: InstrumentID(symbol: "SECOND", venue: "TEST"), pricePrecision: 2, sizePrecision: 0)
        let third = try Instrument(id: InstrumentID(symbol: "THIRD", venue: "TEST"), pricePrecision: 2, sizePrecision: 0)
        var venue = SimulatedVenue(instruments: [instrument, second, third], fees: .free)
        var out: [ExecutionReport] = []
        for (index, close) in [(2, "50"), (0, "100"), (1, "10")] {
            venue.onBar(BarEvent(instrument: index, bar: BarBuilder.daily("2023-12-31", close, close, close, close)), reports: &out)
        }
        for (index, id, limit) in [(0, "a", "99"), (1, "b", "11"), (2, "c", "49"), (0, "d", "101"), (1, "e", "9"), (2, "f", "51")] {
            let target = [instrument, second, third][index]
            var order = try Order(id: ClientOrderID(id), request: OrderRequest(instrumentID: target.id, side: .buy, quantity: Quantity("1"),
                                                                              type: .limit(price: Price(limit)), postOnly: true), createdAt: t0)
            try order.apply(.submit(at: t0))
            venue.submit(order, now: t0, reports: &out)
        }
        let rejectedIDs = out.filter { if case .reject = $0.event { true } else { false } }.map(\.orderID.value)
        #expect(rejectedIDs == ["b", "d", "f"])

        let nextDay = BarBuilder.daily("2024-01-02", "90", "91", "89", "90")
        let day = try reports(request(.buy, type: .limit(price: Price("80")), .day), [bar, nextDay])
        #expect(day.last.map { if case .expire = $0 { true } else { false } } == true)
    }
}
