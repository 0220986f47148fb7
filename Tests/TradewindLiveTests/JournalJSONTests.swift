import Foundation
import Testing
import TradewindCore
@testable import TradewindLive

/// The journal's payloads are written without `JSONEncoder`; these hold them to its bytes, so a
/// journal written before and after reads and compares the same.
@Suite("Journal payloads are JSONEncoder's bytes")
struct JournalJSONTests {
    static func encoded(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Text that needs every escape JSONEncoder makes, and some that needs none.
    static let awkward: [String] = {
        var texts = ["", "plain", "quote \" here", "back\\slash", "a/b//c", "tab\tnew\nline\rret", "é ü 日本 🚀", "\u{7F}del"]
        texts.append(String(decoding: (0..<32).map { UInt8($0) }, as: UTF8.self))
        texts.append("mixed \u{1}\u{8}\u{C}\u{1F}\"/\\ end")
        return texts
    }()

    @Test("order life-cycle entries, with awkward ids and reasons")
    func orderEvents() throws {
        for text in Self.awkward {
            let instrument = InstrumentID(symbol: "BTC/USDT" + text, venue: "PAPER")
            let cases: [(JournalEvent, JournalEvent.Payload)] = [
                (.intent(clientOrderID: text, instrument: instrument, side: .buy, quantity: Quantity("1.50")),
                 JournalEvent.Payload(id: text, instrument: instrument.description, side: "buy", quantity: "1.50")),
                (.accepted(clientOrderID: "bot-1", venueOrderID: text), JournalEvent.Payload(id: "bot-1", venueOrderID: text)),
                (.fill(clientOrderID: text, tradeID: text + "-t", quantity: Quantity("2"), price: Price("-101.25"), fee: Money("0.000001"),
                       time: Timestamp(nanosecondsSinceEpoch: -1_234_567_890_123)),
                 JournalEvent.Payload(id: text, quantity: "2", tradeID: text + "-t", price: "-101.25", fee: Money("0.000001").description,
                              time: -1_234_567_890_123)),
                (.finished(clientOrderID: text, status: .rejected, reason: text), JournalEvent.Payload(id: text, status: "rejected", reason: text)),
                (.finished(clientOrderID: text, status: .filled, reason: nil), JournalEvent.Payload(id: text, status: "filled")),
            ]
            for (event, payload) in cases {
                #expect(event.payload == (try Self.encoded(payload)), "\(event)")
                #expect(try JournalEvent(kind: event.kind, payload: event.payload) == event)
            }
        }
    }

    @Test("bars as a bot saw them")
    func bars() throws {
        let bar = Bar(openTime: Timestamp(nanosecondsSinceEpoch: 1_700_000_000_000_000_000),
                      closeTime: Timestamp(nanosecondsSinceEpoch: 1_700_000_060_000_000_000),
                      open: Price("100.5"), high: Price("101.75"), low: Price("99.25"), close: Price("100.00"), volume: Quantity("12.345"))
        for (instrument, warmup) in [(0, true), (7, false), (Int(Int32.max), false)] {
            let record = MarketBarRecord(instrument: instrument, bar: bar, warmup: warmup)
            #expect(record.row.payload == (try Self.encoded(record)))
            #expect(try MarketBarRecord(payload: record.row.payload) == record)
        }
    }

    @Test("a live bar's row, kept for the other bots on its feed, is its own encoding, however many feeds and bars come between")
    func liveBarRows() throws {
        // More feeds than payloads are kept, each bar asked for by several bots, in turns.
        let feeds = MarketBarRecord.RecentPayloads.capacity + 3
        for minute in 0..<4 {
            for round in 0..<3 {
                for feed in 0..<feeds {
                    let open = try Price(raw: Int64(10_000 + feed * 100 + minute), precision: 2)
                    let bar = Bar(openTime: Timestamp(secondsSinceEpoch: Int64(1_800_000_000 + minute * 60)),
                                  closeTime: Timestamp(secondsSinceEpoch: Int64(1_800_000_060 + minute * 60)),
                                  open: open, high: open, low: open, close: open, volume: Quantity("1"))
                    let instrument = round == 2 ? feed % 3 : 0
                    let row = MarketBarRecord.liveRow(instrument: instrument, bar: bar)
                    #expect(row.kind == MarketBarRecord.kind)
                    #expect(row.payload == MarketBarRecord(instrument: instrument, bar: bar, warmup: false).row.payload, "feed \(feed) minute \(minute)")
                }
            }
        }
    }

    @Test("order terms of every type and time in force")
    func terms() throws {
        let instrument = InstrumentID(symbol: "GOOG", venue: "PAPER")
        let types: [OrderType] = [.market, .limit(price: Price("10.5")), .stop(trigger: Price("9")), .stopLimit(trigger: Price("9"), limit: Price("8.75")),
                                  .marketIfTouched(trigger: Price("11")), .trailingStop(offset: .price(Price("0.5"))),
                                  .trailingStop(offset: .fraction(Rate("0.02")))]
        let times: [TimeInForce] = [.gtc, .ioc, .fok, .day, .gtd(Timestamp(nanosecondsSinceEpoch: 1_800_000_000_000_000_000))]
        for type in types {
            for timeInForce in times {
                for id in ["bot-1-7", "quote\"/\\"] {
                    let request = OrderRequest(instrumentID: instrument, side: .sell, quantity: Quantity("3"), type: type, timeInForce: timeInForce,
                                               reduceOnly: type == .market, postOnly: type == .limit(price: Price("10.5")) && timeInForce == .gtc)
                    let order = try Order(id: ClientOrderID(id), request: request, createdAt: Timestamp(nanosecondsSinceEpoch: 0))
                    let terms = OrderTerms(order)
                    let row = OrderTerms.row(for: order)
                    #expect(row.kind == OrderTerms.kind)
                    #expect(row.payload == (try Self.encoded(terms)), "\(type) \(timeInForce)")
                    #expect(try OrderTerms(payload: row.payload) == terms)
                }
            }
        }
    }

    /// The reader that restarts use agrees with `JSONDecoder` wherever it answers, and answers
    /// for everything the journal writes.
    @Test("payloads read back without JSONDecoder are JSONDecoder's reading")
    func readBack() throws {
        func decoded(_ text: String) throws -> String { try Self.encoded(try JSONDecoder().decode(JournalEvent.Payload.self, from: Data(text.utf8))) }
        for text in Self.awkward {
            let events: [JournalEvent] = [
                .intent(clientOrderID: text, instrument: InstrumentID(symbol: "X" + text, venue: "PAPER"), side: .sell, quantity: Quantity("0.001")),
                .accepted(clientOrderID: "bot-1", venueOrderID: text),
                .fill(clientOrderID: text, tradeID: text + "-t", quantity: Quantity("2"), price: Price("-101.25"), fee: Money("0.000001"),
                      time: Timestamp(nanosecondsSinceEpoch: Int64.min + 1)),
                .finished(clientOrderID: text, status: .canceled, reason: text),
            ]
            for event in events {
                let read = try #require(JournalEvent.Payload(journalText: event.payload), "the journal's own text is read: \(event)")
                #expect(try Self.encoded(read) == decoded(event.payload))
            }
        }
        // Other writers' spellings of the same values: spaces, escaped letters, a surrogate pair.
        let spelled = #" { "id" : "b\u00e9-\ud83d\ude80\/1" ,"time":-0, "reason":null,"status" :"filled"}"#
        let read = try #require(JournalEvent.Payload(journalText: spelled))
        #expect(read.id == "bé-🚀/1" && read.time == 0 && read.reason == nil)
        #expect(try Self.encoded(read) == decoded(spelled))
        let terms = try #require(OrderTerms(journalText: #"{"id":"a","postOnly":false,"reduceOnly":true,"timeInForce":"gtd","expiry":12,"type":"market"}"#))
        #expect(terms.reduceOnly && !terms.postOnly && terms.expiry == 12 && terms.price == nil)

        // Anything else is left to JSONDecoder, whose reading (or error) stands.
        let leftAlone = [
            #"{"id":"a","time":1.5}"#, #"{"id":"a","time":1e3}"#, #"{"id":"a","time":01}"#, #"{"id":"a","x":{"y":1}}"#,
            #"{"id":"a","x":[1]}"#, #"{"id":"a","id":"b"}"#, #"{"id":"a""#, #"{"id":"a"} x"#, #"{"id":"\ud83d"}"#,
            #"{"id":"\x"}"#, "{\"id\":\"a\u{1}\"}", #"{"id":"a","time":99999999999999999999}"#, #"{"id":7}"#, #"{"time":1}"#, "",
        ]
        for text in leftAlone { #expect(JournalEvent.Payload(journalText: text) == nil, "\(text)") }
        #expect(throws: JournalError.self) { try JournalEvent(kind: "order.accepted", payload: #"{"id":"a","venueOrderID":"#) }
        #expect(try JournalEvent(kind: "order.accepted", payload: #"{"id":"a","extra":{"n":[1,2]},"venueOrderID":"v"}"#)
                == .accepted(clientOrderID: "a", venueOrderID: "v"), "JSONDecoder reads what the reader leaves")
    }
}
