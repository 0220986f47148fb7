import Testing
import TradewindCore
import TradewindEngine
import TradewindMarketData
import TradewindSimulation
import TradewindStrategy
import TradewindTesting

/// A strategy that fires seeded random orders of every kind at two instruments.
struct RandomOrderStrategy: Strategy {
    struct Parameters: StrategyParameters {
        static let specification: [ParameterSpec] = []
        init(values: ParameterValues) {}
        init() {}
    }

    static let name = "random"
    static let summary = "seeded random order stream for property tests"

    var random: SplitMix64
    var submitted: [ClientOrderID] = []

    init(parameters: Parameters) { random = SplitMix64(seed: 0) }
    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func pick(_ n: Int) -> Int { Int(random.next() % UInt64(n)) }

    mutating func onBar(_ event: BarEvent, context: inout StrategyContext) throws {
        guard pick(3) == 0 else { return }
        let instrument = context.instrument(event.instrument)
        let close = event.bar.close
        let tick = instrument.tickSize
        func away(_ ticks: Int) -> Price { close + Price(uncheckedRaw: tick.raw * Int64(ticks), precision: tick.precision) }
        let side: OrderSide = pick(2) == 0 ? .buy : .sell
        let quantity = Quantity(uncheckedRaw: Int64(1 + pick(20)), precision: instrument.sizePrecision)
        let direction = side == .buy ? -1 : 1
        let request: (OrderType) -> OrderRequest = { OrderRequest(instrumentID: instrument.id, side: side, quantity: quantity, type: $0) }
        switch pick(8) {
        case 0: submitted.append(context.submit(request(.market)))
        case 1: submitted.append(context.submit(request(.limit(price: away(direction * (1 + pick(50)))))))
        case 2: submitted.append(context.submit(request(.stop(trigger: away(-direction * (1 + pick(50)))))))
        case 3: submitted.append(context.submit(request(.trailingStop(offset: .fraction(Rate("0.01"))))))
        case 4: submitted.append(context.submit(request(.marketIfTouched(trigger: away(direction * (1 + pick(30)))))))
        case 5:
            let ids = context.submitBracket(request(.market), takeProfit: away(-direction * 40), stopLoss: away(direction * 40))
            submitted.append(ids.entry)
        case 6: submitted += context.submitOCO([request(.limit(price: away(direction * 20))), request(.stop(trigger: away(-direction * 20)))])
        default:
            if !submitted.isEmpty { context.cancel(submitted[pick(submitted.count)]) }
        }
    }
}

/// After every bar: equity = cash + positions at their marks, and
/// equity = starting cash + realized + unrealized − fees − funding, exactly.
@Suite("Accounting conservation")
struct ConservationPropertyTests {
    static let instruments = [
        try! Instrument(id: InstrumentID(symbol: "AAA", venue: "SIM"), pricePrecision: 2, sizePrecision: 0),
        try! Instrument(id: InstrumentID(symbol: "BBB", venue: "SIM"), pricePrecision: 2, sizePrecision: 0),
    ]

    @Test("conservation holds at every bar over random order streams", arguments: 1...24)
    func conservation(seed: UInt64) throws {
        let series = Self.instruments.enumerated().map { index, instrument in
            BarSeries(instrument: instrument, bars: RandomWalk(seed: seed &* 31 &+ UInt64(index), interval: .hours(1)).bars(count: 400),
                      interval: .fixed(.hours(1)))
        }
        let account: AccountType = seed % 2 == 0 ? .cash : .margin
        let fillModel = FillModel(limitRule: seed % 3 == 0 ? .tradeThrough : .touch, slippage: .ticks(Int(seed % 3)),
                                  participation: seed % 4 == 0 ? Rate("0.001") : nil, latency: seed % 5 == 0 ? .minutes(20) : .zero)
        let fees = FeeModel(maker: Rate("0.0002"), taker: Rate("0.0007"), perUnit: Price("0.001"), minimum: Money("0.05"))
        var engine = try TradingEngine(
            strategy: RandomOrderStrategy(seed: seed), venue: SimulatedVenue(instruments: Self.instruments, fees: fees, fillModel: fillModel),
            clock: SimulatedClock(), instruments: Self.instruments, startingCash: Money("100000"), accountType: account,
            margin: try MarginPolicy(leverage: 4, maintenanceRate: Rate("0.05")),
            funding: [Self.instruments[1].id: try .constant(Rate("0.0003"))])
        var source = HistoricalBarSource(series)
        var checked = 0
        while let event = source.next() {
            try engine.handle(event)
            let portfolio = engine.portfolio
            var marked = portfolio.account.cash
            for (index, position) in portfolio.positions.enumerated() where !position.isFlat {
                marked += try #require(portfolio.marks[index]) * position.quantity
            }
            #expect(portfolio.equity == marked)
            let gains: Money = portfolio.realizedPnL + portfolio.unrealizedPnL
            let costs: Money = portfolio.account.feesPaid + portfolio.account.fundingPaid
            let identity: Money = portfolio.account.startingCash + gains - costs
            #expect(portfolio.equity == identity)
            // Positions equal the sum of their fills.
            for (index, instrument) in Self.instruments.enumerated() {
                var net = Quantity.zero(precision: 0)
                for fill in engine.fills where fill.instrumentID == instrument.id {
                    net += fill.side == .buy ? fill.quantity : -fill.quantity
                }
                #expect(portfolio.positions[index].quantity == net)
            }
            checked += 1
        }
        #expect(checked == 800)
        #expect(engine.fills.count > 10)
        // Cash accounts never go short or below zero cash on a fill they allowed.
        if account == .cash { #expect(engine.portfolio.positions.allSatisfy { !$0.quantity.isNegative }) }
    }
}
