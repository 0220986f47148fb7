import GRDB
public import TradewindCore

extension SQLiteStore {
    // MARK: - Accounts

    public func createUser(name: String, passwordHash: String, role: String, now: Timestamp) async throws(StorageError) -> UserRecord {
        try await write { db in
            try self.requireCurrentSchema(db)
            try db.execute(sql: "INSERT INTO users (name, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
                           arguments: [name, passwordHash, role, now.nanosecondsSinceEpoch])
            return UserRecord(id: db.lastInsertedRowID, name: name, passwordHash: passwordHash, role: role, createdAt: now)
        }
    }

    public func user(named name: String) async throws(StorageError) -> UserRecord? {
        try await read { db in try self.fetchUsers(db, "WHERE name = ?", [name]).first }
    }

    public func user(id: Int64) async throws(StorageError) -> UserRecord? {
        try await read { db in try self.fetchUsers(db, "WHERE id = ?", [id]).first }
    }

    public func users() async throws(StorageError) -> [UserRecord] {
        try await read { db in try self.fetchUsers(db, "ORDER BY id", []) }
    }

    private func fetchUsers(_ db: Database, _ clause: String, _ arguments: StatementArguments) throws -> [UserRecord] {
        try requireCurrentSchema(db)
        return try Row.fetchAll(db, sql: "SELECT * FROM users \(clause)", arguments: arguments).map { row in
            UserRecord(id: row["id"], name: row["name"], passwordHash: row["password_hash"], role: row["role"],
                       createdAt: Timestamp(nanosecondsSinceEpoch: row["created_at"]))
        }
    }

    public func createAPIKey(user: Int64, name: String, prefix: String, secretHash: String, now: Timestamp) async throws(StorageError) -> APIKeyRecord {
        try await write { db in
            try self.requireCurrentSchema(db)
            try db.execute(sql: "INSERT INTO api_keys (user_id, name, prefix, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                           arguments: [user, name, prefix, secretHash, now.nanosecondsSinceEpoch])
            return APIKeyRecord(id: db.lastInsertedRowID, userID: user, name: name, prefix: prefix, secretHash: secretHash, createdAt: now, revokedAt: nil)
        }
    }

    public func apiKey(prefix: String) async throws(StorageError) -> APIKeyRecord? {
        try await read { db in try self.fetchKeys(db, "WHERE prefix = ?", [prefix]).first }
    }

    public func apiKeys(user: Int64) async throws(StorageError) -> [APIKeyRecord] {
        try await read { db in try self.fetchKeys(db, "WHERE user_id = ? ORDER BY id", [user]) }
    }

    public func revokeAPIKey(id: Int64, user: Int64, now: Timestamp) async throws(StorageError) {
        try await write { db in
            try self.requireCurrentSchema(db)
            try db.execute(sql: "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ? AND user_id = ?",
                           arguments: [now.nanosecondsSinceEpoch, id, user])
            guard db.changesCount == 1 else { throw StorageError.notFound("API key \(id)") }
        }
    }

    private func fetchKeys(_ db: Database, _ clause: String, _ arguments: StatementArguments) throws -> [APIKeyRecord] {
        try requireCurrentSchema(db)
        return try Row.fetchAll(db, sql: "SELECT * FROM api_keys \(clause)", arguments: arguments).map { row in
            APIKeyRecord(id: row["id"], userID: row["user_id"], name: row["name"], prefix: row["prefix"], secretHash: row["secret_hash"],
                         createdAt: Timestamp(nanosecondsSinceEpoch: row["created_at"]),
                         revokedAt: (row["revoked_at"] as Int64?).map(Timestamp.init(nanosecondsSinceEpoch:)))
        }
    }

    // MARK: - Configuration history

    public func recordConfigVersion(content: String, checksum: String, author: String, now: Timestamp) async throws(StorageError) -> Int64 {
        try await write { db in
            try self.requireCurrentSchema(db)
            let next = (try Int64.fetchOne(db, sql: "SELECT MAX(version) FROM config_versions") ?? 0) + 1
            try db.execute(sql: "INSERT INTO config_versions (version, created_at, author, content, checksum) VALUES (?, ?, ?, ?, ?)",
                           arguments: [next, now.nanosecondsSinceEpoch, author, content, checksum])
            return next
        }
    }

    public func configVersions(limit: Int) async throws(StorageError) -> [ConfigVersionRecord] {
        try await read { db in
            try self.requireCurrentSchema(db)
            return try Row.fetchAll(db, sql: "SELECT * FROM config_versions ORDER BY version DESC LIMIT ?", arguments: [limit]).map { row in
                ConfigVersionRecord(version: row["version"], createdAt: Timestamp(nanosecondsSinceEpoch: row["created_at"]), author: row["author"],
                                    content: row["content"], checksum: row["checksum"])
            }
        }
    }

    // MARK: - Backtest jobs

    public func submitBacktestJob(request: String, by user: String, now: Timestamp) async throws(StorageError) -> BacktestJobRecord {
        try await write { db in
            try self.requireCurrentSchema(db)
            try db.execute(sql: "INSERT INTO backtest_jobs (status, request, submitted_by, submitted_at) VALUES ('queued', ?, ?, ?)",
                           arguments: [request, user, now.nanosecondsSinceEpoch])
            return BacktestJobRecord(id: db.lastInsertedRowID, status: "queued", request: request, submittedBy: user, submittedAt: now,
                                     finishedAt: nil, runID: nil, error: nil)
        }
    }

    public func updateBacktestJob(id: Int64, status: String, runID: Int64?, error: String?, now: Timestamp) async throws(StorageError) {
        let finished: Int64? = ["succeeded", "failed"].contains(status) ? now.nanosecondsSinceEpoch : nil
        try await write { db in
            try self.requireCurrentSchema(db)
            try db.execute(sql: "UPDATE backtest_jobs SET status = ?, run_id = ?, error = ?, finished_at = ? WHERE id = ?",
                           arguments: [status, runID, error, finished, id])
            guard db.changesCount == 1 else { throw StorageError.notFound("backtest job \(id)") }
        }
    }

    public func backtestJob(id: Int64) async throws(StorageError) -> BacktestJobRecord? {
        try await read { db in try self.fetchJobs(db, "WHERE id = ?", [id]).first }
    }

    public func backtestJobs(limit: Int) async throws(StorageError) -> [BacktestJobRecord] {
        try await read { db in try self.fetchJobs(db, "ORDER BY id DESC LIMIT ?", [limit]) }
    }

    private func fetchJobs(_ db: Database, _ clause: String, _ arguments: StatementArguments) throws -> [BacktestJobRecord] {
        try requireCurrentSchema(db)
        return try Row.fetchAll(db, sql: "SELECT * FROM backtest_jobs \(clause)", arguments: arguments).map { row in
            BacktestJobRecord(id: row["id"], status: row["status"], request: row["request"], submittedBy: row["submitted_by"],
                              submittedAt: Timestamp(nanosecondsSinceEpoch: row["submitted_at"]),
                              finishedAt: (row["finished_at"] as Int64?).map(Timestamp.init(nanosecondsSinceEpoch:)),
                              runID: row["run_id"], error: row["error"])
        }
    }
}
