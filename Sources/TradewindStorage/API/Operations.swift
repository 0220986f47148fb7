public import TradewindCore

/// A person or script allowed to use the API.
public struct UserRecord: Hashable, Sendable {
    public var id: Int64
    public var name: String
    /// A bcrypt hash; the password itself is never stored.
    public var passwordHash: String
    /// `viewer`, `trader` or `admin` (the schema refuses anything else).
    public var role: String
    public var createdAt: Timestamp

    public init(id: Int64, name: String, passwordHash: String, role: String, createdAt: Timestamp) {
        self.id = id
        self.name = name
        self.passwordHash = passwordHash
        self.role = role
        self.createdAt = createdAt
    }
}

/// An API key: the key itself is shown once at creation; only its prefix (for lookup) and a
/// SHA-256 of the whole key are stored.
public struct APIKeyRecord: Hashable, Sendable {
    public var id: Int64
    public var userID: Int64
    public var name: String
    public var prefix: String
    public var secretHash: String
    public var createdAt: Timestamp
    public var revokedAt: Timestamp?

    public init(id: Int64, userID: Int64, name: String, prefix: String, secretHash: String, createdAt: Timestamp, revokedAt: Timestamp?) {
        self.id = id
        self.userID = userID
        self.name = name
        self.prefix = prefix
        self.secretHash = secretHash
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// Users and their API keys.
public protocol AccountRepository: Sendable {
    /// - Throws: ``StorageError/constraintViolation(_:)`` for a taken name or an unknown role.
    func createUser(name: String, passwordHash: String, role: String, now: Timestamp) async throws(StorageError) -> UserRecord
    func user(named name: String) async throws(StorageError) -> UserRecord?
    func user(id: Int64) async throws(StorageError) -> UserRecord?
    /// In creation order.
    func users() async throws(StorageError) -> [UserRecord]
    func createAPIKey(user: Int64, name: String, prefix: String, secretHash: String, now: Timestamp) async throws(StorageError) -> APIKeyRecord
    /// The key with that prefix, revoked or not.
    func apiKey(prefix: String) async throws(StorageError) -> APIKeyRecord?
    func apiKeys(user: Int64) async throws(StorageError) -> [APIKeyRecord]
    /// - Throws: ``StorageError/notFound(_:)`` when the user has no such key.
    func revokeAPIKey(id: Int64, user: Int64, now: Timestamp) async throws(StorageError)
}

/// One applied configuration, as recorded on start-up and on each reload (secrets redacted).
public struct ConfigVersionRecord: Hashable, Sendable {
    public var version: Int64
    public var createdAt: Timestamp
    public var author: String
    public var content: String
    public var checksum: String

    public init(version: Int64, createdAt: Timestamp, author: String, content: String, checksum: String) {
        self.version = version
        self.createdAt = createdAt
        self.author = author
        self.content = content
        self.checksum = checksum
    }
}

public protocol ConfigHistoryRepository: Sendable {
    /// Appends a version numbered one above the last; returns its number.
    func recordConfigVersion(content: String, checksum: String, author: String, now: Timestamp) async throws(StorageError) -> Int64
    /// Most recent first.
    func configVersions(limit: Int) async throws(StorageError) -> [ConfigVersionRecord]
}

/// A backtest submitted through the API and run in the background.
public struct BacktestJobRecord: Hashable, Sendable {
    public var id: Int64
    /// `queued`, `running`, `succeeded` or `failed`.
    public var status: String
    /// The request as submitted (JSON).
    public var request: String
    public var submittedBy: String
    public var submittedAt: Timestamp
    public var finishedAt: Timestamp?
    /// The stored run once it succeeded.
    public var runID: Int64?
    public var error: String?

    public init(id: Int64, status: String, request: String, submittedBy: String, submittedAt: Timestamp, finishedAt: Timestamp?,
                runID: Int64?, error: String?) {
        self.id = id
        self.status = status
        self.request = request
        self.submittedBy = submittedBy
        self.submittedAt = submittedAt
        self.finishedAt = finishedAt
        self.runID = runID
        self.error = error
    }
}

public protocol BacktestJobRepository: Sendable {
    func submitBacktestJob(request: String, by user: String, now: Timestamp) async throws(StorageError) -> BacktestJobRecord
    /// Moves the job to `status` (with its run or error when it ends).
    func updateBacktestJob(id: Int64, status: String, runID: Int64?, error: String?, now: Timestamp) async throws(StorageError)
    func backtestJob(id: Int64) async throws(StorageError) -> BacktestJobRecord?
    /// Most recent first.
    func backtestJobs(limit: Int) async throws(StorageError) -> [BacktestJobRecord]
}
