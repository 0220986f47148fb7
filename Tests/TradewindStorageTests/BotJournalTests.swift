import Foundation
import GRDB
import Testing
import TradewindCore
@testable import TradewindStorage

@Suite("Bot journal (SQLite and PostgreSQL)")
struct BotJournalTests {
    static let t0 = Timestamp(secondsSinceEpoch: 1_800_000_000)

    @Test("bots are unique by name; journal entries keep their order and are read back after a sequence", arguments: Backend.allCases)
    func journal(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, url in
            let bot = try await store.createBot(name: "paper-1", definition: "{\"strategy\":\"sma-cross\"}", owner: "ops", now: Self.t0)
            #expect(bot.state == "stopped")
            await #expect(throws: StorageError.self) { _ = try await store.createBot(name: "paper-1", definition: "{}", owner: "ops", now: Self.t0) }
            let other = try await store.createBot(name: "paper-2", definition: "{}", owner: "ops", now: Self.t0)
            let first = try await store.append(bot: bot.id, events: [("order.intent", "{\"id\":\"b1-1\"}"), ("order.accepted", "{\"id\":\"b1-1\"}")],
                                               at: Self.t0)
            #expect(first.count == 2 && first[0] < first[1])
            _ = try await store.append(bot: other.id, events: [("state", "running")], at: Self.t0)
            let second = try await store.append(bot: bot.id, events: [("fill", "{\"qty\":\"1\"}")], at: Self.t0 + .seconds(1))
            let all = try await store.events(bot: bot.id, after: nil)
            #expect(all.map(\.kind) == ["order.intent", "order.accepted", "fill"])
            #expect(all.map(\.sequence) == first + second)
            #expect(try await store.events(bot: bot.id, after: first[1]).map(\.kind) == ["fill"])
            #expect(try await store.events(bot: other.id, after: nil).map(\.payload) == ["running"])
            // A restart reads its orders without the bars: left out by the store, in order, after a sequence too.
            let bars = try await store.append(bot: bot.id, events: [("market.bar", "{}"), ("order.finished", "{\"id\":\"b1-1\"}"), ("market.bar", "{}")],
                                              at: Self.t0 + .seconds(1))
            #expect(try await store.events(bot: bot.id, after: nil, excluding: ["market.bar"]).map(\.sequence) == first + second + [bars[1]])
            #expect(try await store.events(bot: bot.id, after: first[1], excluding: ["market.bar", "fill"]).map(\.kind) == ["order.finished"])
            #expect(try await store.events(bot: bot.id, after: nil, excluding: []).count == 6)
            try await store.setBotState(bot.id, state: "running", now: Self.t0 + .seconds(2))
            #expect(try await store.bot(named: "paper-1")?.state == "running")
            await #expect(throws: StorageError.self) { try await store.setBotState(999_999, state: "running", now: Self.t0) }
            #expect(try await store.bots().map(\.name) == ["paper-1", "paper-2"])
            #expect(try await store.append(bot: bot.id, events: [], at: Self.t0).isEmpty)

            // What was appended is there for a new process: reopen the store and read it back.
            let reopened = try await openStore(url)
            #expect(try await reopened.events(bot: bot.id, after: nil).count == 6)
            await reopened.close()
        }
    }

    @Test("entry text is stored byte for byte: empty, non-ASCII, 12 KB; a group commit keeps each bot's entries", arguments: Backend.allCases)
    func text(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            let one = try await store.createBot(name: "one", definition: "{}", owner: "ops", now: Self.t0)
            let two = try await store.createBot(name: "two", definition: "{}", owner: "ops", now: Self.t0)
            // Payloads are JSON, so a NUL is never raw text in them (it is written `\u0000`).
            let long = (0..<4_096).map { "\($0 % 10)é" }.joined()
            let texts = ["", "{\"note\":\"Zürich → 東京 📈\"}", "a\\u0000b", long]
            let ids = try await store.append([
                BotEventBatch(bot: one.id, events: texts.map { ("k", $0) }, time: Self.t0),
                BotEventBatch(bot: two.id, events: [("", "")], time: Self.t0 + .seconds(1)),
            ])
            #expect(ids.map(\.count) == [4, 1])
            let stored = try await store.events(bot: one.id, after: nil)
            // Compared as a Boolean, so a failure does not print 64 KB.
            let same = stored.map(\.payload) == texts
            #expect(same, "lengths stored \(stored.map(\.payload.utf8.count)), given \(texts.map(\.utf8.count))")
            #expect(stored.map(\.sequence) == ids[0])
            let other = try await store.events(bot: two.id, after: nil)
            #expect(other.map(\.kind) == [""] && other.map(\.payload) == [""] && other.map(\.sequence) == ids[1])
            #expect(other.first?.time == Self.t0 + .seconds(1))
        }
    }

    /// The server reads every bot's journal after its last sequence every 200 ms: that read must
    /// cost the new rows, not the bot's whole journal (no timing here: SQLite's plan says it).
    @Test("a journal read after a sequence seeks by bot and sequence, with no sort (SQLite's plan)")
    func readAfterASequenceSeeks() async throws {
        try await withFreshStore(.sqlite) { store, _ in
            let sqlite = try #require(store as? SQLiteStore)
            let plan = try await sqlite.read { db in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT id, bot_id, time, kind, payload FROM bot_events WHERE bot_id = ? AND id > ? AND kind NOT IN (?) ORDER BY id",
                                 arguments: [1, 5, "market.bar"]).map { row -> String in row["detail"] }
            }
            #expect(plan == ["SEARCH bot_events USING INDEX bot_events_bot_id (bot_id=? AND id>?)"], "\(plan)")
        }
    }

    @Test("an append for an unknown bot writes nothing", arguments: Backend.allCases)
    func atomic(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            let bot = try await store.createBot(name: "b", definition: "{}", owner: "ops", now: Self.t0)
            await #expect(throws: StorageError.self) { _ = try await store.append(bot: bot.id + 1_000, events: [("x", "1"), ("y", "2")], at: Self.t0) }
            #expect(try await store.events(bot: bot.id + 1_000, after: nil).isEmpty)
        }
    }
}
