public import TradewindCore

/// An optimisation study as stored: its definition is the optimizer's own JSON document.
public struct StudyRecord: Hashable, Sendable {
    public var id: Int64
    public var name: String
    public var definition: String
    /// `running` or `finished`.
    public var status: String
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: Int64, name: String, definition: String, status: String, createdAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.name = name
        self.definition = definition
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public enum TrialStatus: String, Sendable, CaseIterable {
    case running, complete, pruned, failed
}

/// One trial of a study. A running trial belongs to the worker that holds its lease; when the
/// lease runs out (the worker died or hangs) another worker may take it over.
public struct TrialRecord: Hashable, Sendable {
    public var studyID: Int64
    /// 0, 1, 2… in the order trials were created.
    public var number: Int
    /// The parameter set as `name=value` text.
    public var parameters: String
    public var status: TrialStatus
    public var worker: String?
    public var leaseUntil: Timestamp?
    /// The (first) objective value; `nil` unless complete.
    public var objective: Double?
    /// The optimizer's JSON document of the outcome (values, metrics, partial results, error).
    public var result: String?
    /// Identifies strategy, parameters, data and settings, so identical work is not repeated.
    public var cacheKey: String?
    /// How many times a worker took the trial (more than 1 after a takeover).
    public var attempts: Int
    public var startedAt: Timestamp?
    public var finishedAt: Timestamp?
}

/// Studies and trials, shared by every worker on every machine that opens the same database.
public protocol StudyRepository: Sendable {
    /// - Throws: ``StorageError/constraintViolation(_:)`` when a study of that name exists.
    func createStudy(name: String, definition: String, now: Timestamp) async throws(StorageError) -> StudyRecord
    func study(named name: String) async throws(StorageError) -> StudyRecord?
    /// Newest first.
    func studies() async throws(StorageError) -> [StudyRecord]
    func setStudyStatus(_ id: Int64, status: String, now: Timestamp) async throws(StorageError)
    /// In number order.
    func trials(study: Int64) async throws(StorageError) -> [TrialRecord]

    /// Gives `worker` a trial to run, atomically across processes: first a running trial whose
    /// lease has expired or whose worker `isGone` says is dead (its parameters are kept), else a
    /// new trial numbered after the last one, while fewer than `budget` exist, with the
    /// parameters `sample(trials so far, number)` returns (`nil`: nothing more to try).
    /// PostgreSQL takes expired trials with `FOR UPDATE SKIP LOCKED` and serialises new numbers
    /// on the study row; SQLite does both inside one immediate transaction.
    /// - Returns: the claimed trial, or `nil` when there is nothing to do now.
    func claimTrial(study: Int64, worker: String, now: Timestamp, leaseUntil: Timestamp, budget: Int,
                    isGone: @escaping @Sendable (String) -> Bool,
                    sample: @escaping @Sendable ([TrialRecord], Int) -> String?) async throws(StorageError) -> TrialRecord?
    /// Extends the lease; `false` when the worker no longer holds the trial.
    func renewLease(study: Int64, number: Int, worker: String, until: Timestamp) async throws(StorageError) -> Bool
    /// Records the outcome if `worker` still holds the trial; `false` (and nothing written)
    /// when another worker took it over, so a trial completes exactly once.
    func finishTrial(study: Int64, number: Int, worker: String, status: TrialStatus, objective: Double?, result: String,
                     cacheKey: String?, now: Timestamp) async throws(StorageError) -> Bool
    /// The result of a complete trial with this cache key, from any study.
    func cachedResult(cacheKey: String) async throws(StorageError) -> String?
}
