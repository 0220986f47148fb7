import Foundation
import Testing
import TradewindCore
import TradewindFakeExchange
import TradewindLive
import TradewindStorage
import TradewindTesting

/// A bot on the fake Binance exchange that "crashes" with a resting limit order, restarts,
/// adopts the order exactly as it was sent, then misses its fill while down and books it on the
/// next start.
@Suite struct BinanceBotRecoveryTests {
    static let btc = try! Instrument(id: InstrumentID(symbol: "BTCUSDT", venue: "BINANCE"), pricePrecision: 2, sizePrecision: 5)

    static func bar(_ minute: Int64, _ close: String, low: String? = nil) -> Bar {
        BarBuilder.minute(Int(minute), after: Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000), close: Price(close),
                          low: low.map { Price($0) })
    }

    static func bot(_ exchange: FakeExchange, journal: any BotJournal, script: [Int: [ScriptedStrategy.Action]]) async -> TradingBot<ScriptedStrategy> {
        let endpoint = BinanceEndpoint(restBase: await exchange.restBase, streamBase: await exchange.streamBase, apiKey: "test-key", secret: "test-secret")
        let adapter = BinanceSpotAdapter(endpoint: endpoint)
        let definition = BotDefinition(name: "resting", strategy: "scripted", parameters: [], instruments: [btc], interval: .minutes(1),
                                       warmupBars: 5, startingCash: Money("100000"))
        return TradingBot(definition: definition, strategy: ScriptedStrategy(script: script), adapter: adapter,
                          feed: BinanceMarketFeed(rest: adapter.rest), journal: journal)
    }

    @Test func aRestingOrderIsAdoptedAsSentAndAFillMissedWhileDownIsBooked() async throws {
        let exchange = FakeExchange(balances: ["USDT": 1_000_000])
        try await exchange.start()
        for minute in Int64(0)..<10 { await exchange.publish(Self.bar(minute, "40000.00"), symbol: "BTCUSDT") }
        let store = try await openStore("sqlite:" + NSTemporaryDirectory() + "tradewind-recovery-\(UUID().uuidString).db")
        let limit = OrderRequest(instrumentID: Self.btc.id, side: .buy, quantity: Quantity("0.01000"), type: .limit(price: Price("39000.00")))

        // Warm-up is events 0–4; the first live bar (event 5) places the limit order.
        let first = await Self.bot(exchange, journal: store, script: [5: [.submit(limit)]])
        try await first.prepare()
        await exchange.publish(Self.bar(10, "40000.00"), symbol: "BTCUSDT")
        try await first.onBar(Self.bar(10, "40000.00"), instrument: 0)
        #expect(await exchange.orderSummary().values.map(\.status) == ["NEW"])
        await first.adapter.close()   // the process dies here

        let second = await Self.bot(exchange, journal: store, script: [:])
        try await second.prepare()
        let adopted = try #require(await second.workingOrders.first)
        #expect(adopted.type == .limit(price: Price("39000.00")) && adopted.side == .buy && adopted.quantity == Quantity("0.01000"))
        await second.adapter.close()   // and again, before the order fills

        await exchange.publish(Self.bar(11, "39500.00", low: "38900.00"), symbol: "BTCUSDT")
        #expect(await exchange.orderSummary().values.map(\.status) == ["FILLED"])
        let third = await Self.bot(exchange, journal: store, script: [:])
        try await third.prepare()
        let status = await third.status
        #expect(status.openOrders == 0)
        #expect(status.positions[Self.btc.id] == Quantity("0.01000"))
        let record = try #require(try await store.bot(named: "resting"))
        let rows = try await store.events(bot: record.id, after: nil)
        #expect(rows.filter { $0.kind == "recovery.difference" }.contains { $0.payload.contains("missedFill") })
        #expect(rows.filter { $0.kind == "order.intent" }.count == 1, "nothing sent twice")
        await third.adapter.close()
        await store.close()
        await exchange.stop()
    }
}
