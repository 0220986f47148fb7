import Foundation
import GRDB
import GRDBSQLite
public import TradewindCore

/// The embedded default: one SQLite file through GRDB.
///
/// A `DatabasePool` in WAL mode: readers run concurrently with the single writer, and a busy
/// database is waited for (up to ``busyTimeout``) instead of surfacing "database is locked".
/// Bulk paths (candle insert and range read) bind and step SQLite statements directly,
/// inside GRDB's serialized access, to avoid a value box per column.
public final class SQLiteStore: Store {
    public let location: StoreLocation
    let path: String
    let writer: any DatabaseWriter
    let usage: PoolUsage
    /// How long a writer waits for another before giving up.
    public static let busyTimeout: Double = 30

    /// Opens (creating if needed) the database file. Does not migrate: see ``openStore(_:migrate:)``.
    public init(path: String, readers: Int = 8) throws(StorageError) {
        self.path = path
        self.location = .sqlite(path: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(Self.busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.maximumReaderCount = max(1, readers)
        usage = PoolUsage(engine: "sqlite", size: max(1, readers) + 1)
        configuration.prepareDatabase { db in
            // WAL makes NORMAL durable against application crashes; only power loss can drop the last commits.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Reads map the file instead of copying pages; a larger page cache keeps the candle
            // index's upper levels resident during bulk imports.
            try db.execute(sql: "PRAGMA mmap_size = 1073741824")
            try db.execute(sql: "PRAGMA cache_size = -65536")
        }
        do {
            if path == ":memory:" {
                writer = try DatabaseQueue(configuration: configuration)
            } else {
                let directory = (path as NSString).deletingLastPathComponent
                if !directory.isEmpty, !FileManager.default.fileExists(atPath: directory) {
                    throw StorageError.unavailable(path, reason: "directory \(directory) does not exist")
                }
                writer = try DatabasePool(path: path, configuration: configuration)
            }
        } catch let error as StorageError {
            throw error
        } catch {
            throw Self.map(error, target: path, opening: true)
        }
    }

    public func close() async {
        try? (writer as? DatabasePool)?.close()
        try? (writer as? DatabaseQueue)?.close()
    }

    // MARK: - Schema

    public func migrate() async throws(StorageError) -> [Int] {
        let databaseVersion = try await write { db in
            try Self.ensureMigrationTable(db)
            return try Schema.checkedVersion(of: try Self.appliedMigrations(db), dialect: .sqlite)
        }
        var done: [Int] = []
        for migration in Schema.migrations where migration.version > databaseVersion {
            do {
                try await write { db in
                    for statement in migration.statements(for: .sqlite) { try db.execute(sql: statement) }
                    if migration.dataStep == .candlesIntoBlocks { try Self.moveCandlesIntoBlocks(db) }
                    for statement in migration.finally { try db.execute(sql: statement) }
                    try db.execute(sql: "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)",
                                   arguments: [migration.version, migration.name, migration.checksum(for: .sqlite), StoredValues.now().nanosecondsSinceEpoch])
                }
            } catch {
                throw .migrationFailed(version: migration.version, name: migration.name, reason: error.description)
            }
            done.append(migration.version)
        }
        return done
    }

    public func schemaStatus() async throws(StorageError) -> SchemaStatus {
        try await read { db in
            let exists = try Bool.fetchOne(db, sql: "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'") ?? false
            let applied = exists ? try Self.appliedMigrations(db) : []
            let journal = try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "?"
            let version = try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? "?"
            return SchemaStatus(applied: applied, engine: "SQLite \(version), journal \(journal)")
        }
    }

    static func ensureMigrationTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at INTEGER NOT NULL)
            """)
    }

    static func appliedMigrations(_ db: Database) throws -> [AppliedMigrationRow] {
        try Row.fetchAll(db, sql: "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version").map {
            AppliedMigrationRow(version: $0["version"], name: $0["name"], checksum: $0["checksum"], appliedAt: $0["applied_at"])
        }
    }

    /// Refuses to work on a database that is not exactly at this binary's schema.
    func requireCurrentSchema(_ db: Database) throws {
        // Every write asks (a newer binary may have migrated the file since it was opened); the
        // statement is prepared once per connection.
        try Schema.requireCurrent(try Int.fetchOne(db.cachedStatement(sql: "SELECT max(version) FROM schema_migrations")) ?? 0)
    }

    // MARK: - Instruments and candles

    public func register(_ instrument: Instrument, calendar: String?) async throws(StorageError) -> StoredInstrument {
        try await write { db in
            try self.requireCurrentSchema(db)
            if var existing = try Self.fetchInstrument(db, instrument.id) {
                guard existing.instrument == instrument else {
                    throw StoredValues.conflict(stored: existing.instrument, given: instrument)
                }
                if let calendar, calendar != existing.calendar {
                    try db.execute(sql: "UPDATE instruments SET calendar = ? WHERE id = ?", arguments: [calendar, existing.key])
                    existing.calendar = calendar
                }
                return existing
            }
            try db.execute(sql: """
                INSERT INTO instruments (symbol, venue, price_precision, size_precision, tick_size, lot_size, calendar, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [instrument.id.symbol, instrument.id.venue, Int(instrument.pricePrecision), Int(instrument.sizePrecision),
                                 instrument.tickSize.description, instrument.lotSize.description, calendar, StoredValues.now().nanosecondsSinceEpoch])
            return StoredInstrument(key: db.lastInsertedRowID, instrument: instrument, calendar: calendar)
        }
    }

    public func instruments() async throws(StorageError) -> [StoredInstrument] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM instruments ORDER BY symbol, venue").map(Self.decodeInstrument)
        }
    }

    public func instrument(_ id: InstrumentID) async throws(StorageError) -> StoredInstrument? {
        try await read { db in try Self.fetchInstrument(db, id) }
    }

    static func fetchInstrument(_ db: Database, _ id: InstrumentID) throws -> StoredInstrument? {
        try Row.fetchOne(db, sql: "SELECT * FROM instruments WHERE symbol = ? AND venue = ?", arguments: [id.symbol, id.venue])
            .map(decodeInstrument)
    }

    static func decodeInstrument(_ row: Row) throws -> StoredInstrument {
        try StoredInstrument(
            key: row["id"],
            instrument: StoredValues.instrument(symbol: row["symbol"], venue: row["venue"], pricePrecision: row["price_precision"],
                                                sizePrecision: row["size_precision"], tickSize: row["tick_size"], lotSize: row["lot_size"]),
            calendar: row["calendar"])
    }

    public func insertCandles(_ bars: [Bar], instrument: InstrumentID, timeframe: String) async throws(StorageError) -> Int {
        guard !bars.isEmpty else { return 0 }
        return try await write { db in
            try self.requireCurrentSchema(db)
            guard let key = try Int64.fetchOne(db, sql: "SELECT id FROM instruments WHERE symbol = ? AND venue = ?",
                                               arguments: [instrument.symbol, instrument.venue]) else {
                throw StorageError.notFound("instrument \(instrument) (register it first)")
            }
            try db.execute(sql: "INSERT INTO candle_series (instrument_id, timeframe) VALUES (?, ?) ON CONFLICT DO NOTHING", arguments: [key, timeframe])
            let series = try Int64.fetchOne(db, sql: "SELECT id FROM candle_series WHERE instrument_id = ? AND timeframe = ?",
                                            arguments: [key, timeframe])!
            return try Self.writeBlocks(db, series: series, timeframe: timeframe, bars: bars)
        }
    }

    /// Merges bars into their blocks (reading the blocks they land in first); returns how many were new.
    static func writeBlocks(_ db: Database, series: Int64, timeframe: String, bars: [Bar]) throws -> Int {
        let span = CandleBlocks.span(timeframe: timeframe)
        let groups = CandleBlocks.group(bars, span: span)
        guard let first = groups.first, let last = groups.last else { return 0 }
        var existing: [Int64: [UInt8]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT block_start, bars FROM candle_blocks WHERE series_id = ? AND block_start BETWEEN ? AND ?",
                                    arguments: [series, first.start, last.start]) {
            let bytes: Data = row["bars"]
            existing[row["block_start"]] = [UInt8](bytes)
        }
        let statement = try db.cachedStatement(sql: """
            INSERT INTO candle_blocks (series_id, block_start, bar_count, first_open, last_open, bars) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (series_id, block_start) DO UPDATE SET bar_count = excluded.bar_count, first_open = excluded.first_open,
                last_open = excluded.last_open, bars = excluded.bars
            """)
        var added = 0
        for group in groups {
            let stored = try existing[group.start].map { bytes throws in try CandleBlocks.decode(bytes) } ?? []
            let (merged, new) = CandleBlocks.merge(existing: stored, adding: group.bars)
            guard new > 0 else { continue }
            added += new
            try statement.execute(arguments: [series, group.start, merged.count, merged.first!.openTime.nanosecondsSinceEpoch,
                                              merged.last!.openTime.nanosecondsSinceEpoch, Data(CandleBlocks.encode(merged[...]))])
        }
        return added
    }

    /// Migration 5's data step: every series of the row-per-bar table, packed into blocks.
    static func moveCandlesIntoBlocks(_ db: Database) throws {
        for row in try Row.fetchAll(db, sql: "SELECT DISTINCT instrument_id, timeframe FROM candles") {
            let instrument: Int64 = row["instrument_id"]
            let timeframe: String = row["timeframe"]
            try db.execute(sql: "INSERT INTO candle_series (instrument_id, timeframe) VALUES (?, ?)", arguments: [instrument, timeframe])
            let series = db.lastInsertedRowID
            let bars = try Row.fetchAll(db, sql: """
                SELECT open_time, close_time, open, high, low, close, volume, price_precision, size_precision FROM candles
                WHERE instrument_id = ? AND timeframe = ? ORDER BY open_time
                """, arguments: [instrument, timeframe]).map { r in
                Bar(openTime: Timestamp(nanosecondsSinceEpoch: r[0]), closeTime: Timestamp(nanosecondsSinceEpoch: r[1]), openRaw: r[2], highRaw: r[3],
                    lowRaw: r[4], closeRaw: r[5], volumeRaw: r[6], pricePrecision: UInt8(r[7] as Int), sizePrecision: UInt8(r[8] as Int))
            }
            _ = try writeBlocks(db, series: series, timeframe: timeframe, bars: bars)
        }
    }

    public func candles(instrument: InstrumentID, timeframe: String, from: Timestamp?, to: Timestamp?) async throws(StorageError) -> [Bar] {
        try await read { db in
            try self.requireCurrentSchema(db)
            let lower = from?.nanosecondsSinceEpoch ?? Int64.min, upper = to?.nanosecondsSinceEpoch ?? Int64.max
            let statement = try db.makeStatement(sql: """
                SELECT b.bar_count, b.bars FROM candle_blocks b
                JOIN candle_series s ON s.id = b.series_id JOIN instruments i ON i.id = s.instrument_id
                WHERE i.symbol = ? AND i.venue = ? AND s.timeframe = ? AND b.last_open >= ? AND b.first_open < ?
                ORDER BY b.block_start
                """)
            try statement.setArguments([instrument.symbol, instrument.venue, timeframe, lower, upper])
            let handle = statement.sqliteStatement
            var bars: [Bar] = []
            defer { sqlite3_reset(handle) }
            while true {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { break }
                guard code == SQLITE_ROW else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                // The blob stays valid until the next step: decode it now.
                let length = Int(sqlite3_column_bytes(handle, 1))
                let pointer = sqlite3_column_blob(handle, 1)
                if bars.isEmpty { bars.reserveCapacity(Int(sqlite3_column_int64(handle, 0)) * 4) }
                if let pointer {
                    try CandleBlocks.decode(UnsafeRawBufferPointer(start: pointer, count: length), from: lower, to: upper, into: &bars)
                }
            }
            return bars
        }
    }

    public func candleSeries() async throws(StorageError) -> [CandleSeriesSummary] {
        try await read { db in
            try self.requireCurrentSchema(db)
            return try Row.fetchAll(db, sql: """
                SELECT i.symbol, i.venue, s.timeframe, min(b.first_open) AS first, max(b.last_open) AS last, sum(b.bar_count) AS n
                FROM candle_blocks b JOIN candle_series s ON s.id = b.series_id JOIN instruments i ON i.id = s.instrument_id
                GROUP BY i.symbol, i.venue, s.timeframe ORDER BY i.symbol, i.venue, s.timeframe
                """).map {
                CandleSeriesSummary(instrument: InstrumentID(symbol: $0["symbol"], venue: $0["venue"]), timeframe: $0["timeframe"],
                                    first: Timestamp(nanosecondsSinceEpoch: $0["first"]), last: Timestamp(nanosecondsSinceEpoch: $0["last"]),
                                    count: $0["n"])
            }
        }
    }

    // MARK: - Backtest runs and audit

    public func record(_ run: BacktestRunRecord) async throws(StorageError) -> Int64 {
        try await write { db in
            try self.requireCurrentSchema(db)
            try db.execute(sql: """
                INSERT INTO backtest_runs (created_at, strategy, parameters, data_description, data_hash, final_equity, trade_count, results)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [run.createdAt.nanosecondsSinceEpoch, run.strategy, run.parameters, run.dataDescription, run.dataHash,
                                 run.finalEquity.description, run.tradeCount, run.results])
            return db.lastInsertedRowID
        }
    }

    public func backtestRuns(limit: Int) async throws(StorageError) -> [BacktestRunRecord] {
        try await read { db in try self.fetchRuns(db, "ORDER BY id DESC LIMIT ?", [limit]) }
    }

    public func backtestRun(id: Int64) async throws(StorageError) -> BacktestRunRecord? {
        try await read { db in try self.fetchRuns(db, "WHERE id = ?", [id]).first }
    }

    private func fetchRuns(_ db: Database, _ clause: String, _ arguments: StatementArguments) throws -> [BacktestRunRecord] {
        try requireCurrentSchema(db)
        return try Row.fetchAll(db, sql: "SELECT * FROM backtest_runs \(clause)", arguments: arguments).map { row in
            try StoredValues.backtestRun(id: row["id"], createdAt: row["created_at"], strategy: row["strategy"], parameters: row["parameters"],
                                         dataDescription: row["data_description"], dataHash: row["data_hash"],
                                         finalEquity: row["final_equity"], tradeCount: row["trade_count"], results: row["results"])
        }
    }

    public func appendAudit(_ entry: AuditEntry) async throws(StorageError) {
        try await write { db in
            try self.requireCurrentSchema(db)
            try db.execute(sql: "INSERT INTO audit_log (time, actor, action, target, details) VALUES (?, ?, ?, ?, ?)",
                           arguments: [entry.time.nanosecondsSinceEpoch, entry.actor, entry.action, entry.target, entry.details])
        }
    }

    public func auditLog(limit: Int) async throws(StorageError) -> [AuditEntry] {
        try await read { db in
            try self.requireCurrentSchema(db)
            return try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                AuditEntry(time: Timestamp(nanosecondsSinceEpoch: $0["time"]), actor: $0["actor"], action: $0["action"],
                           target: $0["target"], details: $0["details"])
            }
        }
    }

    // MARK: - Backup

    public func backup(to path: String) async throws(StorageError) -> String {
        do {
            let destination = try DatabaseQueue(path: path)
            try writer.backup(to: destination)
            try destination.close()
        } catch {
            throw Self.map(error, target: path, opening: false)
        }
        return "online backup of \(self.path) written to \(path)"
    }

    // MARK: - Access and error mapping

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do { return try await usage.measure { try await writer.write(body) } } catch { throw Self.map(error, target: path, opening: false) }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws(StorageError) -> T {
        do { return try await usage.measure { try await writer.read(body) } } catch { throw Self.map(error, target: path, opening: false) }
    }

    static func map(_ error: any Error, target: String, opening: Bool) -> StorageError {
        if let error = error as? StorageError { return error }
        guard let error = error as? DatabaseError else { return .backend("\(error)") }
        let message = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_CONSTRAINT: return .constraintViolation(message)
        case .SQLITE_READONLY: return .readOnly(target)
        case .SQLITE_FULL: return .diskFull(target)
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH: return .unavailable(target, reason: message)
        case .SQLITE_NOTADB, .SQLITE_CORRUPT: return .unavailable(target, reason: "not a Tradewind SQLite database (\(message))")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return .backend("the database stayed busy for \(Int(busyTimeout)) s (another process holds a long write): \(message)")
        default: return opening ? .unavailable(target, reason: message) : .backend(message)
        }
    }
}
