import Foundation
import Testing
import TradewindCore
import TradewindFakeExchange
import TradewindLive
import TradewindTesting

/// The real Binance adapter against the local fake exchange on loopback.
@Suite(.serialized) struct FakeExchangeAdapterTests {
    static let btc = try! Instrument(id: InstrumentID(symbol: "BTCUSDT", venue: "BINANCE"), pricePrecision: 2, sizePrecision: 5)

    static func bar(_ minute: Int, _ close: String) -> Bar {
        BarBuilder.minute(minute, after: Timestamp(nanosecondsSinceEpoch: 1_704_067_200_000_000_000), close: Price(close))
    }

    static func start(slices: Int = 1) async throws -> (FakeExchange, BinanceSpotAdapter) {
        let exchange = FakeExchange()
        try await exchange.start()
        await exchange.set(marketOrderSlices: slices)
        await exchange.publish(bar(0, "40000.00"), symbol: "BTCUSDT")
        let adapter = BinanceSpotAdapter(endpoint: BinanceEndpoint(restBase: await exchange.restBase, streamBase: await exchange.streamBase,
                                                                  apiKey: "test-key", secret: "test-secret"),
                                         keepAlive: .nanoseconds(200_000_000))
        return (exchange, adapter)
    }

    static func collect(_ adapter: BinanceSpotAdapter, until done: @escaping @Sendable ([VenueUpdate]) -> Bool) async -> [VenueUpdate] {
        await withTaskGroup(of: [VenueUpdate].self) { group in
            group.addTask {
                var seen: [VenueUpdate] = []
                for await update in adapter.updates {
                    seen.append(update)
                    if done(seen) { break }
                }
                return seen
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(30))
                return []
            }
            let first = await group.next() ?? []
            group.cancelAll()
            return first
        }
    }

    /// Waits until the adapter's user-data stream is connected at the exchange: a fixed sleep
    /// is too short on a loaded machine, and trades pushed before the connection are not streamed.
    static func waitForUserStream(_ exchange: FakeExchange) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if await exchange.connectedStreams().contains(where: { !$0.contains("@") }) { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the user-data stream never connected")
    }

    static func failure(_ body: () async throws -> Void) async -> VenueError? {
        do {
            try await body()
            return nil
        } catch {
            return error as? VenueError
        }
    }

    @Test func aMarketOrderFillsInSlicesAndTheStreamReportsEachTrade() async throws {
        let (exchange, adapter) = try await Self.start(slices: 3)
        try await adapter.connect(instruments: [Self.btc])
        try await Self.waitForUserStream(exchange)
        let answer = try await adapter.place(VenueOrderRequest(clientOrderID: "t-1-1", instrument: Self.btc, side: .buy, quantity: Quantity("0.30000"),
                                                               type: .market, timeInForce: .gtc))
        let fills = answer.compactMap { if case .fill(let fill) = $0.kind { fill } else { nil } }
        #expect(fills.count == 3)
        #expect(fills.reduce(Quantity.zero(precision: 5)) { $0 + $1.quantity } == Quantity("0.30000"))
        #expect(fills.allSatisfy { $0.price == Price("40000.00") && $0.fee == Money("4.00") })
        let streamed = await Self.collect(adapter) { seen in seen.filter { if case .fill = $0.kind { true } else { false } }.count == 3 }
        #expect(Set(streamed.compactMap { if case .fill(let f) = $0.kind { f.tradeID } else { nil } }) == Set(fills.map(\.tradeID)))
        #expect(try await adapter.position(instrument: Self.btc) == Quantity("0.30000"))
        #expect(await exchange.balance("USDT") == Decimal(1_000_000) - Decimal(12_000) - Decimal(12))
        let venueFills = try await adapter.fills(instrument: Self.btc, since: .epoch)
        #expect(venueFills.map(\.tradeID).sorted() == fills.map(\.tradeID).sorted())
        await adapter.close()
        await exchange.stop()
    }

    @Test func limitOrdersRestFillPartiallyAndCancel() async throws {
        let (exchange, adapter) = try await Self.start()
        await exchange.set(limitFillPerBar: Decimal(string: "0.01"))
        try await adapter.connect(instruments: [Self.btc])
        _ = try await adapter.place(VenueOrderRequest(clientOrderID: "t-1-2", instrument: Self.btc, side: .buy, quantity: Quantity("0.20000"),
                                                      type: .limit(price: Price("39000.00")), timeInForce: .gtc))
        await exchange.publish(Self.bar(1, "38900.00"), symbol: "BTCUSDT")   // 1% of volume 10 = 0.1 fills
        let open = try await adapter.openOrders(instrument: Self.btc)
        #expect(open.map(\.clientOrderID) == ["t-1-2"] && open[0].status == .partiallyFilled && open[0].filledQuantity == Quantity("0.10000"))
        let cancelled = try await adapter.cancel(clientOrderID: "t-1-2", instrument: Self.btc)
        #expect(cancelled.contains { $0.kind == .canceled })
        #expect(try await adapter.order(clientOrderID: "t-1-2", instrument: Self.btc)?.status == .canceled)
        #expect(try await adapter.order(clientOrderID: "never-sent", instrument: Self.btc) == nil)
        await adapter.close()
        await exchange.stop()
    }

    @Test func refusalsAreRejectionsAndBadCredentialsAreUnauthorized() async throws {
        let (exchange, adapter) = try await Self.start()
        try await adapter.connect(instruments: [Self.btc])
        let refusal = await Self.failure {
            _ = try await adapter.place(VenueOrderRequest(clientOrderID: "t-1-4", instrument: Self.btc, side: .sell, quantity: Quantity("1.00000"),
                                                          type: .market, timeInForce: .gtc))
        }
        guard case .rejected(let text)? = refusal else { Issue.record("expected a rejection, got \(String(describing: refusal))"); return }
        #expect(text.contains("-2010") && text.contains("insufficient balance"))
        let wrong = BinanceSpotAdapter(endpoint: BinanceEndpoint(restBase: await exchange.restBase, streamBase: await exchange.streamBase,
                                                                apiKey: "test-key", secret: "wrong-secret"))
        let unauthorized = await Self.failure { _ = try await wrong.openOrders(instrument: Self.btc) }
        guard case .unauthorized(let reason)? = unauthorized else { Issue.record("expected unauthorized, got \(String(describing: unauthorized))"); return }
        #expect(reason.contains("-1022"))
        #expect(await exchange.rejectedSignatures == 1)
        await adapter.close()
        await exchange.stop()
    }

    @Test func rateLimitsAndClockSkewAreRetriedAndAnUnknownOutcomeIsLookedUpNotResent() async throws {
        let (exchange, adapter) = try await Self.start()
        try await adapter.connect(instruments: [Self.btc])
        await exchange.inject(.init(path: "GET /api/v3/openOrders", status: 429, code: -1003, message: "Too much request weight used", retryAfter: 1))
        let started = ContinuousClock.now
        #expect(try await adapter.openOrders(instrument: Self.btc).isEmpty)
        #expect(ContinuousClock.now - started >= .milliseconds(900), "Retry-After honoured")
        await exchange.inject(.init(path: "GET /api/v3/openOrders", status: 400, code: -1021, message: "Timestamp for this request is outside of the recvWindow."))
        #expect(try await adapter.openOrders(instrument: Self.btc).isEmpty)
        // The venue executes the order, then the answer is lost (HTTP 500).
        await exchange.inject(.init(path: "POST /api/v3/order", status: 500, code: -1000, message: "An unknown error occurred", afterExecuting: true))
        let answer = try await adapter.place(VenueOrderRequest(clientOrderID: "t-1-5", instrument: Self.btc, side: .buy, quantity: Quantity("0.10000"),
                                                               type: .market, timeInForce: .gtc))
        #expect(answer.contains { if case .fill = $0.kind { true } else { false } })
        let summary = await exchange.orderSummary()
        #expect(summary["t-1-5"]?.count == 1, "looked up, not sent twice")
        #expect(await exchange.requestCount["POST /api/v3/order"] == 1)
        await adapter.close()
        await exchange.stop()
    }

    @Test func aDroppedUserStreamReconnectsAndBackFillsWhatItMissed() async throws {
        let (exchange, adapter) = try await Self.start()
        await exchange.set(limitFillPerBar: nil)
        try await adapter.connect(instruments: [Self.btc])
        try await Self.waitForUserStream(exchange)
        _ = try await adapter.place(VenueOrderRequest(clientOrderID: "t-1-6", instrument: Self.btc, side: .buy, quantity: Quantity("0.10000"),
                                                      type: .limit(price: Price("39000.00")), timeInForce: .gtc))
        await exchange.dropStreams()
        await exchange.publish(Self.bar(1, "38000.00"), symbol: "BTCUSDT")   // fills while nobody listens
        let updates = await Self.collect(adapter) { seen in seen.contains { if case .fill = $0.kind { true } else { false } } }
        #expect(updates.contains { if case .fill(let f) = $0.kind { f.clientOrderID == "t-1-6" && f.quantity == Quantity("0.10000") } else { false } })
        #expect(await adapter.streamConnections >= 2)
        try await Task.sleep(for: .milliseconds(500))
        #expect(await exchange.keepAlives >= 1, "listen key kept alive")
        await adapter.close()
        await exchange.stop()
    }
}
