import Logging
import PostgresNIO
public import TradewindCore

extension PostgresStore {
    public func createBot(name: String, definition: String, owner: String, now: Timestamp) async throws(StorageError) -> BotRecord {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            let rows = try await connection.query("""
                INSERT INTO bots (name, definition, state, owner, created_at, updated_at)
                VALUES (\(name), \(definition), 'stopped', \(owner), \(now.nanosecondsSinceEpoch), \(now.nanosecondsSinceEpoch)) RETURNING id
                """, logger: self.logger)
            guard let id = try await rows.collect().first?.decode(Int64.self) else { throw StorageError.backend("insert returned no id") }
            return BotRecord(id: id, name: name, definition: definition, state: "stopped", owner: owner, createdAt: now, updatedAt: now)
        }
    }

    public func bot(named name: String) async throws(StorageError) -> BotRecord? {
        try await run { connection in
            try await self.fetchBots(connection, "SELECT id, name, definition, state, owner, created_at, updated_at FROM bots WHERE name = \(name)").first
        }
    }

    public func bots() async throws(StorageError) -> [BotRecord] {
        try await run { connection in
            try await self.fetchBots(connection, "SELECT id, name, definition, state, owner, created_at, updated_at FROM bots ORDER BY id")
        }
    }

    public func setBotState(_ id: Int64, state: String, now: Timestamp) async throws(StorageError) {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            let rows = try await connection.query("""
                UPDATE bots SET state = \(state), updated_at = \(now.nanosecondsSinceEpoch) WHERE id = \(id) RETURNING id
                """, logger: self.logger)
            guard try await rows.collect().count == 1 else { throw StorageError.constraintViolation("no bot with id \(id)") }
        }
    }

    public func append(_ batch: [BotEventBatch]) async throws(StorageError) -> [[Int64]] {
        do {
            let ids: [Int64] = try await client.withTransaction(logger: logger) { connection in
                try await self.requireCurrentSchema(connection)
                return try await self.insert(batch, connection)
            }
            var offset = 0
            return batch.map { entry in
                defer { offset += entry.events.count }
                return Array(ids[offset..<offset + entry.events.count])
            }
        } catch {
            throw Self.map(error, location: location, opening: false)
        }
    }

    public func append(_ batch: [BotEventBatch], checkpoint log: String, position: Int64) async throws(StorageError) {
        do {
            try await client.withTransaction(logger: logger) { connection in
                try await self.requireCurrentSchema(connection)
                _ = try await self.insert(batch, connection)
                try await connection.query("""
                    INSERT INTO journal_checkpoints (log, position) VALUES (\(log), \(position))
                    ON CONFLICT (log) DO UPDATE SET position = excluded.position
                    """, logger: self.logger)
            }
        } catch {
            throw Self.map(error, location: location, opening: false)
        }
    }

    public func checkpoint(log: String) async throws(StorageError) -> Int64? {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            for try await position in try await connection.query("SELECT position FROM journal_checkpoints WHERE log = \(log)",
                                                                  logger: self.logger).decode(Int64.self) {
                return position
            }
            return nil
        }
    }

    /// One statement for the whole group: the rows go in in order, so the ids sorted are theirs.
    private func insert(_ batch: [BotEventBatch], _ connection: PostgresConnection) async throws -> [Int64] {
        let bots = batch.flatMap { entry in entry.events.map { _ in entry.bot } }
        let times = batch.flatMap { entry in entry.events.map { _ in entry.time.nanosecondsSinceEpoch } }
        let kinds = batch.flatMap { $0.events.map(\.kind) }, payloads = batch.flatMap { $0.events.map(\.payload) }
        let rows = try await connection.query("""
            INSERT INTO bot_events (bot_id, time, kind, payload)
            SELECT b, t, k, p FROM unnest(\(bots)::bigint[], \(times)::bigint[], \(kinds)::text[], \(payloads)::text[])
                WITH ORDINALITY AS e(b, t, k, p, n)
            ORDER BY n RETURNING id
            """, logger: logger)
        var ids: [Int64] = []
        for try await id in rows.decode(Int64.self) { ids.append(id) }
        return ids.sorted()
    }

    public func events(bot: Int64, after sequence: Int64?) async throws(StorageError) -> [BotEventRecord] {
        try await events(bot: bot, after: sequence, excluding: [])
    }

    public func events(bot: Int64, after sequence: Int64?, excluding kinds: [String]) async throws(StorageError) -> [BotEventRecord] {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            var result: [BotEventRecord] = []
            for try await row in try await connection.query("""
                SELECT id, bot_id, time, kind, payload FROM bot_events
                WHERE bot_id = \(bot) AND id > \(sequence ?? 0) AND NOT (kind = ANY(\(kinds))) ORDER BY id
                """, logger: self.logger).decode((Int64, Int64, Int64, String, String).self) {
                result.append(BotEventRecord(sequence: row.0, botID: row.1, time: Timestamp(nanosecondsSinceEpoch: row.2), kind: row.3, payload: row.4))
            }
            return result
        }
    }

    private func fetchBots(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [BotRecord] {
        try await requireCurrentSchema(connection)
        var result: [BotRecord] = []
        for try await row in try await connection.query(query, logger: logger).decode((Int64, String, String, String, String, Int64, Int64).self) {
            result.append(BotRecord(id: row.0, name: row.1, definition: row.2, state: row.3, owner: row.4,
                                    createdAt: Timestamp(nanosecondsSinceEpoch: row.5), updatedAt: Timestamp(nanosecondsSinceEpoch: row.6)))
        }
        return result
    }
}
