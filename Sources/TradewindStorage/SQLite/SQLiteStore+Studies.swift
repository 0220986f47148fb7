import GRDB
public import TradewindCore

extension SQLiteStore {
    public func createStudy(name: String, definition: String, now: Timestamp) async throws(StorageError) -> StudyRecord {
        try await write { db in
            try self.requireCurrentSchema(db)
            try db.execute(sql: "INSERT INTO studies (name, definition, status, created_at, updated_at) VALUES (?, ?, 'running', ?, ?)",
                           arguments: [name, definition, now.nanosecondsSinceEpoch, now.nanosecondsSinceEpoch])
            return StudyRecord(id: db.lastInsertedRowID, name: name, definition: definition, status: "running", createdAt: now, updatedAt: now)
        }
    }

    public func study(named name: String) async throws(StorageError) -> StudyRecord? {
        try await read { db in try self.fetchStudies(db, "WHERE name = ?", [name]).first }
    }

    public func studies() async throws(StorageError) -> [StudyRecord] {
        try await read { db in try self.fetchStudies(db, "ORDER BY id DESC", []) }
    }

    public func setStudyStatus(_ id: Int64, status: String, now: Timestamp) async throws(StorageError) {
        try await write { db in
            try self.requireCurrentSchema(db)
            try db.execute(sql: "UPDATE studies SET status = ?, updated_at = ? WHERE id = ?", arguments: [status, now.nanosecondsSinceEpoch, id])
        }
    }

    public func trials(study: Int64) async throws(StorageError) -> [TrialRecord] {
        try await read { db in
            try self.requireCurrentSchema(db)
            return try Self.fetchTrials(db, "WHERE study_id = ? ORDER BY number", [study])
        }
    }

    public func claimTrial(study: Int64, worker: String, now: Timestamp, leaseUntil: Timestamp, budget: Int,
                           isGone: @escaping @Sendable (String) -> Bool,
                           sample: @escaping @Sendable ([TrialRecord], Int) -> String?) async throws(StorageError) -> TrialRecord? {
        do {
            return try await writer.writeWithoutTransaction { db -> TrialRecord? in
                try self.requireCurrentSchema(db)
                var claimed: TrialRecord?
                // Immediate: the write lock is taken before reading, so two processes cannot both
                // see the same expired trial or allocate the same number.
                try db.inTransaction(.immediate) {
                    let history = try Self.fetchTrials(db, "WHERE study_id = ? ORDER BY number", [study])
                    if var orphan = history.first(where: { trial in
                        trial.status == .running && (trial.leaseUntil.map { $0 < now } ?? true || trial.worker.map(isGone) ?? true)
                    }) {
                        try db.execute(sql: """
                            UPDATE trials SET worker = ?, lease_until = ?, attempts = attempts + 1, started_at = ?
                            WHERE study_id = ? AND number = ?
                            """, arguments: [worker, leaseUntil.nanosecondsSinceEpoch, now.nanosecondsSinceEpoch, study, orphan.number])
                        orphan.worker = worker
                        orphan.leaseUntil = leaseUntil
                        orphan.attempts += 1
                        orphan.startedAt = now
                        claimed = orphan
                        return .commit
                    }
                    let number = (history.last?.number ?? -1) + 1
                    guard number < budget, let parameters = sample(history, number) else { return .commit }
                    try db.execute(sql: """
                        INSERT INTO trials (study_id, number, parameters, status, worker, lease_until, attempts, started_at)
                        VALUES (?, ?, ?, 'running', ?, ?, 1, ?)
                        """, arguments: [study, number, parameters, worker, leaseUntil.nanosecondsSinceEpoch, now.nanosecondsSinceEpoch])
                    claimed = TrialRecord(studyID: study, number: number, parameters: parameters, status: .running, worker: worker,
                                          leaseUntil: leaseUntil, objective: nil, result: nil, cacheKey: nil, attempts: 1,
                                          startedAt: now, finishedAt: nil)
                    return .commit
                }
                return claimed
            }
        } catch {
            throw Self.map(error, target: path, opening: false)
        }
    }

    public func renewLease(study: Int64, number: Int, worker: String, until: Timestamp) async throws(StorageError) -> Bool {
        try await write { db in
            try db.execute(sql: "UPDATE trials SET lease_until = ? WHERE study_id = ? AND number = ? AND worker = ? AND status = 'running'",
                           arguments: [until.nanosecondsSinceEpoch, study, number, worker])
            return db.changesCount == 1
        }
    }

    public func finishTrial(study: Int64, number: Int, worker: String, status: TrialStatus, objective: Double?, result: String,
                            cacheKey: String?, now: Timestamp) async throws(StorageError) -> Bool {
        try await write { db in
            try db.execute(sql: """
                UPDATE trials SET status = ?, objective = ?, result = ?, cache_key = ?, finished_at = ?, lease_until = NULL
                WHERE study_id = ? AND number = ? AND worker = ? AND status = 'running'
                """, arguments: [status.rawValue, objective, result, cacheKey, now.nanosecondsSinceEpoch, study, number, worker])
            return db.changesCount == 1
        }
    }

    public func cachedResult(cacheKey: String) async throws(StorageError) -> String? {
        try await read { db in
            try String.fetchOne(db, sql: "SELECT result FROM trials WHERE cache_key = ? AND status = 'complete' LIMIT 1", arguments: [cacheKey])
        }
    }

    private func fetchStudies(_ db: Database, _ clause: String, _ arguments: StatementArguments) throws -> [StudyRecord] {
        try requireCurrentSchema(db)
        return try Row.fetchAll(db, sql: "SELECT * FROM studies \(clause)", arguments: arguments).map { row in
            StudyRecord(id: row["id"], name: row["name"], definition: row["definition"], status: row["status"],
                        createdAt: Timestamp(nanosecondsSinceEpoch: row["created_at"]), updatedAt: Timestamp(nanosecondsSinceEpoch: row["updated_at"]))
        }
    }

    static func fetchTrials(_ db: Database, _ clause: String, _ arguments: StatementArguments) throws -> [TrialRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM trials \(clause)", arguments: arguments).map { row in
            let status: String = row["status"]
            guard let parsed = TrialStatus(rawValue: status) else { throw StorageError.backend("trial with unknown status '\(status)'") }
            let lease: Int64? = row["lease_until"], started: Int64? = row["started_at"], finished: Int64? = row["finished_at"]
            return TrialRecord(studyID: row["study_id"], number: row["number"], parameters: row["parameters"], status: parsed, worker: row["worker"],
                               leaseUntil: lease.map(Timestamp.init(nanosecondsSinceEpoch:)), objective: row["objective"], result: row["result"],
                               cacheKey: row["cache_key"], attempts: row["attempts"], startedAt: started.map(Timestamp.init(nanosecondsSinceEpoch:)),
                               finishedAt: finished.map(Timestamp.init(nanosecondsSinceEpoch:)))
        }
    }
}
