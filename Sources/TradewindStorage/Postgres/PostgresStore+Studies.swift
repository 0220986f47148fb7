import Logging
import PostgresNIO
public import TradewindCore

extension PostgresStore {
    public func createStudy(name: String, definition: String, now: Timestamp) async throws(StorageError) -> StudyRecord {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            let rows = try await connection.query("""
                INSERT INTO studies (name, definition, status, created_at, updated_at)
                VALUES (\(name), \(definition), 'running', \(now.nanosecondsSinceEpoch), \(now.nanosecondsSinceEpoch)) RETURNING id
                """, logger: self.logger)
            guard let id = try await rows.collect().first?.decode(Int64.self) else { throw StorageError.backend("insert returned no id") }
            return StudyRecord(id: id, name: name, definition: definition, status: "running", createdAt: now, updatedAt: now)
        }
    }

    public func study(named name: String) async throws(StorageError) -> StudyRecord? {
        try await run { connection in
            try await self.fetchStudies(connection, "SELECT id, name, definition, status, created_at, updated_at FROM studies WHERE name = \(name)").first
        }
    }

    public func studies() async throws(StorageError) -> [StudyRecord] {
        try await run { connection in
            try await self.fetchStudies(connection, "SELECT id, name, definition, status, created_at, updated_at FROM studies ORDER BY id DESC")
        }
    }

    public func setStudyStatus(_ id: Int64, status: String, now: Timestamp) async throws(StorageError) {
        try await run { connection in
            _ = try await connection.query("UPDATE studies SET status = \(status), updated_at = \(now.nanosecondsSinceEpoch) WHERE id = \(id)",
                                           logger: self.logger)
        }
    }

    public func trials(study: Int64) async throws(StorageError) -> [TrialRecord] {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            return try await Self.fetchTrials(connection, self.logger, "\(unescaped: Self.trialColumns) WHERE study_id = \(study) ORDER BY number")
        }
    }

    public func claimTrial(study: Int64, worker: String, now: Timestamp, leaseUntil: Timestamp, budget: Int,
                           isGone: @escaping @Sendable (String) -> Bool,
                           sample: @escaping @Sendable ([TrialRecord], Int) -> String?) async throws(StorageError) -> TrialRecord? {
        do {
            return try await client.withTransaction(logger: logger) { connection -> TrialRecord? in
                let logger = self.logger
                // Running trials nobody else is looking at right now; rows another worker is
                // claiming are skipped, not waited for.
                let candidates = try await Self.fetchTrials(connection, logger, """
                    \(unescaped: Self.trialColumns) WHERE study_id = \(study) AND status = 'running'
                    ORDER BY number FOR UPDATE SKIP LOCKED
                    """)
                if var orphan = candidates.first(where: { $0.leaseUntil.map { $0 < now } ?? true || $0.worker.map(isGone) ?? true }) {
                    try await connection.query("""
                        UPDATE trials SET worker = \(worker), lease_until = \(leaseUntil.nanosecondsSinceEpoch), attempts = attempts + 1,
                               started_at = \(now.nanosecondsSinceEpoch)
                        WHERE study_id = \(study) AND number = \(Int64(orphan.number))
                        """, logger: logger)
                    orphan.worker = worker
                    orphan.leaseUntil = leaseUntil
                    orphan.attempts += 1
                    orphan.startedAt = now
                    return orphan
                }
                // New numbers one at a time: the study row is the lock.
                try await connection.query("SELECT id FROM studies WHERE id = \(study) FOR UPDATE", logger: logger)
                let history = try await Self.fetchTrials(connection, logger, "\(unescaped: Self.trialColumns) WHERE study_id = \(study) ORDER BY number")
                let number = (history.last?.number ?? -1) + 1
                guard number < budget, let parameters = sample(history, number) else { return nil }
                try await connection.query("""
                    INSERT INTO trials (study_id, number, parameters, status, worker, lease_until, attempts, started_at)
                    VALUES (\(study), \(Int64(number)), \(parameters), 'running', \(worker), \(leaseUntil.nanosecondsSinceEpoch), 1,
                            \(now.nanosecondsSinceEpoch))
                    """, logger: logger)
                return TrialRecord(studyID: study, number: number, parameters: parameters, status: .running, worker: worker,
                                   leaseUntil: leaseUntil, objective: nil, result: nil, cacheKey: nil, attempts: 1, startedAt: now, finishedAt: nil)
            }
        } catch {
            throw Self.map(error, location: location, opening: false)
        }
    }

    public func renewLease(study: Int64, number: Int, worker: String, until: Timestamp) async throws(StorageError) -> Bool {
        try await run { connection in
            let rows = try await connection.query("""
                UPDATE trials SET lease_until = \(until.nanosecondsSinceEpoch)
                WHERE study_id = \(study) AND number = \(Int64(number)) AND worker = \(worker) AND status = 'running' RETURNING number
                """, logger: self.logger)
            return try await rows.collect().count == 1
        }
    }

    public func finishTrial(study: Int64, number: Int, worker: String, status: TrialStatus, objective: Double?, result: String,
                            cacheKey: String?, now: Timestamp) async throws(StorageError) -> Bool {
        try await run { connection in
            let rows = try await connection.query("""
                UPDATE trials SET status = \(status.rawValue), objective = \(objective), result = \(result), cache_key = \(cacheKey),
                       finished_at = \(now.nanosecondsSinceEpoch), lease_until = NULL
                WHERE study_id = \(study) AND number = \(Int64(number)) AND worker = \(worker) AND status = 'running' RETURNING number
                """, logger: self.logger)
            return try await rows.collect().count == 1
        }
    }

    public func cachedResult(cacheKey: String) async throws(StorageError) -> String? {
        try await run { connection in
            try await connection.query("SELECT result FROM trials WHERE cache_key = \(cacheKey) AND status = 'complete' LIMIT 1",
                                       logger: self.logger).collect().first?.decode(String?.self) ?? nil
        }
    }

    static let trialColumns = """
        SELECT study_id, number, parameters, status, worker, lease_until, objective, result, cache_key, attempts, started_at, finished_at FROM trials
        """

    static func fetchTrials(_ connection: PostgresConnection, _ logger: Logger, _ query: PostgresQuery) async throws -> [TrialRecord] {
        var result: [TrialRecord] = []
        for try await row in try await connection.query(query, logger: logger) {
            let columns = try row.decode((Int64, Int64, String, String, String?, Int64?, Double?, String?, String?, Int32, Int64?, Int64?).self)
            guard let status = TrialStatus(rawValue: columns.3) else { throw StorageError.backend("trial with unknown status '\(columns.3)'") }
            result.append(TrialRecord(studyID: columns.0, number: Int(columns.1), parameters: columns.2, status: status, worker: columns.4,
                                      leaseUntil: columns.5.map(Timestamp.init(nanosecondsSinceEpoch:)), objective: columns.6, result: columns.7,
                                      cacheKey: columns.8, attempts: Int(columns.9), startedAt: columns.10.map(Timestamp.init(nanosecondsSinceEpoch:)),
                                      finishedAt: columns.11.map(Timestamp.init(nanosecondsSinceEpoch:))))
        }
        return result
    }

    private func fetchStudies(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [StudyRecord] {
        try await requireCurrentSchema(connection)
        var result: [StudyRecord] = []
        for try await row in try await connection.query(query, logger: logger).decode((Int64, String, String, String, Int64, Int64).self) {
            result.append(StudyRecord(id: row.0, name: row.1, definition: row.2, status: row.3, createdAt: Timestamp(nanosecondsSinceEpoch: row.4),
                                      updatedAt: Timestamp(nanosecondsSinceEpoch: row.5)))
        }
        return result
    }
}
