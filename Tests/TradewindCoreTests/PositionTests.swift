import Testing
import TradewindCore

@Suite("Position accounting")
struct PositionTests {
    let id = InstrumentID(symbol: "TEST", venue: "SIM")
    var sequence = 0

    func fill(_ side: OrderSide, _ quantity: String, at price: String, fee: String = "0", day: Int64 = 0) -> Fill {
        Fill(orderID: ClientOrderID("O"), tradeID: TradeID("T-\(side)-\(quantity)-\(price)-\(day)"), instrumentID: id, side: side,
             quantity: Quantity(quantity), price: Price(price), fee: Money(fee), liquidity: .taker,
             timestamp: Timestamp(secondsSinceEpoch: day * 86_400))
    }

    func newPosition() -> Position { Position(instrumentID: id, sizePrecision: 0, pricePrecision: 2) }

    @Test("buys accumulate cost; the average is cost over quantity")
    func accumulate() {
        var position = newPosition()
        _ = position.apply(fill(.buy, "10", at: "100.00"))
        _ = position.apply(fill(.buy, "5", at: "106.00"))
        #expect(position.quantity == Quantity("15"))
        #expect(position.costBasis == Money("1530"))
        #expect(position.averagePrice == Price("102.00"))
        #expect(position.unrealizedPnL(at: Price("110")) == Money("120"))
    }

    @Test("a partial close realises a prorated share of cost")
    func partialClose() {
        var position = newPosition()
        _ = position.apply(fill(.buy, "10", at: "100.00"))
        _ = position.apply(fill(.buy, "10", at: "110.00"))  // average 105
        let change = position.apply(fill(.sell, "5", at: "120.00"))
        #expect(change.realizedPnL == Money("75"))  // 5 × (120 − 105)
        #expect(change.closedTrade == nil)
        #expect(position.quantity == Quantity("15"))
        #expect(position.costBasis == Money("1575"))
        #expect(position.averagePrice == Price("105"))
    }

    @Test("closing to flat completes a round trip with net PnL and both fees")
    func roundTrip() throws {
        var position = newPosition()
        _ = position.apply(fill(.buy, "10", at: "186.31", fee: "1.8631", day: 1))
        let change = position.apply(fill(.sell, "10", at: "193.69", fee: "1.9369", day: 2))
        let trade = try #require(change.closedTrade)
        #expect(trade.side == .long)
        #expect(trade.entryPrice == Price("186.31"))
        #expect(trade.exitPrice == Price("193.69"))
        #expect(trade.fees == Money("3.8"))
        #expect(trade.pnl == Money("70"))  // 73.80 gross − 3.80 fees
        #expect(position.isFlat)
        #expect(position.costBasis == .zero)
        #expect(position.realizedPnL == Money("73.8"))
    }

    @Test("selling more than held flips long to short and splits the fee")
    func flipLongToShort() throws {
        var position = newPosition()
        _ = position.apply(fill(.buy, "10", at: "100.00", day: 1))
        let change = position.apply(fill(.sell, "15", at: "110.00", fee: "3", day: 2))
        let trade = try #require(change.closedTrade)
        #expect(trade.quantity == Quantity("10"))
        #expect(trade.fees == Money("2"))  // 10/15 of the flip's fee
        #expect(trade.pnl == Money("98"))  // 10 × 10 − 2
        #expect(position.side == .short)
        #expect(position.quantity == Quantity("-5"))
        #expect(position.costBasis == Money("-550"))
        #expect(position.averagePrice == Price("110"))
        // The short's own round trip carries the remaining third of the fee.
        let cover = position.apply(fill(.buy, "5", at: "100.00", day: 3))
        let short = try #require(cover.closedTrade)
        #expect(short.side == .short)
        #expect(short.fees == Money("1"))
        #expect(short.pnl == Money("49"))  // 5 × (110 − 100) − 1
    }

    @Test("a short gains when the price falls")
    func shortPnL() {
        var position = newPosition()
        _ = position.apply(fill(.sell, "4", at: "50.00"))
        #expect(position.unrealizedPnL(at: Price("45")) == Money("20"))
        #expect(position.marketValue(at: Price("45")) == Money("-180"))
    }

    @Test("the account pays notional plus fee on buys and receives notional minus fee on sells")
    func account() {
        var account = Account(startingCash: Money("1000"))
        account.apply(fill(.buy, "2", at: "100.00", fee: "0.2"))
        #expect(account.cash == Money("799.8"))
        account.apply(fill(.sell, "2", at: "110.00", fee: "0.22"))
        #expect(account.cash == Money("1019.58"))
        #expect(account.feesPaid == Money("0.42"))
    }
}
