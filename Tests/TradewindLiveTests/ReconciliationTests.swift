import Testing
import TradewindCore
import TradewindLive

struct ReconciliationTests {
    static let btc = InstrumentID(symbol: "BTCUSDT", venue: "BINANCE")
    static let t0 = Timestamp(secondsSinceEpoch: 1_700_000_000)

    static func local(_ id: String, _ status: OrderStatus, filled: String = "0", trades: Set<String> = []) -> Reconciliation.LocalOrder {
        .init(clientOrderID: id, instrument: btc, side: .buy, quantity: Quantity("0.003"), status: status,
              filledQuantity: Quantity(filled).rescaled(to: 3)!, tradeIDs: trades)
    }

    static func venue(_ id: String, _ status: OrderStatus, filled: String) -> Reconciliation.VenueOrder {
        .init(clientOrderID: id, venueOrderID: "v-\(id)", instrument: btc, side: .buy, quantity: Quantity("0.003"), status: status,
              filledQuantity: Quantity(filled).rescaled(to: 3)!)
    }

    static func fill(_ trade: String, _ id: String, _ quantity: String) -> Reconciliation.VenueFill {
        .init(tradeID: trade, clientOrderID: id, quantity: Quantity(quantity).rescaled(to: 3)!, price: Price("42000.00"), fee: Money("0.01"),
              time: t0 + .seconds(Int64(trade.count)))
    }

    @Test("fills made while the bot was down are recovered, once, and then positions agree")
    func missedFills() {
        let differences = Reconciliation.compare(
            orders: [Self.local("b1-1", .partiallyFilled, filled: "0.001", trades: ["t1"])],
            positions: [Self.btc: Quantity("0.001")],
            venueOpen: [],
            venueLookup: ["b1-1": Self.venue("b1-1", .filled, filled: "0.003")],
            venueFills: [Self.fill("t1", "b1-1", "0.001"), Self.fill("t22", "b1-1", "0.002")],
            venuePositions: [Self.btc: Quantity("0.003")])
        #expect(differences == [.missedFill(Self.fill("t22", "b1-1", "0.002")), .finishedAtVenue(clientOrderID: "b1-1", status: .filled)])
    }

    @Test("an intent the venue never saw is closed; one it did see is adopted; strangers are reported")
    func intents() {
        let differences = Reconciliation.compare(
            orders: [Self.local("b1-2", .initialized), Self.local("b1-3", .submitted)],
            positions: [:],
            venueOpen: [Self.venue("b1-3", .accepted, filled: "0"), Self.venue("b1-9", .accepted, filled: "0")],
            venueLookup: ["b1-3": Self.venue("b1-3", .accepted, filled: "0")],
            venueFills: [], venuePositions: [:])
        #expect(differences == [.neverReachedVenue(clientOrderID: "b1-2"), .adoptedFromVenue(Self.venue("b1-3", .accepted, filled: "0")),
                                .unknownAtVenue(Self.venue("b1-9", .accepted, filled: "0"))])
    }

    @Test("a balance that still differs after every fill is accounted for is a mismatch, never silently overwritten")
    func mismatch() {
        let differences = Reconciliation.compare(orders: [], positions: [Self.btc: Quantity("0.005")], venueOpen: [], venueLookup: [:],
                                                 venueFills: [], venuePositions: [Self.btc: Quantity("0.004")])
        #expect(differences == [.positionMismatch(instrument: Self.btc, journal: Quantity("0.005"), venue: Quantity("0.004"))])
        #expect(Reconciliation.compare(orders: [], positions: [Self.btc: Quantity("0.004")], venueOpen: [], venueLookup: [:],
                                       venueFills: [], venuePositions: [Self.btc: Quantity("0.004")]).isEmpty)
    }
}
