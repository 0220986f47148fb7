import Testing
import TradewindCore
import TradewindLive

struct JournalReplayTests {
    static let btc = InstrumentID(symbol: "BTCUSDT", venue: "BINANCE")
    static let t0 = Timestamp(secondsSinceEpoch: 1_700_000_000)

    @Test("entries round-trip through (kind, payload) with exact decimals; other kinds are not order entries")
    func roundTrip() throws {
        let events: [JournalEvent] = [
            .intent(clientOrderID: "b-1-1", instrument: Self.btc, side: .buy, quantity: Quantity("0.00300")),
            .accepted(clientOrderID: "b-1-1", venueOrderID: "12345"),
            .fill(clientOrderID: "b-1-1", tradeID: "t9", quantity: Quantity("0.001"), price: Price("42000.10"), fee: Money("0.0420001"), time: Self.t0),
            .finished(clientOrderID: "b-1-1", status: .canceled, reason: nil),
        ]
        for event in events { #expect(try JournalEvent(kind: event.kind, payload: event.payload) == event) }
        #expect(try JournalEvent(kind: "state", payload: "running") == nil)
        #expect(throws: JournalError.self) { try JournalEvent(kind: "order.fill", payload: "{\"id\":\"x\"}") }
    }

    @Test("replay rebuilds open orders and positions; a fill written twice counts once")
    func replay() {
        let fill = JournalEvent.fill(clientOrderID: "b-1-1", tradeID: "t1", quantity: Quantity("0.001"), price: Price("42000"), fee: Money("0"), time: Self.t0)
        let state = JournalEvent.replay([
            .intent(clientOrderID: "b-1-1", instrument: Self.btc, side: .buy, quantity: Quantity("0.003")),
            .accepted(clientOrderID: "b-1-1", venueOrderID: "1"), fill, fill,
            .intent(clientOrderID: "b-1-2", instrument: Self.btc, side: .sell, quantity: Quantity("0.001")),
            .finished(clientOrderID: "b-1-2", status: .rejected, reason: "insufficient balance"),
        ])
        #expect(state.open.map(\.clientOrderID) == ["b-1-1"])
        #expect(state.open[0].status == .partiallyFilled && state.open[0].filledQuantity == Quantity("0.001"))
        #expect(state.positions == [Self.btc: Quantity("0.001")])
    }

    @Test("recovery converges: recording a reconciliation's findings and reconciling again finds nothing")
    func converges() {
        var journal: [JournalEvent] = [
            .intent(clientOrderID: "b-1-1", instrument: Self.btc, side: .buy, quantity: Quantity("0.003")),
            .accepted(clientOrderID: "b-1-1", venueOrderID: "v1"),
            .intent(clientOrderID: "b-1-2", instrument: Self.btc, side: .buy, quantity: Quantity("0.001")),
            .intent(clientOrderID: "b-1-3", instrument: Self.btc, side: .buy, quantity: Quantity("0.002")),
        ]
        // While the bot was down: b-1-1 filled in two parts, b-1-3 reached the venue and rests, b-1-2 never left.
        let venueLookup: [String: Reconciliation.VenueOrder] = [
            "b-1-1": .init(clientOrderID: "b-1-1", venueOrderID: "v1", instrument: Self.btc, side: .buy, quantity: Quantity("0.003"),
                           status: .filled, filledQuantity: Quantity("0.003")),
            "b-1-3": .init(clientOrderID: "b-1-3", venueOrderID: "v3", instrument: Self.btc, side: .buy, quantity: Quantity("0.002"),
                           status: .accepted, filledQuantity: Quantity("0.000")),
        ]
        let fills: [Reconciliation.VenueFill] = [
            .init(tradeID: "t1", clientOrderID: "b-1-1", quantity: Quantity("0.002"), price: Price("42000"), fee: Money("0.1"), time: Self.t0),
            .init(tradeID: "t2", clientOrderID: "b-1-1", quantity: Quantity("0.001"), price: Price("42001"), fee: Money("0.1"), time: Self.t0 + .seconds(1)),
        ]
        let balances = [Self.btc: Quantity("0.003")]
        func reconcile() -> [Reconciliation.Difference] {
            let state = JournalEvent.replay(journal)
            return Reconciliation.compare(orders: state.open, positions: state.positions, venueOpen: [venueLookup["b-1-3"]!],
                                          venueLookup: venueLookup, venueFills: fills, venuePositions: balances)
        }
        let first = reconcile()
        #expect(first.count == 5)  // two fills, b-1-1 finished, b-1-2 never sent, b-1-3 adopted
        journal += JournalEvent.recording(first)
        // Crash after writing, restart: the same findings written again change nothing.
        journal += JournalEvent.recording(first)
        #expect(reconcile().isEmpty)
        let state = JournalEvent.replay(journal)
        #expect(state.open.map(\.clientOrderID) == ["b-1-3"] && state.positions == balances)
    }
}
