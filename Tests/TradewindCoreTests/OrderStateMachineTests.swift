import Testing
import TradewindCore

@Suite("Order state machine")
struct OrderStateMachineTests {
    let t0 = Timestamp(secondsSinceEpoch: 1_000)
    let instrument = InstrumentID(symbol: "TEST", venue: "SIM")

    func order(_ type: OrderType = .market, quantity: String = "10") throws -> Order {
        try Order(id: ClientOrderID("O-1"), request: OrderRequest(instrumentID: instrument, side: .buy, quantity: Quantity(quantity), type: type),
                  createdAt: t0)
    }

    func fill(_ quantity: String, trade: String = "T-1", price: String = "100") -> OrderEvent {
        .fill(Fill(orderID: ClientOrderID("O-1"), tradeID: TradeID(trade), instrumentID: instrument, side: .buy,
                   quantity: Quantity(quantity), price: Price(price), fee: .zero, liquidity: .taker, timestamp: t0))
    }

    @Test("submit → accept → partial fill → fill")
    func happyPath() throws {
        var order = try order()
        try order.apply(.submit(at: t0))
        try order.apply(.accept(at: t0))
        try order.apply(fill("4", trade: "T-1"))
        #expect(order.status == .partiallyFilled)
        #expect(order.remainingQuantity == Quantity("6"))
        try order.apply(fill("6", trade: "T-2", price: "101"))
        #expect(order.status == .filled)
        #expect(order.filledCost == Money("1006"))
        #expect(order.status.isTerminal)
    }

    @Test("illegal transitions throw and leave the order unchanged", arguments: [
        [OrderEvent.accept(at: .epoch)],
        [.submit(at: .epoch), .submit(at: .epoch)],
        [.submit(at: .epoch), .reject(reason: "x", at: .epoch), .accept(at: .epoch)],
        [.submit(at: .epoch), .accept(at: .epoch), .trigger(at: .epoch)],
        [.submit(at: .epoch), .accept(at: .epoch), .cancel(at: .epoch), .requestCancel(at: .epoch)],
        [.deny(reason: "risk", at: .epoch), .submit(at: .epoch)],
        [.submit(at: .epoch), .expire(at: .epoch)],
    ])
    func illegal(_ events: [OrderEvent]) throws {
        var order = try order()
        for event in events.dropLast() { try order.apply(event) }
        let before = order
        #expect(throws: OrderError.self) { try order.apply(events.last!) }
        #expect(order == before)
    }

    @Test("the error names the order, state and event")
    func errorContext() throws {
        var order = try order()
        #expect(throws: OrderError.invalidTransition(order: ClientOrderID("O-1"), from: .initialized, event: "accept")) {
            try order.apply(.accept(at: t0))
        }
    }

    @Test("a duplicate fill is an explicit error")
    func duplicateFill() throws {
        var order = try order()
        try order.apply(.submit(at: t0))
        try order.apply(fill("4", trade: "T-9"))
        #expect(throws: OrderError.duplicateFill(order: ClientOrderID("O-1"), trade: TradeID("T-9"))) {
            try order.apply(fill("4", trade: "T-9"))
        }
        #expect(order.filledQuantity == Quantity("4"))
        // Even once filled, a replay is recognised as a duplicate, not as an illegal transition.
        try order.apply(fill("6", trade: "T-10"))
        #expect(throws: OrderError.duplicateFill(order: ClientOrderID("O-1"), trade: TradeID("T-10"))) {
            try order.apply(fill("6", trade: "T-10"))
        }
    }

    @Test("a fill above the remaining quantity is refused")
    func overfill() throws {
        var order = try order()
        try order.apply(.submit(at: t0))
        #expect(throws: OrderError.self) { try order.apply(fill("11")) }
    }

    @Test("a fill racing a cancel request keeps the order pending until cancelled")
    func fillDuringPendingCancel() throws {
        var order = try order()
        try order.apply(.submit(at: t0))
        try order.apply(.accept(at: t0))
        try order.apply(.requestCancel(at: t0))
        try order.apply(fill("3"))
        #expect(order.status == .pendingCancel)
        try order.apply(.cancel(at: t0))
        #expect(order.status == .canceled)
        #expect(order.filledQuantity == Quantity("3"))
    }

    @Test("a refused cancel returns the order to its previous state")
    func cancelRejected() throws {
        var order = try order()
        try order.apply(.submit(at: t0))
        try order.apply(.accept(at: t0))
        try order.apply(fill("3"))
        try order.apply(.requestCancel(at: t0))
        try order.apply(.cancelRejected(reason: "too late", at: t0))
        #expect(order.status == .partiallyFilled)
    }

    @Test("stops trigger before they fill")
    func stopTrigger() throws {
        var order = try order(.stop(trigger: Price("105")))
        try order.apply(.submit(at: t0))
        try order.apply(.accept(at: t0))
        try order.apply(.trigger(at: t0))
        #expect(order.status == .triggered)
        try order.apply(fill("10"))
        #expect(order.status == .filled)
    }

    @Test("invalid orders cannot be built", arguments: [
        ("0", OrderType.market), ("-1", .market), ("1", .limit(price: Price("0"))), ("1", .stop(trigger: Price("-2"))),
    ])
    func invalidOrders(_ quantity: String, _ type: OrderType) {
        #expect(throws: OrderError.self) { try order(type, quantity: quantity) }
    }
}

@Suite("Order and trade ids")
struct IdentifierTests {
    @Test("ids keep their exact text and compare by it", arguments: ["sma-cross-17", "a-0", "a-01", "x--3", "plain", "-5", "T-123456789", "odd-"])
    func roundTrip(text: String) {
        #expect(ClientOrderID(text).value == text)
        #expect(TradeID(text).value == text)
        #expect(ClientOrderID(text) == ClientOrderID(text))
    }

    @Test("an id built from a prefix and a number equals the same id parsed from text, and hashes alike")
    func builtEqualsParsed() {
        let built = ClientOrderID(prefix: "sma-cross", number: 42)
        #expect(built == ClientOrderID("sma-cross-42"))
        #expect(Set([built, ClientOrderID("sma-cross-42")]).count == 1)
        #expect(built != ClientOrderID(prefix: "other", number: 42))
        #expect(ClientOrderID("a-01") != ClientOrderID("a-1"))
        #expect(TradeID(prefix: "T", number: 7) == TradeID("T-7"))
    }
}
