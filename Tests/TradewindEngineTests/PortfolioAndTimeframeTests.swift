import Testing
import TradewindCore
import TradewindEngine
import TradewindMarketData
import TradewindSimulation
import TradewindStrategy
import TradewindTesting

/// Records every event it sees with the time the engine said it was, for look-ahead checks.
struct TimeframeProbe: Strategy {
    struct Parameters: StrategyParameters {
        static let specification: [ParameterSpec] = []
        init(values: ParameterValues) {}
    }

    static let name = "probe"
    static let summary = "records minute and hour bars"

    var timeframes: [TimeSpan] = [.hours(1)]
    var minutes: [Bar] = []
    /// Each hour bar with the minute bars seen before it and the engine time at delivery.
    var hours: [(bar: Bar, minutesSeen: Int, now: Timestamp)] = []

    init(parameters: Parameters) {}
    init() {}

    mutating func onBar(_ event: BarEvent, context: inout StrategyContext) throws {
        if event.isSourceBar {
            minutes.append(event.bar)
        } else {
            #expect(event.timeframe == .hours(1))
            hours.append((event.bar, minutes.count, context.now))
        }
    }
}

@Suite("Portfolios, shared accounts and time frames")
struct PortfolioAndTimeframeTests {
    static let a = try! Instrument(id: InstrumentID(symbol: "AAA", venue: "SIM"), pricePrecision: 2, sizePrecision: 0)
    static let b = try! Instrument(id: InstrumentID(symbol: "BBB", venue: "SIM"), pricePrecision: 2, sizePrecision: 0)

    @Test("an hour bar reaches the strategy only after its last minute has closed, built from exactly the minutes seen")
    func noLookAhead() throws {
        let minutes = RandomWalk(seed: 7, start: Timestamp(iso8601: "2024-05-06T00:00:00Z")!, interval: .minutes(1)).bars(count: 600)
        var engine = try TradingEngine(strategy: TimeframeProbe(), venue: SimulatedVenue(instruments: [Self.a], fees: .free),
                                   clock: SimulatedClock(), instruments: [Self.a], startingCash: Money("1000"))
        var source = HistoricalBarSource([BarSeries(instrument: Self.a, bars: minutes, interval: .fixed(.minutes(1)))])
        while let event = source.next() { try engine.handle(event) }
        let probe = engine.strategy
        #expect(probe.hours.count == 10)
        for (index, hour) in probe.hours.enumerated() {
            // Delivered at its close, never before; after exactly the minutes it covers.
            #expect(hour.now == hour.bar.closeTime)
            #expect(hour.minutesSeen == 60 * (index + 1))
            let covered = probe.minutes[(60 * index)..<(60 * (index + 1))]
            #expect(covered.last?.closeTime == hour.bar.closeTime)
            #expect(hour.bar.openTime == covered.first?.openTime)
            #expect(hour.bar.open == covered.first?.open)
            #expect(hour.bar.close == covered.last?.close)
            #expect(hour.bar.high == covered.map(\.high).max())
            #expect(hour.bar.low == covered.map(\.low).min())
            #expect(hour.bar.volume == covered.dropFirst().reduce(covered.first!.volume) { $0 + $1.volume })
        }
    }

    @Test("instruments merge by close time; equal times keep instrument order, whatever the input order")
    func deterministicMerge() throws {
        let start = Timestamp(iso8601: "2024-01-01T00:00:00Z")!
        func bars(_ interval: TimeSpan, _ count: Int) -> [Bar] {
            (0..<count).map { k in
                let open = start + TimeSpan(nanoseconds: interval.nanoseconds * Int64(k))
                return Bar(openTime: open, closeTime: open + interval, open: Price("1"), high: Price("1"), low: Price("1"),
                           close: Price("1"), volume: Quantity("1"))
            }
        }
        var source = HistoricalBarSource([
            BarSeries(instrument: Self.a, bars: bars(.minutes(2), 3), interval: .fixed(.minutes(2))),
            BarSeries(instrument: Self.b, bars: bars(.minutes(1), 6), interval: .fixed(.minutes(1))),
        ])
        var order: [String] = []
        while let event = source.next() {
            order.append("\(event.instrument)@\(event.bar.closeTime.iso8601.dropFirst(14).prefix(2))")
        }
        #expect(order == ["1@01", "0@02", "1@02", "1@03", "0@04", "1@04", "1@05", "0@06", "1@06"])
    }

    @Test("two strategies share one account; each sees and is credited with only its own orders")
    func sharedAccountAttribution() throws {
        let series = [Self.a, Self.b].enumerated().map { index, instrument in
            BarSeries(instrument: instrument, bars: RandomWalk(seed: UInt64(10 + index), interval: .hours(1)).bars(count: 300),
                      interval: .fixed(.hours(1)))
        }
        let trend = AnyStrategy(try SMACross.make([("fast", "5"), ("slow", "20"), ("size", "10")]))
        let random = AnyStrategy(RandomOrderStrategy(seed: 3))
        var source = HistoricalBarSource(series)
        let result = try Backtest.run(strategies: [("trend", trend), ("noise", random)], source: &source,
                                      configuration: BacktestConfiguration(startingCash: Money("1000000"), fees: FeeModel(rate: Rate("0.001")),
                                                                           accountType: .margin))
        #expect(result.strategies.map(\.name) == ["trend", "noise"])
        #expect(result.fills.allSatisfy { $0.orderID.value.hasPrefix("trend-") || $0.orderID.value.hasPrefix("noise-") })
        let trendFills = result.fills.filter { $0.orderID.value.hasPrefix("trend-") }
        #expect(result.strategies[0].fillCount == trendFills.count)
        #expect(result.strategies[0].fees == trendFills.reduce(Money.zero) { $0 + $1.fee })
        #expect(trendFills.count > 0 && result.strategies[1].fillCount > 0)
        // The strategies' net PnL adds up to the account's, exactly.
        let net = result.strategies.reduce(Money.zero) { $0 + $1.netPnL }
        #expect(net == result.finalEquity - Money("1000000"))
        #expect(result.exposure.timeInMarket > 0)
    }

    @Test("a time frame that is not positive is refused when the engine is built")
    func badTimeframe() throws {
        var probe = TimeframeProbe()
        probe.timeframes = [.zero]
        #expect(throws: EngineError.self) {
            _ = try TradingEngine(strategy: probe, venue: SimulatedVenue(instruments: [Self.a], fees: .free), clock: SimulatedClock(),
                                  instruments: [Self.a], startingCash: Money("1"))
        }
    }

    @Test("duplicate strategy names are refused")
    func duplicateNames() throws {
        #expect(throws: EngineError.self) {
            _ = try TradingEngine(strategies: [("x", TimeframeProbe()), ("x", TimeframeProbe())],
                                  venue: SimulatedVenue(instruments: [Self.a], fees: .free), clock: SimulatedClock(),
                                  instruments: [Self.a], startingCash: Money("1"))
        }
    }
}
