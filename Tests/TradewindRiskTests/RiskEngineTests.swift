import Testing
import TradewindCore
import TradewindRisk

struct RiskEngineTests {
    static let goog = try! Instrument(id: InstrumentID(symbol: "GOOG", venue: "X"), pricePrecision: 2, sizePrecision: 0)
    static let t0 = Timestamp(iso8601: "2024-03-01T14:30:00Z")!

    static func order(_ side: OrderSide = .buy, _ quantity: String = "10", price: String? = nil, last: String = "100",
                      position: String = "0", gross: String = "0", open: Int = 0) -> OrderProposal {
        OrderProposal(instrument: goog, side: side, quantity: Quantity(quantity), price: price.map { Price($0) }, lastPrice: Price(last),
                      position: Quantity(position), grossExposure: Money(gross), openOrders: open)
    }

    static func rule(_ decision: RiskDecision) -> RiskRule? {
        if case .deny(let rule, _) = decision { return rule }
        return nil
    }

    @Test("each pre-trade limit refuses with its rule named, and allows what is inside it")
    func preTrade() {
        var risk = RiskEngine(limits: RiskLimits(maxOrderNotional: Money("5000"), maxOrderQuantity: Quantity("100"),
                                                 maxPositionQuantity: Quantity("60"), maxGrossExposure: Money("8000"),
                                                 maxOpenOrders: 3, priceBand: Rate("0.05")))
        #expect(risk.check(Self.order(), at: Self.t0) == .allow)
        #expect(Self.rule(risk.check(Self.order("buy" == "buy" ? .buy : .sell, "101", last: "1"), at: Self.t0)) == .orderQuantity)
        #expect(Self.rule(risk.check(Self.order(.buy, "51"), at: Self.t0)) == .orderNotional)
        #expect(Self.rule(risk.check(Self.order(.buy, "20", position: "45"), at: Self.t0)) == .positionQuantity)
        // Selling down a long position is never blocked by the position limit.
        #expect(risk.check(Self.order(.sell, "20", position: "80"), at: Self.t0) == .allow)
        #expect(Self.rule(risk.check(Self.order(.buy, "10", gross: "7500"), at: Self.t0)) == .grossExposure)
        #expect(Self.rule(risk.check(Self.order(open: 3), at: Self.t0)) == .openOrders)
        #expect(Self.rule(risk.check(Self.order(price: "106"), at: Self.t0)) == .priceBand)
        #expect(risk.check(Self.order(price: "104.99"), at: Self.t0) == .allow)
        #expect(Self.rule(risk.check(Self.order(price: "100.005"), at: Self.t0)) == .instrument)
        #expect(risk.check(Self.order(.buy, "51"), at: Self.t0).reason?.hasPrefix("risk max-order-notional: notional 5100.00") == true)
    }

    @Test("the order rate counts allowed orders over a sliding second")
    func rate() {
        var risk = RiskEngine(limits: RiskLimits(maxOrdersPerSecond: 3))
        for i in 0..<3 { #expect(risk.check(Self.order(), at: Self.t0 + TimeSpan(nanoseconds: Int64(i * 100_000_000))) == .allow) }
        #expect(Self.rule(risk.check(Self.order(), at: Self.t0 + TimeSpan(nanoseconds: 900_000_000))) == .orderRate)
        // The first order leaves the window after one second.
        #expect(risk.check(Self.order(), at: Self.t0 + TimeSpan(nanoseconds: 1_001_000_000)) == .allow)
        #expect(Self.rule(risk.check(Self.order(), at: Self.t0 + TimeSpan(nanoseconds: 1_050_000_000))) == .orderRate)
    }

    @Test("a daily loss moves to reducing, a drawdown to halted; states only tighten until an operator resets them")
    func postTrade() {
        var risk = RiskEngine(limits: RiskLimits(dailyLossLimit: Money("1000"), maxDrawdown: Rate("0.05")))
        #expect(risk.observe(equity: Money("100000"), at: Self.t0) == nil)
        #expect(risk.observe(equity: Money("99500"), at: Self.t0 + .hours(1)) == nil)
        let reducing = risk.observe(equity: Money("98900"), at: Self.t0 + .hours(2))
        #expect(reducing?.to == .reducing && reducing?.rule == .dailyLoss && risk.state == .reducing)
        #expect(Self.rule(risk.check(Self.order(.buy, "1"), at: Self.t0)) == .tradingState)
        #expect(risk.check(Self.order(.sell, "5", position: "10"), at: Self.t0) == .allow)
        #expect(Self.rule(risk.check(Self.order(.sell, "15", position: "10"), at: Self.t0)) == .tradingState)
        // A new day starts from its own equity; the state does not relax by itself.
        #expect(risk.observe(equity: Money("98900"), at: Self.t0 + .days(1)) == nil)
        #expect(risk.state == .reducing)
        let halted = risk.observe(equity: Money("94000"), at: Self.t0 + .days(1) + .hours(1))
        #expect(halted?.to == .halted && halted?.rule == .drawdown && halted?.reason.contains("6.00 %") == true)
        #expect(Self.rule(risk.check(Self.order(.sell, "5", position: "10"), at: Self.t0)) == .tradingState)
        #expect(risk.set(.active, at: Self.t0 + .days(2), reason: "operator resumed")?.rule == .manual)
        #expect(risk.events.map(\.to) == [.reducing, .halted, .active])
    }
}
