public import TradewindCore

/// A trading bot as stored.
public struct BotRecord: Hashable, Sendable {
    public var id: Int64
    public var name: String
    /// The bot's definition document (strategy, parameters, venue, risk limits).
    public var definition: String
    /// `stopped`, `running`, `reducing`, `halted`…
    public var state: String
    public var owner: String
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: Int64, name: String, definition: String, state: String, owner: String, createdAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.name = name
        self.definition = definition
        self.state = state
        self.owner = owner
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One entry of a bot's write-ahead journal.
public struct BotEventRecord: Hashable, Sendable {
    /// Increasing across the whole journal; a bot's events in sequence order are its history.
    public var sequence: Int64
    public var botID: Int64
    public var time: Timestamp
    /// `order.intent`, `order.accepted`, `fill`, `reconciled`, `state`…
    public var kind: String
    public var payload: String

    public init(sequence: Int64, botID: Int64, time: Timestamp, kind: String, payload: String) {
        self.sequence = sequence
        self.botID = botID
        self.time = time
        self.kind = kind
        self.payload = payload
    }
}

/// Events of one bot written at one time, one entry of a group commit.
public struct BotEventBatch: Sendable {
    public var bot: Int64
    public var events: [(kind: String, payload: String)]
    public var time: Timestamp

    public init(bot: Int64, events: [(kind: String, payload: String)], time: Timestamp) {
        self.bot = bot
        self.events = events
        self.time = time
    }
}

/// The bots and their journals: every state change of a bot is appended here, durably, before
/// it is acted on (an order's intent before it is sent) or acknowledged, so a restart replays
/// the journal and reconciles with the venue instead of guessing.
public protocol BotJournal: Sendable {
    /// - Throws: ``StorageError/constraintViolation(_:)`` when a bot of that name exists.
    func createBot(name: String, definition: String, owner: String, now: Timestamp) async throws(StorageError) -> BotRecord
    func bot(named name: String) async throws(StorageError) -> BotRecord?
    /// In creation order.
    func bots() async throws(StorageError) -> [BotRecord]
    func setBotState(_ id: Int64, state: String, now: Timestamp) async throws(StorageError)
    /// Appends several bots' events in one transaction (group commit): all are durable when this
    /// returns, or none is written. Returns, per entry, the numbers its events got, in order: a
    /// store's sequence numbers, or a ``WriteAheadJournal``'s log positions (the store numbers
    /// those events when it copies them in).
    func append(_ batch: [BotEventBatch]) async throws(StorageError) -> [[Int64]]
    /// The bot's events after `sequence` (all with `nil`), in order.
    func events(bot: Int64, after sequence: Int64?) async throws(StorageError) -> [BotEventRecord]
    /// The same without the events of the kinds named, left out by the store itself: a restart
    /// reads its orders and fills, not the market bars journaled for the record (one per bar).
    func events(bot: Int64, after sequence: Int64?, excluding kinds: [String]) async throws(StorageError) -> [BotEventRecord]
}

extension BotJournal {
    /// Filters what ``events(bot:after:)`` returns; the stores filter in their query instead.
    public func events(bot: Int64, after sequence: Int64?, excluding kinds: [String]) async throws(StorageError) -> [BotEventRecord] {
        try await events(bot: bot, after: sequence).filter { !kinds.contains($0.kind) }
    }

    /// Appends one bot's events in one transaction: all are durable when this returns, or none is
    /// written. Returns their sequence numbers.
    public func append(bot: Int64, events: [(kind: String, payload: String)], at time: Timestamp) async throws(StorageError) -> [Int64] {
        try await append([BotEventBatch(bot: bot, events: events, time: time)]).first ?? []
    }
}

/// A journal layered over another that changes how events are appended or read (a write-ahead
/// log, group commit) and leaves the bots' records to the journal beneath: those calls forward.
public protocol LayeredBotJournal: BotJournal {
    /// The journal that keeps the bots' records.
    var underlying: any BotJournal { get }
}

extension LayeredBotJournal {
    public func createBot(name: String, definition: String, owner: String, now: Timestamp) async throws(StorageError) -> BotRecord {
        try await underlying.createBot(name: name, definition: definition, owner: owner, now: now)
    }

    public func bot(named name: String) async throws(StorageError) -> BotRecord? { try await underlying.bot(named: name) }
    public func bots() async throws(StorageError) -> [BotRecord] { try await underlying.bots() }

    public func setBotState(_ id: Int64, state: String, now: Timestamp) async throws(StorageError) {
        try await underlying.setBotState(id, state: state, now: now)
    }
}

/// A journal a ``WriteAheadJournal`` copies its log into: the copied events and how far the copy
/// reached commit together, so a copy interrupted by a crash is neither lost nor made twice.
public protocol CheckpointedJournal: BotJournal {
    /// Appends the events and records `position` as `log`'s checkpoint, in one transaction.
    func append(_ batch: [BotEventBatch], checkpoint log: String, position: Int64) async throws(StorageError)
    /// The last position recorded for `log`; `nil` before its first copy.
    func checkpoint(log: String) async throws(StorageError) -> Int64?
}

/// A ``CheckpointedJournal`` whose checkpointed append can do its work on the calling thread
/// (SQLite: the database engine runs in this process). The write-ahead log's copier then runs it
/// on a thread of the lowest priority (``LowPriorityThread``), so the copy takes a core only
/// when no bot wants it.
public protocol BlockingCheckpointedJournal: CheckpointedJournal {
    /// What ``CheckpointedJournal/append(_:checkpoint:position:)`` does, on the calling thread.
    func appendBlocking(_ batch: [BotEventBatch], checkpoint log: String, position: Int64) throws(StorageError)
}
