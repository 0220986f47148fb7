import Testing
import TradewindLive

struct ClientOrderIDTests {
    @Test("ids are deterministic, distinct across incarnations, and valid for Binance even at the extremes")
    func ids() {
        let first = ClientOrderIDs(bot: "btc trend/1", incarnation: 3)
        #expect(first.id(1) == "btc_trend_1-3-1")
        #expect(first.id(1) == ClientOrderIDs(bot: "btc trend/1", incarnation: 3).id(1))
        #expect(first.id(36) == "btc_trend_1-3-36")
        let restarted = ClientOrderIDs(bot: "btc trend/1", incarnation: 4)
        #expect(Set((1...1_000).map(first.id)).isDisjoint(with: (1...1_000).map(restarted.id)))
        #expect(first.belongsToBot(restarted.id(7)) && !first.belongsToBot("other-3-1"))
        let long = ClientOrderIDs(bot: String(repeating: "ä", count: 40), incarnation: Int(Int32.max))
        let id = long.id(Int(Int32.max))
        #expect(id.count <= 36 && ClientOrderIDs.isValidForBinance(id), "\(id)")
        #expect(!ClientOrderIDs.isValidForBinance("has space") && !ClientOrderIDs.isValidForBinance(String(repeating: "a", count: 37)))
    }
}
