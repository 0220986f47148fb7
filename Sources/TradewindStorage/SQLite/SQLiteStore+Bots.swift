import GRDB
public import TradewindCore

extension SQLiteStore {
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
        let entries = batch.map { entry in (entry.bot, entry.time.nanosecondsSinceEpoch, entry.events.map { [$0.kind, $0.payload] }) }
        return try await write { db in
            try self.requireCurrentSchema(db)
            let statement = try db.cachedStatement(sql: "INSERT INTO bot_events (bot_id, time, kind, payload) VALUES (?, ?, ?, ?)")
            return try entries.map { bot, time, events in
                try events.map { event in
                    try statement.execute(arguments: [bot, time, event[0], event[1]])
                    return db.lastInsertedRowID
                }
            }
        }
    }

    public func events(bot: Int64, after sequence: Int64?) async throws(StorageError) -> [BotEventRecord] {
        try await read { db in
            try self.requireCurrentSchema(db)
            return try Row.fetchAll(db, sql: "SELECT * FROM bot_events WHERE bot_id = ? AND id > ? ORDER BY id",
                                    arguments: [bot, sequence ?? 0]).map { row in
                BotEventRecord(sequence: row["id"], botID: row["bot_id"], time: Timestamp(nanosecondsSinceEpoch: row["time"]),
                               kind: row["kind"], payload: row["payload"])
            }
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
