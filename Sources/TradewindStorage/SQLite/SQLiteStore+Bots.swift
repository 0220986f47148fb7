import GRDB
import GRDBSQLite
public import TradewindCore

extension SQLiteStore: BlockingCheckpointedJournal {
    public func createBot(name: String, definition: String, owner: String, now: Timestamp) async throws(StorageError) -> BotRecord {
        try await write { db in
            try self.requireCurrentSchema(db)
            try db.execute(sql: "INSERT INTO bots (name, definition, state, owner, created_at, updated_at) VALUES (?, ?, 'stopped', ?, ?, ?)",
                           arguments: [name, definition, owner, now.nanosecondsSinceEpoch, now.nanosecondsSinceEpoch])
            return BotRecord(id: db.lastInsertedRowID, name: name, definition: definition, state: "stopped", owner: owner, createdAt: now, updatedAt: now)
        }
    }

    public func bot(named name: String) async throws(StorageError) -> BotRecord? {
        try await read { db in try self.fetchBots(db, "WHERE name = ?", [name]).first }
    }

    public func bots() async throws(StorageError) -> [BotRecord] {
        try await read { db in try self.fetchBots(db, "ORDER BY id", []) }
    }

    public func setBotState(_ id: Int64, state: String, now: Timestamp) async throws(StorageError) {
        try await write { db in
            try self.requireCurrentSchema(db)
            try db.execute(sql: "UPDATE bots SET state = ?, updated_at = ? WHERE id = ?", arguments: [state, now.nanosecondsSinceEpoch, id])
            guard db.changesCount == 1 else { throw StorageError.constraintViolation("no bot with id \(id)") }
        }
    }

    public func append(_ batch: [BotEventBatch]) async throws(StorageError) -> [[Int64]] {
        try await write { db in
            try self.requireCurrentSchema(db)
            return try self.insert(batch, db)
        }
    }

    public func append(_ batch: [BotEventBatch], checkpoint log: String, position: Int64) async throws(StorageError) {
        try await write { db in try self.insert(batch, checkpoint: log, position: position, db) }
    }

    /// GRDB runs a synchronous write's block on the calling thread (its queue serialises the
    /// callers), so the SQLite work is done at the caller's priority.
    public func appendBlocking(_ batch: [BotEventBatch], checkpoint log: String, position: Int64) throws(StorageError) {
        do {
            try usage.measureBlocking { try writer.write { db in try self.insert(batch, checkpoint: log, position: position, db) } }
        } catch {
            throw Self.map(error, target: path, opening: false)
        }
    }

    private func insert(_ batch: [BotEventBatch], checkpoint log: String, position: Int64, _ db: Database) throws {
        try requireCurrentSchema(db)
        _ = try insert(batch, db)
        try db.execute(sql: """
            INSERT INTO journal_checkpoints (log, position) VALUES (?, ?)
            ON CONFLICT (log) DO UPDATE SET position = excluded.position
            """, arguments: [log, position])
    }

    public func checkpoint(log: String) async throws(StorageError) -> Int64? {
        try await read { db in
            try self.requireCurrentSchema(db)
            return try Int64.fetchOne(db, sql: "SELECT position FROM journal_checkpoints WHERE log = ?", arguments: [log])
        }
    }

    /// The journal's hot path: the insert statement is bound and stepped directly, without a
    /// value box per column or an array of arguments per row.
    private func insert(_ batch: [BotEventBatch], _ db: Database) throws -> [[Int64]] {
        let statement = try db.cachedStatement(sql: "INSERT INTO bot_events (bot_id, time, kind, payload) VALUES (?, ?, ?, ?)")
        let handle = statement.sqliteStatement
        return try batch.map { entry in
            try entry.events.map { event in
                // Unbound after the step, so no pointer into the text below stays with the cached statement.
                defer {
                    sqlite3_reset(handle)
                    sqlite3_clear_bindings(handle)
                }
                sqlite3_bind_int64(handle, 1, entry.bot)
                sqlite3_bind_int64(handle, 2, entry.time.nanosecondsSinceEpoch)
                var kind = event.kind, payload = event.payload
                // Bound as static text: the bytes stay valid until the step inside these closures has run.
                let code = kind.withUTF8 { kindBytes in
                    payload.withUTF8 { payloadBytes in
                        Self.bindText(handle, 3, kindBytes)
                        Self.bindText(handle, 4, payloadBytes)
                        return sqlite3_step(handle)
                    }
                }
                guard code == SQLITE_DONE else {
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
                }
                return sqlite3_last_insert_rowid(db.sqliteConnection)
            }
        }
    }

    /// Binds UTF-8 text that outlives the statement's next step (`SQLITE_STATIC`); empty text binds
    /// as `''`, not NULL.
    private static func bindText(_ handle: OpaquePointer?, _ index: Int32, _ bytes: UnsafeBufferPointer<UInt8>) {
        let empty: StaticString = ""
        let start = UnsafeRawPointer(bytes.baseAddress ?? empty.utf8Start).assumingMemoryBound(to: CChar.self)
        sqlite3_bind_text(handle, index, start, Int32(bytes.count), nil)
    }

    public func events(bot: Int64, after sequence: Int64?) async throws(StorageError) -> [BotEventRecord] {
        try await events(bot: bot, after: sequence, excluding: [])
    }

    public func events(bot: Int64, after sequence: Int64?, excluding kinds: [String]) async throws(StorageError) -> [BotEventRecord] {
        try await read { db in
            try self.requireCurrentSchema(db)
            let leftOut = kinds.isEmpty ? "" : " AND kind NOT IN (\(kinds.map { _ in "?" }.joined(separator: ", ")))"
            var arguments: StatementArguments = [bot, sequence ?? 0]
            arguments += StatementArguments(kinds)
            // A cursor, not `fetchAll` (which holds every row before the records are made), and
            // columns by position: GRDB matches a name case-insensitively, lowercasing it per row
            // and column. A restart reads every order's rows.
            let rows = try Row.fetchCursor(db, sql: "SELECT id, bot_id, time, kind, payload FROM bot_events WHERE bot_id = ? AND id > ?\(leftOut) ORDER BY id",
                                           arguments: arguments)
            var records: [BotEventRecord] = []
            while let row = try rows.next() {
                records.append(BotEventRecord(sequence: row[0], botID: row[1], time: Timestamp(nanosecondsSinceEpoch: row[2]), kind: row[3], payload: row[4]))
            }
            return records
        }
    }

    private func fetchBots(_ db: Database, _ clause: String, _ arguments: StatementArguments) throws -> [BotRecord] {
        try requireCurrentSchema(db)
        return try Row.fetchAll(db, sql: "SELECT * FROM bots \(clause)", arguments: arguments).map { row in
            BotRecord(id: row["id"], name: row["name"], definition: row["definition"], state: row["state"], owner: row["owner"],
                      createdAt: Timestamp(nanosecondsSinceEpoch: row["created_at"]), updatedAt: Timestamp(nanosecondsSinceEpoch: row["updated_at"]))
        }
    }
}
