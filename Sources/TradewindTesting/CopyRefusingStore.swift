public import Synchronization
public import TradewindStorage

/// A store that refuses the write-ahead log's copies while ``refusing`` is set, as a database
/// that is down (or a process that dies before the copy) does; everything else goes to `base`.
public final class CopyRefusingStore: CheckpointedJournal, LayeredBotJournal {
    public let base: any Store
    public let refusing: Atomic<Bool>

    public init(_ base: any Store, refusing: Bool = false) {
        self.base = base
        self.refusing = Atomic(refusing)
    }

    public var underlying: any BotJournal { base }
    public func append(_ batch: [BotEventBatch]) async throws(StorageError) -> [[Int64]] { try await base.append(batch) }
    public func events(bot: Int64, after sequence: Int64?) async throws(StorageError) -> [BotEventRecord] {
        try await base.events(bot: bot, after: sequence)
    }
    public func events(bot: Int64, after sequence: Int64?, excluding kinds: [String]) async throws(StorageError) -> [BotEventRecord] {
        try await base.events(bot: bot, after: sequence, excluding: kinds)
    }
    public func checkpoint(log: String) async throws(StorageError) -> Int64? { try await base.checkpoint(log: log) }

    public func append(_ batch: [BotEventBatch], checkpoint log: String, position: Int64) async throws(StorageError) {
        guard !refusing.load(ordering: .relaxed) else { throw .backend("the store refuses the copy") }
        try await base.append(batch, checkpoint: log, position: position)
    }
}
