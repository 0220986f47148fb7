public import TradewindCore

/// Instruments and the candles stored for them.
public protocol CandleRepository: Sendable {
    /// Adds the instrument, or returns the stored one with the same symbol and venue.
    /// A stored instrument keeps its definition: a different one is refused, not overwritten.
    /// A calendar given for a stored instrument replaces its calendar.
    func register(_ instrument: Instrument, calendar: String?) async throws(StorageError) -> StoredInstrument
    func instruments() async throws(StorageError) -> [StoredInstrument]
    func instrument(_ id: InstrumentID) async throws(StorageError) -> StoredInstrument?
    /// Inserts bars in one transaction; a bar whose (instrument, time frame, open time) is
    /// already stored is skipped, so importing a file twice adds nothing. Returns how many were new.
    /// Either every new bar is written or none is.
    func insertCandles(_ bars: [Bar], instrument: InstrumentID, timeframe: String) async throws(StorageError) -> Int
    /// Bars with `from ≤ open time < to`, oldest first.
    func candles(instrument: InstrumentID, timeframe: String, from: Timestamp?, to: Timestamp?) async throws(StorageError) -> [Bar]
    /// Every stored series with its range and row count.
    func candleSeries() async throws(StorageError) -> [CandleSeriesSummary]
}

extension CandleRepository {
    public func register(_ instrument: Instrument) async throws(StorageError) -> StoredInstrument {
        try await register(instrument, calendar: nil)
    }
}

/// Results of past backtests, for comparison and reproduction.
public protocol BacktestRunRepository: Sendable {
    func record(_ run: BacktestRunRecord) async throws(StorageError) -> Int64
    /// Most recent first.
    func backtestRuns(limit: Int) async throws(StorageError) -> [BacktestRunRecord]
    func backtestRun(id: Int64) async throws(StorageError) -> BacktestRunRecord?
}

/// Who changed what, when.
public protocol AuditLogRepository: Sendable {
    func appendAudit(_ entry: AuditEntry) async throws(StorageError)
    /// Most recent first.
    func auditLog(limit: Int) async throws(StorageError) -> [AuditEntry]
}

/// The schema's version and its upgrade.
public protocol SchemaAdministration: Sendable {
    /// Applies every migration this binary knows and the database lacks, each in its own
    /// transaction. Returns the versions applied (empty when up to date).
    /// - Throws: ``StorageError/schemaTooNew(database:supported:)`` without touching a newer database.
    func migrate() async throws(StorageError) -> [Int]
    func schemaStatus() async throws(StorageError) -> SchemaStatus
}

/// Everything Tradewind keeps, behind one contract with one implementation per engine.
public protocol Store: CandleRepository, BacktestRunRepository, AuditLogRepository, StudyRepository, CheckpointedJournal, AccountRepository,
    ConfigHistoryRepository, BacktestJobRepository, NotificationRepository, AlertRepository, SchemaAdministration {
    var location: StoreLocation { get }
    /// Writes a consistent copy of the whole database to `path` (SQLite), or explains how to
    /// take one (PostgreSQL: `pg_dump`).
    func backup(to path: String) async throws(StorageError) -> String
    /// Releases connections; the store must not be used afterwards.
    func close() async
}

public struct StoredInstrument: Hashable, Sendable {
    /// The database's key for the instrument.
    public var key: Int64
    public var instrument: Instrument
    /// The trading calendar its bars follow (e.g. `"XNYS"`), if any.
    public var calendar: String?

    public init(key: Int64, instrument: Instrument, calendar: String? = nil) {
        self.key = key
        self.instrument = instrument
        self.calendar = calendar
    }
}

public struct CandleSeriesSummary: Hashable, Sendable {
    public var instrument: InstrumentID
    public var timeframe: String
    public var first: Timestamp
    public var last: Timestamp
    public var count: Int

    public init(instrument: InstrumentID, timeframe: String, first: Timestamp, last: Timestamp, count: Int) {
        self.instrument = instrument
        self.timeframe = timeframe
        self.first = first
        self.last = last
        self.count = count
    }
}

public struct BacktestRunRecord: Hashable, Sendable {
    public var id: Int64?
    public var createdAt: Timestamp
    public var strategy: String
    /// `name=value` pairs as given.
    public var parameters: String
    /// What data the run read (file or stored series and range).
    public var dataDescription: String
    /// A hash of the bars read, so two runs on the same data can be recognised.
    public var dataHash: String
    public var finalEquity: Money
    public var tradeCount: Int
    /// The report JSON.
    public var results: String

    public init(id: Int64? = nil, createdAt: Timestamp, strategy: String, parameters: String, dataDescription: String,
                dataHash: String, finalEquity: Money, tradeCount: Int, results: String) {
        self.id = id
        self.createdAt = createdAt
        self.strategy = strategy
        self.parameters = parameters
        self.dataDescription = dataDescription
        self.dataHash = dataHash
        self.finalEquity = finalEquity
        self.tradeCount = tradeCount
        self.results = results
    }
}

public struct AuditEntry: Hashable, Sendable {
    public var time: Timestamp
    public var actor: String
    public var action: String
    public var target: String
    public var details: String

    public init(time: Timestamp, actor: String, action: String, target: String, details: String = "") {
        self.time = time
        self.actor = actor
        self.action = action
        self.target = target
        self.details = details
    }
}

public struct SchemaStatus: Hashable, Sendable {
    /// Highest version applied to the database (0 = empty).
    public var databaseVersion: Int
    /// Highest version this binary knows.
    public var supportedVersion: Int
    public var applied: [AppliedMigration]
    /// Known to this binary, not yet applied.
    public var pending: [Int]
    /// Extra facts about the engine ("WAL", "TimescaleDB 2.x", server version).
    public var engine: String

    public struct AppliedMigration: Hashable, Sendable {
        public var version: Int
        public var name: String
        public var appliedAt: Timestamp
    }
}
