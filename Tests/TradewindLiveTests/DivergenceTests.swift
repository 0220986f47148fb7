import Foundation
import Testing
import TradewindCore
import TradewindLive
import TradewindStorage

@Suite struct DivergenceTests {
    static let walk = try! Instrument(id: InstrumentID(symbol: "WALK", venue: "PAPER"), pricePrecision: 2, sizePrecision: 0)

    static func bar(_ minute: Int64, _ price: String) -> Bar {
        let open = Timestamp(nanosecondsSinceEpoch: minute * 60_000_000_000)
        return Bar(openTime: open, closeTime: open + .minutes(1), open: Price(price), high: Price(price), low: Price(price), close: Price(price),
                   volume: Quantity("100"))
    }

    static func rows(_ entries: [(String, String)]) -> [BotEventRecord] {
        entries.enumerated().map { BotEventRecord(sequence: Int64($0.offset + 1), botID: 1, time: .epoch, kind: $0.element.0, payload: $0.element.1) }
    }

    static func backtestOrder(_ id: String, _ side: OrderSide, at minute: Int64) throws -> Order {
        var order = try Order(id: ClientOrderID(id), request: .market(side, Quantity("1"), of: walk.id), createdAt: Timestamp(nanosecondsSinceEpoch: minute * 60_000_000_000))
        try order.apply(.submit(at: order.createdAt))
        try order.apply(.accept(at: order.createdAt))
        return order
    }

    @Test func pairsOrdersByTheirBarAndNamesSlippagePartialFillsAndMissedBars() throws {
        let live = MarketBarRecord.self
        // Live bars close at minutes 1, 2 and 4: the bar closing at 3 was never seen live.
        let entries: [(String, String)] = [
            live.init(instrument: 0, bar: Self.bar(0, "100.00"), warmup: false).row,
            live.init(instrument: 0, bar: Self.bar(1, "101.00"), warmup: false).row,
            (JournalEvent.intent(clientOrderID: "b-1-1", instrument: Self.walk.id, side: .buy, quantity: Quantity("1")).kind,
             JournalEvent.intent(clientOrderID: "b-1-1", instrument: Self.walk.id, side: .buy, quantity: Quantity("1")).payload),
            (JournalEvent.fill(clientOrderID: "b-1-1", tradeID: "t1", quantity: Quantity("1"), price: Price("101.50"), fee: Money("0.10"),
                               time: Timestamp(nanosecondsSinceEpoch: 120_000_000_000)).kind,
             JournalEvent.fill(clientOrderID: "b-1-1", tradeID: "t1", quantity: Quantity("1"), price: Price("101.50"), fee: Money("0.10"),
                               time: Timestamp(nanosecondsSinceEpoch: 120_000_000_000)).payload),
            live.init(instrument: 0, bar: Self.bar(3, "103.00"), warmup: false).row,
        ]
        let rows = Self.rows(entries)
        let buy = try Self.backtestOrder("s-1", .buy, at: 2)
        let sell = try Self.backtestOrder("s-2", .sell, at: 3)
        let fills = [Fill(orderID: buy.id, tradeID: TradeID("x1"), instrumentID: Self.walk.id, side: .buy, quantity: Quantity("1"), price: Price("101.00"),
                          fee: Money("0.10"), liquidity: .taker, timestamp: Timestamp(nanosecondsSinceEpoch: 120_000_000_000))]
        let report = try Divergence.compare(bot: "b", rows: rows, instruments: [Self.walk], backtestOrders: [buy, sell], backtestFills: fills,
                                            from: .epoch, to: Timestamp(nanosecondsSinceEpoch: 240_000_000_000))
        #expect(report.liveOrders == 1 && report.backtestOrders == 2 && report.matched == 1 && report.missedBars == 1)
        let paired = try #require(report.rows.first { $0.live != nil })
        #expect(paired.causes.count == 1 && paired.causes[0].hasPrefix("slippage: live price worse by 0.5"))
        #expect(paired.priceDifference == 0.5)
        let missed = try #require(report.rows.first { $0.live == nil })
        #expect(missed.causes[0].hasPrefix("missed bar"))
        // Live bought at 101.50 and holds 1 marked at 103: 1.50 - 0.10; the backtest bought at 101 and sold nothing.
        #expect(report.livePnL == "1.40" && report.backtestPnL == "1.90")
    }

    @Test func orderTermsRebuildTheOrderAsSent() throws {
        for request in [
            OrderRequest(instrumentID: Self.walk.id, side: .sell, quantity: Quantity("2"), type: .stopLimit(trigger: Price("99.50"), limit: Price("99.00")),
                         timeInForce: .gtd(Timestamp(nanosecondsSinceEpoch: 9_000_000_000_000)), reduceOnly: true),
            OrderRequest(instrumentID: Self.walk.id, side: .buy, quantity: Quantity("1"), type: .limit(price: Price("100.25")), timeInForce: .ioc, postOnly: true),
            OrderRequest(instrumentID: Self.walk.id, side: .sell, quantity: Quantity("1"), type: .trailingStop(offset: .fraction(Rate("0.02")))),
        ] {
            let order = try Order(id: ClientOrderID("b-1-9"), request: request, createdAt: .epoch)
            let terms = try OrderTerms(payload: OrderTerms.row(for: order).payload)
            #expect(try terms.request(instrument: request.instrumentID, side: request.side, quantity: request.quantity) == request)
        }
    }
}
