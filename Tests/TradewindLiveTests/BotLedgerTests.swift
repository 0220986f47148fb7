import Foundation
import Testing
import TradewindCore
import TradewindLive
import TradewindStorage

/// The ledger a server keeps per bot from its journal: the day's opening equity and the rejection
/// count are kept as entries arrive (the alert monitor reads them every round).
@Suite struct BotLedgerTests {
    static let btc = InstrumentID(symbol: "BTCUSDT", venue: "BINANCE")
    static let day: Int64 = 86_400_000_000_000
    static let start: Int64 = 1_767_225_600_000_000_000   // 2026-01-01T00:00:00Z

    /// A journal written entry by entry into a ledger.
    struct Feed {
        var sequence: Int64 = 0
        var ledger = BotLedger()

        mutating func apply(_ kind: String, _ payload: String, at time: Int64 = BotLedgerTests.start) {
            sequence += 1
            _ = ledger.apply(BotEventRecord(sequence: sequence, botID: 1, time: Timestamp(nanosecondsSinceEpoch: time), kind: kind, payload: payload))
        }

        mutating func bar(closingAt time: Int64, _ close: String) {
            let open = Timestamp(nanosecondsSinceEpoch: time - 60_000_000_000)
            let price = Price(close)
            let record = MarketBarRecord(instrument: 0, bar: Bar(openTime: open, closeTime: open + .minutes(1), open: price, high: price, low: price,
                                                                 close: price, volume: Quantity("1")), warmup: false)
            apply(record.row.kind, record.row.payload, at: time)
        }

        mutating func journal(_ event: JournalEvent) { apply(event.kind, event.payload) }

        /// Started with 1,000.00 and bought 1 BTC at 100.00 at the start: 900.00 cash.
        static func holdingOneAt100() throws -> Feed {
            var feed = Feed()
            try feed.started()
            feed.journal(.intent(clientOrderID: "o-1", instrument: btc, side: .buy, quantity: Quantity("1.00")))
            feed.journal(.fill(clientOrderID: "o-1", tradeID: "t-1", quantity: Quantity("1.00"), price: Price("100.00"), fee: Money("0"),
                               time: Timestamp(nanosecondsSinceEpoch: start)))
            return feed
        }

        mutating func started() throws {
            let snapshot = """
            {"strategy":"sma-cross","parameters":[],"instruments":[{"symbol":"BTCUSDT","venue":"BINANCE","pricePrecision":2,"sizePrecision":2}],\
            "intervalSeconds":60,"startingCash":"1000.00","makerFee":"0","takerFee":"0"}
            """
            apply("bot.started", String(decoding: try JSONEncoder().encode(["incarnation": "1", "definition": snapshot]), as: UTF8.self))
        }
    }

    @Test("a year of minute bars keeps a bounded equity curve: the first and newest points, in time order, finest for recent bars")
    func equityCurveThinned() throws {
        var feed = try Feed.holdingOneAt100()
        let bars = 10_000
        for minute in 1...bars {
            // 100.00 … 199.99 and back: the peak is in the middle, thinned away from the curve.
            let cents = minute <= bars / 2 ? 10_000 + minute : 10_000 + bars - minute
            feed.bar(closingAt: Self.start + Int64(minute) * 60_000_000_000, try Price(raw: Int64(cents), precision: 2).description)
        }
        let curve = feed.ledger.equityCurve
        #expect(curve.count <= BotLedger.equityCurveLimit && curve.count > BotLedger.equityCurveLimit / 2)
        #expect(curve.first?.time == Timestamp(nanosecondsSinceEpoch: Self.start + 60_000_000_000))
        #expect(curve.last?.time == Timestamp(nanosecondsSinceEpoch: Self.start + Int64(bars) * 60_000_000_000))
        #expect(curve.last?.equity == feed.ledger.equity)
        #expect(zip(curve, curve.dropFirst()).allSatisfy { $0.time < $1.time })
        // The newest bars are all there; the oldest at a coarser step.
        let steps = zip(curve, curve.dropFirst()).map { ($1.time - $0.time).nanoseconds / 60_000_000_000 }
        #expect(steps.suffix(100).allSatisfy { $0 == 1 } && (steps.first ?? 0) > 1)
        #expect(feed.ledger.peakEquity == Money("1050.00"), "the peak is kept apart from the thinned curve")
        let today = Timestamp(nanosecondsSinceEpoch: Self.start + Int64(bars) * 60_000_000_000)
        // Day 7 began at minute 8,640; the last bar before it closed at 113.61 (1 held, 900 cash).
        #expect(feed.ledger.equityAtStartOfDay(containing: today) == Money("1013.61"), "the day began with the last point of the day before")
    }

    @Test("the day's PnL is measured from the last equity of the previous UTC day, or the starting cash on the first day")
    func dayOpeningEquity() throws {
        var feed = try Feed.holdingOneAt100()
        feed.bar(closingAt: Self.start + 3_600_000_000_000, "110.00")            // day 1: equity 1010
        let firstDay = Timestamp(nanosecondsSinceEpoch: Self.start + 7_200_000_000_000)
        #expect(feed.ledger.equityAtStartOfDay(containing: firstDay) == Money("1000.00"))
        feed.bar(closingAt: Self.start + Self.day - 60_000_000_000, "120.00")   // last bar of day 1: equity 1020
        feed.bar(closingAt: Self.start + Self.day + 60_000_000_000, "90.00")    // day 2: equity 990
        let secondDay = Timestamp(nanosecondsSinceEpoch: Self.start + Self.day + 120_000_000_000)
        #expect(feed.ledger.equityAtStartOfDay(containing: secondDay) == Money("1020.00"))
        #expect(feed.ledger.equity - feed.ledger.equityAtStartOfDay(containing: secondDay) == Money("-30.00"))
        // A day with no bar yet opens at the last equity seen; an earlier day is found in the curve.
        #expect(feed.ledger.equityAtStartOfDay(containing: Timestamp(nanosecondsSinceEpoch: Self.start + 3 * Self.day)) == Money("990.00"))
        #expect(feed.ledger.equityAtStartOfDay(containing: firstDay) == Money("1000.00"))
    }

    @Test("rejections are counted once per order, however often its end is journaled")
    func rejections() throws {
        var feed = Feed()
        try feed.started()
        for id in ["o-1", "o-2", "o-3"] { feed.journal(.intent(clientOrderID: id, instrument: Self.btc, side: .buy, quantity: Quantity("1.00"))) }
        feed.journal(.finished(clientOrderID: "o-1", status: .rejected, reason: "insufficient balance"))
        feed.journal(.finished(clientOrderID: "o-1", status: .rejected, reason: "insufficient balance"))
        feed.journal(.finished(clientOrderID: "o-2", status: .canceled, reason: nil))
        feed.journal(.finished(clientOrderID: "o-3", status: .rejected, reason: "price band"))
        #expect(feed.ledger.rejectedOrders == 2)
    }
}
