import Logging
import PostgresNIO
public import TradewindCore

extension PostgresStore {
    // MARK: - Accounts

    public func createUser(name: String, passwordHash: String, role: String, now: Timestamp) async throws(StorageError) -> UserRecord {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            let rows = try await connection.query("""
                INSERT INTO users (name, password_hash, role, created_at) VALUES (\(name), \(passwordHash), \(role), \(now.nanosecondsSinceEpoch))
                RETURNING id
                """, logger: self.logger)
            guard let id = try await rows.collect().first?.decode(Int64.self) else { throw StorageError.backend("insert returned no id") }
            return UserRecord(id: id, name: name, passwordHash: passwordHash, role: role, createdAt: now)
        }
    }

    public func user(named name: String) async throws(StorageError) -> UserRecord? {
        try await run { connection in
            try await self.fetchUsers(connection, "SELECT id, name, password_hash, role, created_at FROM users WHERE name = \(name)").first
        }
    }

    public func user(id: Int64) async throws(StorageError) -> UserRecord? {
        try await run { connection in
            try await self.fetchUsers(connection, "SELECT id, name, password_hash, role, created_at FROM users WHERE id = \(id)").first
        }
    }

    public func users() async throws(StorageError) -> [UserRecord] {
        try await run { connection in
            try await self.fetchUsers(connection, "SELECT id, name, password_hash, role, created_at FROM users ORDER BY id")
        }
    }

    private func fetchUsers(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [UserRecord] {
        try await requireCurrentSchema(connection)
        var result: [UserRecord] = []
        for try await row in try await connection.query(query, logger: logger).decode((Int64, String, String, String, Int64).self) {
            result.append(UserRecord(id: row.0, name: row.1, passwordHash: row.2, role: row.3, createdAt: Timestamp(nanosecondsSinceEpoch: row.4)))
        }
        return result
    }

    public func createAPIKey(user: Int64, name: String, prefix: String, secretHash: String, now: Timestamp) async throws(StorageError) -> APIKeyRecord {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            let rows = try await connection.query("""
                INSERT INTO api_keys (user_id, name, prefix, secret_hash, created_at)
                VALUES (\(user), \(name), \(prefix), \(secretHash), \(now.nanosecondsSinceEpoch)) RETURNING id
                """, logger: self.logger)
            guard let id = try await rows.collect().first?.decode(Int64.self) else { throw StorageError.backend("insert returned no id") }
            return APIKeyRecord(id: id, userID: user, name: name, prefix: prefix, secretHash: secretHash, createdAt: now, revokedAt: nil)
        }
    }

    public func apiKey(prefix: String) async throws(StorageError) -> APIKeyRecord? {
        try await run { connection in
            try await self.fetchKeys(connection, """
                SELECT id, user_id, name, prefix, secret_hash, created_at, revoked_at FROM api_keys WHERE prefix = \(prefix)
                """).first
        }
    }

    public func apiKeys(user: Int64) async throws(StorageError) -> [APIKeyRecord] {
        try await run { connection in
            try await self.fetchKeys(connection, """
                SELECT id, user_id, name, prefix, secret_hash, created_at, revoked_at FROM api_keys WHERE user_id = \(user) ORDER BY id
                """)
        }
    }

    public func revokeAPIKey(id: Int64, user: Int64, now: Timestamp) async throws(StorageError) {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            let rows = try await connection.query("""
                UPDATE api_keys SET revoked_at = COALESCE(revoked_at, \(now.nanosecondsSinceEpoch)) WHERE id = \(id) AND user_id = \(user) RETURNING id
                """, logger: self.logger)
            guard try await rows.collect().count == 1 else { throw StorageError.notFound("API key \(id)") }
        }
    }

    private func fetchKeys(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [APIKeyRecord] {
        try await requireCurrentSchema(connection)
        var result: [APIKeyRecord] = []
        for try await row in try await connection.query(query, logger: logger).decode((Int64, Int64, String, String, String, Int64, Int64?).self) {
            result.append(APIKeyRecord(id: row.0, userID: row.1, name: row.2, prefix: row.3, secretHash: row.4,
                                       createdAt: Timestamp(nanosecondsSinceEpoch: row.5), revokedAt: row.6.map(Timestamp.init(nanosecondsSinceEpoch:))))
        }
        return result
    }

    // MARK: - Configuration history

    public func recordConfigVersion(content: String, checksum: String, author: String, now: Timestamp) async throws(StorageError) -> Int64 {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await self.requireCurrentSchema(connection)
                // Serialises concurrent recorders so version numbers stay dense and unique.
                try await connection.query("LOCK TABLE config_versions IN EXCLUSIVE MODE", logger: self.logger)
                let rows = try await connection.query("""
                    INSERT INTO config_versions (version, created_at, author, content, checksum)
                    SELECT COALESCE(MAX(version), 0) + 1, \(now.nanosecondsSinceEpoch), \(author), \(content), \(checksum) FROM config_versions
                    RETURNING version
                    """, logger: self.logger)
                guard let version = try await rows.collect().first?.decode(Int64.self) else { throw StorageError.backend("insert returned no version") }
                return version
            }
        } catch {
            throw Self.map(error, location: location, opening: false)
        }
    }

    public func configVersions(limit: Int) async throws(StorageError) -> [ConfigVersionRecord] {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            var result: [ConfigVersionRecord] = []
            for try await row in try await connection.query("""
                SELECT version, created_at, author, content, checksum FROM config_versions ORDER BY version DESC LIMIT \(Int64(limit))
                """, logger: self.logger).decode((Int64, Int64, String, String, String).self) {
                result.append(ConfigVersionRecord(version: row.0, createdAt: Timestamp(nanosecondsSinceEpoch: row.1), author: row.2,
                                                  content: row.3, checksum: row.4))
            }
            return result
        }
    }

    // MARK: - Backtest jobs

    public func submitBacktestJob(request: String, by user: String, now: Timestamp) async throws(StorageError) -> BacktestJobRecord {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            let rows = try await connection.query("""
                INSERT INTO backtest_jobs (status, request, submitted_by, submitted_at) VALUES ('queued', \(request), \(user), \(now.nanosecondsSinceEpoch))
                RETURNING id
                """, logger: self.logger)
            guard let id = try await rows.collect().first?.decode(Int64.self) else { throw StorageError.backend("insert returned no id") }
            return BacktestJobRecord(id: id, status: "queued", request: request, submittedBy: user, submittedAt: now, finishedAt: nil, runID: nil, error: nil)
        }
    }

    public func updateBacktestJob(id: Int64, status: String, runID: Int64?, error: String?, now: Timestamp) async throws(StorageError) {
        let finished: Int64? = ["succeeded", "failed"].contains(status) ? now.nanosecondsSinceEpoch : nil
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            let rows = try await connection.query("""
                UPDATE backtest_jobs SET status = \(status), run_id = \(runID), error = \(error), finished_at = \(finished) WHERE id = \(id) RETURNING id
                """, logger: self.logger)
            guard try await rows.collect().count == 1 else { throw StorageError.notFound("backtest job \(id)") }
        }
    }

    public func backtestJob(id: Int64) async throws(StorageError) -> BacktestJobRecord? {
        try await run { connection in
            try await self.fetchJobs(connection, """
                SELECT id, status, request, submitted_by, submitted_at, finished_at, run_id, error FROM backtest_jobs WHERE id = \(id)
                """).first
        }
    }

    public func backtestJobs(limit: Int) async throws(StorageError) -> [BacktestJobRecord] {
        try await run { connection in
            try await self.fetchJobs(connection, """
                SELECT id, status, request, submitted_by, submitted_at, finished_at, run_id, error FROM backtest_jobs ORDER BY id DESC LIMIT \(Int64(limit))
                """)
        }
    }

    private func fetchJobs(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [BacktestJobRecord] {
        try await requireCurrentSchema(connection)
        var result: [BacktestJobRecord] = []
        for try await row in try await connection.query(query, logger: logger)
            .decode((Int64, String, String, String, Int64, Int64?, Int64?, String?).self) {
            result.append(BacktestJobRecord(id: row.0, status: row.1, request: row.2, submittedBy: row.3, submittedAt: Timestamp(nanosecondsSinceEpoch: row.4),
                                            finishedAt: row.5.map(Timestamp.init(nanosecondsSinceEpoch:)), runID: row.6, error: row.7))
        }
        return result
    }
}
