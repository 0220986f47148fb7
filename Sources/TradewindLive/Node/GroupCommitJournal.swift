public import TradewindCore
public import TradewindStorage

/// Group commit for a node's bots: appends that arrive while a write is in flight are written
/// together in the next transaction, so fifty bots acting on the same bar pay for about one commit
/// instead of queueing for fifty. An append still returns only once its entries are durable, and
/// an idle journal adds no delay (the first append starts a write at once).
public actor GroupCommitJournal: BotJournal {
    private let base: any BotJournal
    /// Each caller's entries stay together: they are written in the same transaction.
    private var waiting: [([BotEventBatch], CheckedContinuation<[[Int64]], any Error>)] = []
    private var writing = false
    /// Transactions written and entries in them, for benchmarks.
    public private(set) var commits = 0
    public private(set) var batchedAppends = 0

    public init(_ base: any BotJournal) { self.base = base }

    public func append(_ batch: [BotEventBatch]) async throws(StorageError) -> [[Int64]] {
        do {
            return try await withCheckedThrowingContinuation { continuation in
                waiting.append((batch, continuation))
                if !writing {
                    writing = true
                    Task { await self.drain() }
                }
            }
        } catch let error as StorageError {
            throw error
        } catch {
            throw .backend("\(error)")
        }
    }

    private func drain() async {
        while !waiting.isEmpty {
            let group = waiting
            waiting = []
            commits += 1
            batchedAppends += group.count
            do {
                let ids = try await base.append(group.flatMap(\.0))
                var offset = 0
                for item in group {
                    item.1.resume(returning: Array(ids[offset..<offset + item.0.count]))
                    offset += item.0.count
                }
            } catch {
                for item in group { item.1.resume(throwing: error) }
            }
        }
        writing = false
    }

    public func createBot(name: String, definition: String, owner: String, now: Timestamp) async throws(StorageError) -> BotRecord {
        try await base.createBot(name: name, definition: definition, owner: owner, now: now)
    }

    public func bot(named name: String) async throws(StorageError) -> BotRecord? { try await base.bot(named: name) }
    public func bots() async throws(StorageError) -> [BotRecord] { try await base.bots() }
    public func setBotState(_ id: Int64, state: String, now: Timestamp) async throws(StorageError) {
        try await base.setBotState(id, state: state, now: now)
    }
    public func events(bot: Int64, after sequence: Int64?) async throws(StorageError) -> [BotEventRecord] {
        try await base.events(bot: bot, after: sequence)
    }
}
