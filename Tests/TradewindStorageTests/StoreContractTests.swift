import Foundation
import GRDB
import Testing
import TradewindCore
@testable import TradewindStorage

/// Where the contract runs: a fresh SQLite file, and a fresh schema in the test PostgreSQL
/// (started by scripts/test.sh; `TRADEWIND_TEST_POSTGRES_URL`).
enum Backend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }

    static var postgresURL: String? { ProcessInfo.processInfo.environment["TRADEWIND_TEST_POSTGRES_URL"] }

    /// A URL to an empty store of this kind.
    func freshURL() throws -> String {
        let name = "t" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        switch self {
        case .sqlite: return "sqlite:" + NSTemporaryDirectory() + "tradewind-\(name).db"
        case .postgres:
            guard let base = Self.postgresURL else {
                // scripts/test.sh always provides one; a bare `swift test` skips with a clear reason.
                if ProcessInfo.processInfo.environment["TRADEWIND_REQUIRE_POSTGRES"] != nil { Issue.record("TRADEWIND_TEST_POSTGRES_URL missing") }
                throw SkipPostgres()
            }
            return base + "?schema=\(name)&pool=24"
        }
    }
}

struct SkipPostgres: Error {}

func withFreshStore(_ backend: Backend, _ body: (any Store, String) async throws -> Void) async throws {
    let url: String
    do { url = try backend.freshURL() } catch is SkipPostgres { return }
    let store = try await openStore(url)
    do {
        try await body(store, url)
        await store.close()
    } catch {
        await store.close()
        throw error
    }
}

let goog = try! Instrument(id: InstrumentID(symbol: "GOOG", venue: "XNAS"), pricePrecision: 2, sizePrecision: 0)

func minuteBars(_ count: Int, start: Int64 = 1_700_000_000, precision: UInt8 = 2) -> [Bar] {
    (0..<count).map { i in
        let open = Int64(10_000 + (i * 37) % 500)
        return Bar(openTime: Timestamp(secondsSinceEpoch: start + Int64(i) * 60), closeTime: Timestamp(secondsSinceEpoch: start + Int64(i + 1) * 60),
                   openRaw: open, highRaw: open + 25, lowRaw: open - 13, closeRaw: open + 7, volumeRaw: Int64(100 + i),
                   pricePrecision: precision, sizePrecision: 0)
    }
}

@Suite("Store contract (SQLite and PostgreSQL)")
struct StoreContractTests {
    @Test("migrations are recorded, idempotent and reported", arguments: Backend.allCases)
    func migrations(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            #expect(try await store.migrate().isEmpty)
            let status = try await store.schemaStatus()
            #expect(status.databaseVersion == Schema.latestVersion)
            #expect(status.applied.map(\.version) == Schema.migrations.map(\.version))
            #expect(status.pending.isEmpty)
        }
    }

    @Test("candles round-trip exactly; a second import adds nothing; ranges are half-open", arguments: Backend.allCases)
    func candles(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            _ = try await store.register(goog)
            let bars = minuteBars(5_000) + minuteBars(10, start: 1_800_000_000, precision: 4)
            #expect(try await store.insertCandles(bars, instrument: goog.id, timeframe: "1m") == bars.count)
            #expect(try await store.insertCandles(bars, instrument: goog.id, timeframe: "1m") == 0)
            #expect(try await store.insertCandles(Array(bars.prefix(3)) + minuteBars(2, start: 1_900_000_000), instrument: goog.id, timeframe: "1m") == 2)
            let all = try await store.candles(instrument: goog.id, timeframe: "1m", from: nil, to: nil)
            #expect(all == bars + minuteBars(2, start: 1_900_000_000))
            let from = bars[100].openTime, to = bars[200].openTime
            #expect(try await store.candles(instrument: goog.id, timeframe: "1m", from: from, to: to) == Array(bars[100..<200]))
            #expect(try await store.candles(instrument: goog.id, timeframe: "1h", from: nil, to: nil).isEmpty)
            let series = try await store.candleSeries()
            #expect(series == [CandleSeriesSummary(instrument: goog.id, timeframe: "1m", first: bars[0].openTime,
                                                   last: Timestamp(secondsSinceEpoch: 1_900_000_060), count: bars.count + 2)])
        }
    }

    @Test("instruments: registering twice returns the stored one; a different definition is refused", arguments: Backend.allCases)
    func instruments(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            let first = try await store.register(goog, calendar: "XNYS")
            let again = try await store.register(goog)
            #expect(first == again)
            #expect(again.calendar == "XNYS")
            let changed = try Instrument(id: goog.id, pricePrecision: 4, sizePrecision: 0)
            await #expect(throws: StorageError.self) { try await store.register(changed) }
            #expect(try await store.instruments().map(\.instrument) == [goog])
            #expect(try await store.instrument(InstrumentID(symbol: "MSFT", venue: "XNAS")) == nil)
        }
    }

    @Test("bars for an unknown instrument are refused and nothing is written", arguments: Backend.allCases)
    func unknownInstrument(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            let unknown = InstrumentID(symbol: "NOPE", venue: "XNAS")
            await #expect(throws: StorageError.notFound("instrument NOPE.XNAS (register it first)")) {
                try await store.insertCandles(minuteBars(10), instrument: unknown, timeframe: "1m")
            }
            let series = try await store.candleSeries()
            #expect(series.isEmpty)
        }
    }

    @Test("backtest runs and the audit log round-trip, newest first", arguments: Backend.allCases)
    func runsAndAudit(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            let run = BacktestRunRecord(createdAt: Timestamp(secondsSinceEpoch: 1_700_000_000), strategy: "sma-cross", parameters: "fast=10 slow=30",
                                        dataDescription: "GOOG.XNAS 1d", dataHash: "abc", finalEquity: Money("107430.0841"), tradeCount: 32,
                                        results: "{\"x\": 1}")
            let id = try await store.record(run)
            _ = try await store.record(run)
            let runs = try await store.backtestRuns(limit: 10)
            #expect(runs.count == 2)
            var expected = run
            expected.id = id
            #expect(runs.last == expected)
            try await store.appendAudit(AuditEntry(time: Timestamp(secondsSinceEpoch: 1), actor: "ana", action: "data.import", target: "GOOG"))
            try await store.appendAudit(AuditEntry(time: Timestamp(secondsSinceEpoch: 2), actor: "bo", action: "bot.start", target: "b1", details: "x"))
            #expect(try await store.auditLog(limit: 10).map(\.actor) == ["bo", "ana"])
        }
    }

    @Test("64 concurrent tasks mixing reads and writes finish without an error", arguments: Backend.allCases)
    func concurrency(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            _ = try await store.register(goog)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<64 {
                    group.addTask {
                        for round in 0..<5 {
                            if task % 2 == 0 {
                                let start = Int64(1_600_000_000 + (task * 5 + round) * 6_000)
                                _ = try await store.insertCandles(minuteBars(100, start: start), instrument: goog.id, timeframe: "1m")
                            } else {
                                // A window, not the whole series: tests run a debug build, where decoding dominates.
                                let from = Timestamp(secondsSinceEpoch: 1_600_000_000 + Int64(task * 5 + round) * 6_000)
                                _ = try await store.candles(instrument: goog.id, timeframe: "1m", from: from, to: from + .minutes(200))
                                try await store.appendAudit(AuditEntry(time: Timestamp(secondsSinceEpoch: Int64(round)), actor: "t\(task)", action: "read", target: "GOOG"))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await store.candleSeries().first?.count == 32 * 5 * 100)
            #expect(try await store.auditLog(limit: 1_000).count == 32 * 5)
        }
    }

    @Test("the cache serves repeated reads and forgets a series when it is written")
    func cache() async throws {
        try await withFreshStore(.sqlite) { store, _ in
            _ = try await store.register(goog)
            _ = try await store.insertCandles(minuteBars(50), instrument: goog.id, timeframe: "1m")
            let cache = CandleCache(store: store, capacity: 1_000)
            let a = try await cache.candles(instrument: goog.id, timeframe: "1m", from: nil, to: nil)
            let b = try await cache.candles(instrument: goog.id, timeframe: "1m", from: nil, to: nil)
            #expect(a == b && a.count == 50)
            let statistics = await cache.statistics
            #expect(statistics.hits == 1 && statistics.misses == 1)
            _ = try await cache.insertCandles(minuteBars(5, start: 1_800_000_000), instrument: goog.id, timeframe: "1m")
            #expect(try await cache.candles(instrument: goog.id, timeframe: "1m", from: nil, to: nil).count == 55)
            #expect(await cache.statistics.misses == 2)
        }
    }
}

@Suite("SQLite specifics")
struct SQLiteSpecificTests {
    @Test("a database written by a newer tradewind is refused untouched")
    func newerSchema() async throws {
        let path = NSTemporaryDirectory() + "tradewind-newer-\(UUID().uuidString).db"
        let store = try await openStore("sqlite:" + path)
        await store.close()
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in try db.execute(sql: "INSERT INTO schema_migrations VALUES (99, 'future', 'x', 0)") }
        try queue.close()
        await #expect(throws: StorageError.schemaTooNew(database: 99, supported: Schema.latestVersion)) { _ = try await openStore("sqlite:" + path) }
        let reopened = try await openStore("sqlite:" + path, migrate: false)
        #expect(try await reopened.schemaStatus().databaseVersion == 99)
        await reopened.close()
    }

    @Test("a version-1 database is upgraded in place: its row-per-bar candles move into blocks intact")
    func upgradeInPlace() async throws {
        let path = NSTemporaryDirectory() + "tradewind-older-\(UUID().uuidString).db"
        let bars = minuteBars(3_000) + minuteBars(5, start: 1_800_000_000, precision: 4)
        // Exactly what a version-1 tradewind left behind.
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)")
            let first = Schema.migrations[0]
            for statement in first.statements(for: .sqlite) { try db.execute(sql: statement) }
            try db.execute(sql: "INSERT INTO schema_migrations VALUES (1, ?, ?, 0)", arguments: [first.name, first.checksum(for: .sqlite)])
            try db.execute(sql: "INSERT INTO instruments (symbol, venue, price_precision, size_precision, tick_size, lot_size, created_at) VALUES ('GOOG', 'XNAS', 2, 0, '0.01', '1', 0)")
            for bar in bars {
                try db.execute(sql: "INSERT INTO candles VALUES (1, '1m', ?, ?, ?, ?, ?, ?, ?, ?, ?)", arguments: [
                    bar.openTime.nanosecondsSinceEpoch, bar.closeTime.nanosecondsSinceEpoch, bar.openRaw, bar.highRaw, bar.lowRaw,
                    bar.closeRaw, bar.volumeRaw, Int(bar.pricePrecision), Int(bar.sizePrecision)])
            }
        }
        try queue.close()
        let upgraded = try SQLiteStore(path: path)
        #expect(try await upgraded.migrate() == Array(2...Schema.latestVersion))
        #expect(try await upgraded.instruments().map(\.instrument.id) == [goog.id])
        #expect(try await upgraded.candles(instrument: goog.id, timeframe: "1m", from: nil, to: nil) == bars)
        #expect(try await upgraded.candleSeries().first?.count == bars.count)
        #expect(try await upgraded.insertCandles(bars, instrument: goog.id, timeframe: "1m") == 0)
        await upgraded.close()
    }

    @Test("bad locations get one clear message")
    func badLocations() async throws {
        await #expect(throws: StorageError.unavailable("/nonexistent-dir/x.db", reason: "directory /nonexistent-dir does not exist")) {
            _ = try await openStore("sqlite:/nonexistent-dir/x.db")
        }
        #expect(throws: StorageError.self) { try StoreLocation(parsing: "mysql://x") }
        #expect(throws: StorageError.self) { try StoreLocation(parsing: "postgres://u:p@host:99999/db") }
        #expect(throws: StorageError.self) { try StoreLocation(parsing: "postgres://u:p@host/db?bogus=1") }
        let parsed = try StoreLocation(parsing: "postgres://ana:p%40ss@db.example:6543/trading?schema=prod&pool=8")
        #expect(parsed == .postgres(.init(host: "db.example", port: 6543, user: "ana", password: "p@ss", database: "trading", schema: "prod", poolSize: 8)))
        #expect(parsed.description == "postgres://ana@db.example:6543/trading?schema=prod")
        // A read-only file: the write names the cause.
        let path = NSTemporaryDirectory() + "tradewind-ro-\(UUID().uuidString).db"
        let store = try await openStore("sqlite:" + path)
        _ = try await store.register(goog)
        await store.close()
        let readOnly = try await openStore("sqlite:" + path)
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: path)
        defer { try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path) }
        await readOnly.close()
        if getuid() != 0 {  // root ignores file permissions
            await #expect(throws: StorageError.self) {
                let s = try await openStore("sqlite:" + path, migrate: false)
                _ = try await s.insertCandles(minuteBars(1), instrument: goog.id, timeframe: "1m")
            }
        }
    }
}

@Suite("PostgreSQL specifics")
struct PostgresSpecificTests {
    @Test("an unreachable server is reported, not hung on")
    func unreachable() async throws {
        await #expect(throws: StorageError.self) { _ = try await openStore("postgres://u:p@127.0.0.1:1/x?connect_timeout=1") }
    }

    @Test("a wrong password is reported as an authentication failure")
    func wrongPassword() async throws {
        guard let base = Backend.postgresURL else { return }
        let wrong = base.replacingOccurrences(of: "tradewind-test@", with: "wrong@")
        await #expect(throws: StorageError.self) { _ = try await openStore(wrong) }
    }
}

@Suite("Candle blocks")
struct CandleBlockTests {
    @Test("packing round-trips exactly; batches are sorted, de-duplicated and cut at block boundaries (also before 1970)")
    func packing() throws {
        let bars = minuteBars(2_500, start: -100_000) + minuteBars(3, start: 1_700_000_000, precision: 6)
        #expect(try CandleBlocks.decode(CandleBlocks.encode(bars[...])) == bars)
        let span = CandleBlocks.span(timeframe: "1m")
        #expect(span == 1_024 * 60_000_000_000)
        let groups = CandleBlocks.group(bars.reversed() + bars.prefix(10), span: span)
        #expect(groups.flatMap(\.bars) == bars)
        for group in groups {
            #expect(group.bars.allSatisfy { CandleBlocks.blockStart($0.openTime.nanosecondsSinceEpoch, span: span) == group.start })
        }
        #expect(CandleBlocks.blockStart(-1, span: 10) == -10)
        let merged = CandleBlocks.merge(existing: Array(bars[0..<10]), adding: bars[5..<20])
        #expect(merged.added == 10 && merged.bars == Array(bars[0..<20]))
    }

    @Test("a batch landing inside stored blocks adds only its new bars", arguments: Backend.allCases)
    func mergeIntoStored(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            _ = try await store.register(goog)
            let all = minuteBars(3_000)
            let evens = all.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)
            #expect(try await store.insertCandles(evens, instrument: goog.id, timeframe: "1m") == 1_500)
            #expect(try await store.insertCandles(all.reversed(), instrument: goog.id, timeframe: "1m") == 1_500)
            #expect(try await store.candles(instrument: goog.id, timeframe: "1m", from: nil, to: nil) == all)
        }
    }
}
