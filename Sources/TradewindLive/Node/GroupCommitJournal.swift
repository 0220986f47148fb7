public import TradewindStorage

/// Group commit for a node's bots: appends that arrive while a write is in flight are written
/// together in the next transaction, so fifty bots acting on the same bar pay for about one commit
/// instead of queueing for fifty. An append still returns only once its entries are durable, and
/// an idle journal adds no delay (the first append starts a write at once).
public actor GroupCommitJournal: LayeredBotJournal {
    public nonisolated let underlying: any BotJournal
    /// Each caller's entries stay together: they are written in the same transaction.
    private var waiting: [([BotEventBatch], CheckedContinuation<[[Int64]], any Error>)] = []
    private var writing = false
    /// Transactions written and entries in them, for benchmarks.
    public private(set) var commits = 0
    public private(set) var batchedAppends = 0

    public init(_ base: any BotJournal) { underlying = base }

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
                let ids = try await underlying.append(group.flatMap(\.0))
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

    public func events(bot: Int64, after sequence: Int64?) async throws(StorageError) -> [BotEventRecord] {
        try await underlying.events(bot: bot, after: sequence)
    }

    public func events(bot: Int64, after sequence: Int64?, excluding kinds: [String]) async throws(StorageError) -> [BotEventRecord] {
        try await underlying.events(bot: bot, after: sequence, excluding: kinds)
    }
}
