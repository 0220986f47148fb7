import Foundation
#if canImport(Glibc)
import Glibc
#endif
public import Logging
import Metrics
import Synchronization
public import TradewindCore

/// A bot journal whose appends are durable when they reach a local append-only log file, and are
/// copied into the store a moment later in the background.
///
/// A database commit costs a bot hundreds of microseconds (GRDB's writer queue, SQLite's
/// statements and commit, or a PostgreSQL round trip); a `write(2)` to a file costs a few, and a
/// copy into the file's shared memory mapping (what an append is) well under one, with no system
/// call. The durability is the same in every case as the SQLite store's (WAL,
/// `synchronous=NORMAL`): bytes in the operating system's page cache — a mapped page is one —
/// survive the process being killed at any instruction, though not the machine losing power
/// (``SyncPolicy/everyAppend`` adds a disk flush per append for that, shared by concurrent appends).
///
/// **Recovery.** Each process writes its own log file in ``directory``, locked with `flock` while
/// it lives. Opening a journal first replays every log in the directory that no live process
/// holds (a process that crashed, or this one's last run) into the store, then removes it. The
/// store keeps each log's checkpoint — the last position copied — in the same transaction as the
/// copy (``CheckpointedJournal``), so an entry is copied exactly once whenever the crash came.
///
/// **Reads** (``events(bot:after:)``) wait until everything appended before them is in the store,
/// so a bot recovering from its journal sees its own last writes. Others reading the store
/// directly (the API, `tradewind divergence`) see an entry once its copy commits, a few
/// milliseconds later (the copier gathers appends for ``copyInterval`` between transactions).
///
/// **Log format.** A 24-byte header (`TWLOG001` and the log's UUID, its name in the checkpoint
/// table), then records: body length (UInt32), CRC-32 of the body (UInt32), and the body — first
/// position, bot, time (Int64 each), event count (UInt32), and per event the kind and payload as
/// length-prefixed UTF-8, all little-endian. Eight zero bytes (or the end of the file) end the
/// log: the file is reserved ahead in whole blocks (`fallocate`, so a full disk refuses an append
/// rather than faulting the mapping), and once the store has caught up the next record starts
/// again after the header. Each append writes the terminator after its record before the record
/// itself, so a record cut short by a crash fails its length, checksum or position sequence and
/// ends the replay there: it was never acknowledged.
public final class WriteAheadJournal: LayeredBotJournal {
    public enum SyncPolicy: String, Sendable, CaseIterable {
        /// Page cache only: survives the process dying, like SQLite's WAL with `synchronous=NORMAL`.
        case processCrash = "process-crash"
        /// A disk flush (`fdatasync`) before every append returns: survives power loss. Appends
        /// that wait for a flush together share the next one (a group commit).
        case everyAppend = "every-append"

        /// The operator's choice in `TRADEWIND_JOURNAL_SYNC` (`process-crash` when unset).
        /// - Throws: ``InvalidSetting`` naming the variable, the value and the choices, so a
        ///   mistyped setting stops the process at start rather than weakening durability.
        public static func fromEnvironment() throws(InvalidSetting) -> SyncPolicy {
            try fromEnvironment(ProcessInfo.processInfo.environment)
        }

        static func fromEnvironment(_ environment: [String: String]) throws(InvalidSetting) -> SyncPolicy {
            let name = "TRADEWIND_JOURNAL_SYNC"
            guard let text = environment[name] else { return .processCrash }
            guard let policy = SyncPolicy(rawValue: text) else {
                throw InvalidSetting(name: name, value: text, reason: "expected one of \(allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return policy
        }
    }

    /// A journal setting from the environment that cannot be used.
    public struct InvalidSetting: Error, Equatable, CustomStringConvertible {
        public var name: String
        public var value: String
        public var reason: String
        public var description: String { "invalid \(name)=\(value): \(reason)" }
    }

    public let store: any CheckpointedJournal
    /// The store when it can copy on the calling thread (SQLite): the copier then runs on
    /// ``LowPriorityThread/journalCopy``.
    private let blockingStore: (any BlockingCheckpointedJournal)?
    /// Where logs live: this process's and any left by processes that ended.
    public let directory: String
    /// This process's log file.
    public let path: String
    /// This log's name in the store's checkpoint table.
    public let name: String
    /// When an append counts as durable.
    public let policy: SyncPolicy
    let logger: Logger
    /// Reserves the file's blocks up to a length (tests make it fail, as a full disk does).
    typealias Reserve = @Sendable (_ descriptor: Int32, _ length: Int) throws(StorageError) -> Void
    private let reserve: Reserve
    private let descriptor: Int32
    /// The copier's own descriptor of the file, opened read-only by path: it reads pending
    /// records with `pread` outside the lock, and `close()` closing the writer's descriptor
    /// cannot pull it away. Not a `dup`: that would share the writer's `flock`, and a log left
    /// by a closed journal would still look held by a live process.
    private let copyDescriptor: Int32
    private let state: Mutex<State>
    /// With ``SyncPolicy/everyAppend``: the last position known to be on disk, and the appends
    /// waiting for a flush.
    private let flushes = Mutex(Flushes())

    struct Flushes {
        var synced: Int64 = 0
        var flushing = false
        var waiters: [Waiter] = []
    }

    /// A caller suspended until the log reaches a position (flushed to disk, or copied).
    typealias Waiter = (position: Int64, continuation: CheckedContinuation<Void, any Error>)

    /// Entries in the log that the store does not have yet.
    private let pendingGauge = Gauge(label: "tradewind_journal_log_pending_entries")
    private let copyFailures = Counter(label: "tradewind_journal_copy_failures_total")

    /// An append the store does not have yet: where its records are in the log file. The copier
    /// reads them back from the file, so an append keeps no entries in memory once it returns (a
    /// backlog grows the file, not the heap, and the bot's event strings are freed at once).
    struct Pending {
        var start: Int
        var end: Int
        var lastPosition: Int64
    }

    /// Unchecked: the mapping's pointer is only used under ``state``'s lock.
    struct State: @unchecked Sendable {
        var nextPosition: Int64 = 1
        var pending: [Pending] = []
        var copiedThrough: Int64 = 0
        var copying = false
        var closed = false
        /// The file, mapped shared: an append copies its record here.
        var mapping: UnsafeMutableRawPointer
        /// Bytes reserved and mapped.
        var capacity: Int
        /// Where the next record starts.
        var length = WriteAheadJournal.headerLength
        /// Readers waiting until the copy reaches a position.
        var waiters: [Waiter] = []
        var encoder = LogRecordEncoder()
        /// The latest scan for logs left by processes that ended; scans run one after another.
        var scan: Task<Void, any Error>?
        var copies = 0
        var copiedAppends = 0
    }

    /// Transactions the copier has committed and the appends they held, for benchmarks.
    public var copyCounts: (transactions: Int, appends: Int) { state.withLock { ($0.copies, $0.copiedAppends) } }

    static let magic = Array("TWLOG001".utf8)
    static let headerLength = 24
    /// The 8 zero bytes (length and checksum 0) after the last record.
    static let terminatorLength = 8
    static let appendsPerCopy = 4_096
    /// How long the copier gathers appends between transactions: a transaction per few
    /// milliseconds of appends costs SQLite a fraction of the CPU a transaction per append would,
    /// and none of it is on a bot's path.
    static let copyInterval = Duration.milliseconds(2)
    static let initialCapacity = 1 << 20

    /// A log's first bytes: the magic, then its UUID (its name in the checkpoint table).
    static func header(_ id: UUID) -> [UInt8] {
        var header = magic
        withUnsafeBytes(of: id.uuid) { header.append(contentsOf: $0) }
        return header
    }

    /// Replays any logs left in `directory` into the store, then starts this process's log there.
    /// - Throws: ``StorageError/backend(_:)`` when the directory or a log cannot be read or
    ///   written, or a left log cannot be copied into the store (its entries stay in the file).
    public static func open(store: any CheckpointedJournal, directory: String, policy: SyncPolicy = .processCrash,
                            logger: Logger = Logger(label: "tradewind.journal")) async throws(StorageError) -> WriteAheadJournal {
        try await open(store: store, directory: directory, policy: policy, logger: logger, capacity: initialCapacity, reserve: reserveBlocks)
    }

    /// `capacity` is the first reservation; `reserve` reserves blocks (tests make it fail).
    static func open(store: any CheckpointedJournal, directory: String, policy: SyncPolicy = .processCrash,
                     logger: Logger = Logger(label: "tradewind.journal"), capacity: Int,
                     reserve: @escaping Reserve) async throws(StorageError) -> WriteAheadJournal {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw .backend("write-ahead log directory \(directory): \(error.localizedDescription)")
        }
        try await replayLeftLogs(in: directory, into: store, logger: logger)
        let id = UUID()
        let path = (directory as NSString).appendingPathComponent("\(id.uuidString.lowercased()).log")
        let descriptor = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .backend("write-ahead log \(path): \(String(cString: strerror(errno)))") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            Glibc.close(descriptor)
            throw .backend("write-ahead log \(path): cannot lock: \(String(cString: strerror(errno)))")
        }
        let capacity = max(capacity, headerLength + terminatorLength)
        let mapping: UnsafeMutableRawPointer
        do {
            try reserve(descriptor, capacity)
            mapping = try map(descriptor, capacity, path: path)
        } catch {
            Glibc.close(descriptor)
            unlink(path)
            throw error
        }
        header(id).withUnsafeBytes { mapping.copyMemory(from: $0.baseAddress!, byteCount: headerLength) }
        let copyDescriptor = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard copyDescriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            munmap(mapping, capacity)
            Glibc.close(descriptor)
            unlink(path)
            throw .backend("write-ahead log \(path): cannot open for the copier: \(reason)")
        }
        return WriteAheadJournal(store: store, directory: directory, path: path, name: id.uuidString.lowercased(), descriptor: descriptor,
                                 copyDescriptor: copyDescriptor, mapping: mapping, capacity: capacity, policy: policy, logger: logger, reserve: reserve)
    }

    /// Reserves the file's blocks up to `length`, so writing through the mapping can never meet a
    /// full disk (which would kill the process with `SIGBUS` instead of refusing an append).
    static func reserveBlocks(_ descriptor: Int32, _ length: Int) throws(StorageError) {
        let result = posix_fallocate(descriptor, 0, off_t(length))
        guard result == 0 else { throw .backend("write-ahead log: cannot reserve \(length) bytes: \(String(cString: strerror(result)))") }
    }

    static func map(_ descriptor: Int32, _ length: Int, path: String) throws(StorageError) -> UnsafeMutableRawPointer {
        guard let mapping = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0), mapping != MAP_FAILED else {
            throw .backend("write-ahead log \(path): cannot map \(length) bytes: \(String(cString: strerror(errno)))")
        }
        return mapping
    }

    /// The log directory that goes with a store: beside an SQLite file, or for PostgreSQL (whose
    /// server is elsewhere) `TRADEWIND_JOURNAL_LOGS`, else `tradewind-journal-logs` in the working
    /// directory. An in-memory store gets a private temporary directory: nothing outlives it.
    public static func defaultDirectory(for location: StoreLocation) -> String {
        switch location {
        case .sqlite(path: ":memory:"):
            return NSTemporaryDirectory() + "tradewind-journal-\(UUID().uuidString.lowercased())"
        case .sqlite(let path):
            return path + ".logs"
        case .postgres:
            return ProcessInfo.processInfo.environment["TRADEWIND_JOURNAL_LOGS"] ?? "tradewind-journal-logs"
        }
    }

    private init(store: any CheckpointedJournal, directory: String, path: String, name: String, descriptor: Int32, copyDescriptor: Int32,
                 mapping: UnsafeMutableRawPointer, capacity: Int, policy: SyncPolicy, logger: Logger, reserve: @escaping Reserve) {
        self.reserve = reserve
        self.store = store
        self.blockingStore = store as? any BlockingCheckpointedJournal
        self.directory = directory
        self.path = path
        self.name = name
        self.descriptor = descriptor
        self.copyDescriptor = copyDescriptor
        self.policy = policy
        self.logger = logger
        self.state = Mutex(State(mapping: mapping, capacity: capacity))
    }

    deinit {
        state.withLock { state in
            if !state.closed {
                munmap(state.mapping, state.capacity)
                Glibc.close(descriptor)
            }
        }
        Glibc.close(copyDescriptor)
    }

    // MARK: - Appends

    /// Appends to the log; with ``SyncPolicy/everyAppend``, suspends until a disk flush covers
    /// the entries, one flush serving every append that waits for it.
    public func append(_ batch: [BotEventBatch]) async throws(StorageError) -> [[Int64]] {
        let first = try write(batch)
        if policy == .everyAppend, let first { try await flushed(through: first + Int64(batch.eventCount) - 1) }
        return Self.positions(of: batch, from: first)
    }

    /// ``append(_:)`` without suspending: the entries are in the log file when this returns (and
    /// with ``SyncPolicy/everyAppend`` on disk, the thread blocked meanwhile: callers that can
    /// suspend use ``append(_:)``).
    public func appendNow(_ batch: [BotEventBatch]) throws(StorageError) -> [[Int64]] {
        let first = try write(batch)
        if policy == .everyAppend, let first { try sync(through: first + Int64(batch.eventCount) - 1) }
        return Self.positions(of: batch, from: first)
    }

    /// ``appendNow(_:)`` of one bot's entries, for a caller with no use for their positions: a
    /// live bot appends on every order's path.
    public func appendNow(bot: Int64, events: [(kind: String, payload: String)], time: Timestamp) throws(StorageError) {
        let first = try write(CollectionOfOne(BotEventBatch(bot: bot, events: events, time: time)))
        if policy == .everyAppend, let first { try sync(through: first + Int64(events.count) - 1) }
    }

    private static func positions(of batch: [BotEventBatch], from first: Int64?) -> [[Int64]] {
        var position = first ?? 0
        return batch.map { entry in
            defer { position += Int64(entry.events.count) }
            return (0..<Int64(entry.events.count)).map { position + $0 }
        }
    }

    /// Puts the entries in the log; returns the position of the first (`nil` if there are none).
    private func write(_ batch: some Collection<BotEventBatch>) throws(StorageError) -> Int64? {
        guard batch.contains(where: { !$0.events.isEmpty }) else { return nil }
        let (first, startCopier) = try state.withLock { state throws(StorageError) -> (Int64, Bool) in
            guard !state.closed else { throw StorageError.backend("write-ahead log \(path) is closed") }
            let first = state.nextPosition
            state.encoder.reset()
            var position = first
            for entry in batch where !entry.events.isEmpty {
                state.encoder.append(entry, firstPosition: position)
                position += Int64(entry.events.count)
            }
            let count = state.encoder.bytes.count
            let start = state.length
            let end = start + count
            if end + Self.terminatorLength > state.capacity { try grow(&state, to: end + Self.terminatorLength) }
            // The terminator goes first: a crash before the record is whole leaves a record that
            // fails its checksum, and once it is whole the replay stops right after it.
            (state.mapping + end).initializeMemory(as: UInt8.self, repeating: 0, count: Self.terminatorLength)
            state.encoder.bytes.withUnsafeBytes { (state.mapping + state.length).copyMemory(from: $0.baseAddress!, byteCount: count) }
            state.length = end
            state.nextPosition = position
            if start / Self.prefaultChunk != end / Self.prefaultChunk { prefault(after: end, in: state) }
            state.pending.append(Pending(start: start, end: end, lastPosition: position - 1))
            guard !state.copying else { return (first, false) }
            state.copying = true
            return (first, true)
        }
        if startCopier { Task { await self.copy() } }
        return first
    }

    /// Log bytes made writable ahead of the appends, a chunk at a time (``prefault(after:in:)``).
    static let prefaultChunk = 64 << 10
    static let prefaultAhead = 256 << 10

    /// Queues the pages from the chunk boundary after `offset` to be faulted in writable on the
    /// prefault thread. The first write to a page of the file's mapping is a fault (and for ext4
    /// a journal handle): taken on a bot's append it is taken under the log's lock, with every
    /// other bot's append waiting. Only a hint: `MADV_POPULATE_WRITE` changes no byte, and a range
    /// unmapped meanwhile (the log grew and was mapped again) only makes the call fail.
    private func prefault(after offset: Int, in state: borrowing State) {
        let start = (offset + Self.prefaultChunk - 1) / Self.prefaultChunk * Self.prefaultChunk
        let end = min(state.capacity, start + Self.prefaultAhead)
        guard end > start else { return }
        let address = UInt(bitPattern: state.mapping + start)
        LowPriorityThread.journalPrefault.submit {
            _ = madvise(UnsafeMutableRawPointer(bitPattern: address), end - start, 23)  // MADV_POPULATE_WRITE
        }
    }

    /// Reserves and maps at least `needed` bytes (doubling, so growth is rare). Nothing is written
    /// if it fails: the append is refused and the log stays as it was.
    private func grow(_ state: inout State, to needed: Int) throws(StorageError) {
        var capacity = state.capacity
        while capacity < needed { capacity *= 2 }
        try reserve(descriptor, capacity)
        let mapping = try Self.map(descriptor, capacity, path: path)
        munmap(state.mapping, state.capacity)
        state.mapping = mapping
        state.capacity = capacity
    }

    /// Returns once the log is on disk through `position`, blocking the thread. One caller at a
    /// time flushes, and a flush covers every append made before it started: callers that waited
    /// behind it find their entries flushed and return without one of their own. `fdatasync` on
    /// the descriptor writes the mapping's dirty pages (they are the file's page cache), whatever
    /// the mapping's address after a growth. If the flush fails, the append throws though its
    /// entries stay in the log (and reach the store): as after a crash between a write and its
    /// acknowledgement, the journal may then hold an entry its bot did not act on, which
    /// recovery reconciles.
    private func sync(through position: Int64) throws(StorageError) {
        try flushes.withLock { flushes throws(StorageError) in
            guard flushes.synced < position else { return }
            let target = state.withLock { $0.nextPosition - 1 }
            try flushFile()
            flushes.synced = max(flushes.synced, target)
        }
    }

    /// ``sync(through:)`` for callers that can suspend: they wait together, and one flush on a
    /// thread outside the task pool serves all of them.
    private func flushed(through position: Int64) async throws(StorageError) {
        try await Self.suspend { continuation in
            let startFlusher = flushes.withLock { flushes -> Bool in
                if flushes.synced >= position {
                    continuation.resume()
                    return false
                }
                flushes.waiters.append((position, continuation))
                defer { flushes.flushing = true }
                return !flushes.flushing
            }
            if startFlusher { DispatchQueue.global().async { self.flushWaiters() } }
        }
    }

    /// Flushes until no append waits: each round covers everything written before it began.
    private func flushWaiters() {
        while true {
            let target = state.withLock { $0.nextPosition - 1 }
            var failure: StorageError?
            do { try flushFile() } catch { failure = error }
            let (ready, finished) = flushes.withLock { flushes -> ([CheckedContinuation<Void, any Error>], Bool) in
                if failure == nil { flushes.synced = max(flushes.synced, target) }
                let synced = flushes.synced
                let ready = Self.takeWaiters(&flushes.waiters) { failure != nil || $0 <= synced }
                // Decided under the lock: a waiter arriving after this starts the next flusher.
                if flushes.waiters.isEmpty { flushes.flushing = false }
                return (ready, flushes.waiters.isEmpty)
            }
            for continuation in ready {
                if let failure { continuation.resume(throwing: failure) } else { continuation.resume() }
            }
            if finished { return }
        }
    }

    private func flushFile() throws(StorageError) {
        guard fdatasync(descriptor) == 0 else {
            throw .backend("write-ahead log \(path): fdatasync: \(String(cString: strerror(errno)))")
        }
    }

    /// Copies pending entries into the store, a transaction per ``copyInterval`` of appends, until
    /// none has come for one interval; retries a failed copy with back-off (the entries stay in
    /// the log meanwhile).
    private func copy() async {
        var delay = Duration.milliseconds(50)
        var failures = 0
        // Taken out of `pending` whole (a swap under the lock), so an append during a copy never
        // finds `pending`'s storage shared with the copier and copies it; `done` of them are in
        // the store.
        var work: [Pending] = []
        var done = 0
        while true {
            try? await Task.sleep(for: Self.copyInterval)
            if done == work.count {
                work = state.withLock { state in
                    var taken: [Pending] = []
                    swap(&taken, &state.pending)
                    if taken.isEmpty { state.copying = false }
                    return taken
                }
                done = 0
                if work.isEmpty { return }
            }
            // A backlog (the store was down) goes in bounded transactions.
            let chunk = work[done..<min(done + Self.appendsPerCopy, work.count)]
            let start = chunk.first!.start, end = chunk.last!.end, last = chunk.last!.lastPosition, name = name
            do {
                if let blocking = blockingStore {
                    try await LowPriorityThread.journalCopy.run { () throws(StorageError) in
                        try blocking.appendBlocking(try self.records(from: start, to: end, through: last), checkpoint: name, position: last)
                    }
                } else {
                    try await store.append(try records(from: start, to: end, through: last), checkpoint: name, position: last)
                }
                if failures > 0 { logger.notice("journal copy into the store resumed after \(failures) failed attempts", metadata: ["log": "\(path)"]) }
                failures = 0
                delay = .milliseconds(50)
                done += chunk.count
                let (ready, behind) = state.withLock { state in
                    state.copiedThrough = last
                    state.copies += 1
                    state.copiedAppends += chunk.count
                    // Caught up: the file need not hold what the store has, so the next record
                    // starts after the header again. Appends write under this lock, so nothing
                    // newer is overwritten; the older records beyond the terminator are all
                    // checkpointed, and a replay stops at the terminator before them.
                    if last == state.nextPosition - 1 && !state.closed {
                        state.length = Self.headerLength
                        (state.mapping + Self.headerLength).initializeMemory(as: UInt8.self, repeating: 0, count: Self.terminatorLength)
                    }
                    return (Self.takeWaiters(&state.waiters) { $0 <= last }, state.nextPosition - 1 - last)
                }
                pendingGauge.record(behind)
                for waiter in ready { waiter.resume() }
            } catch {
                copyFailures.increment()
                // Once per streak: the entries are safe in the log, but reads wait and the log grows.
                if failures == 0 {
                    logger.error("journal copy into the store failed; retrying, the entries stay in the log",
                                 metadata: ["log": "\(path)", "error": "\(error)"])
                }
                failures += 1
                let (failed, closed, behind) = state.withLock { state in
                    if state.closed { state.copying = false }
                    return (Self.takeWaiters(&state.waiters) { _ in true }, state.closed, state.nextPosition - 1 - state.copiedThrough)
                }
                pendingGauge.record(behind)
                for waiter in failed { waiter.resume(throwing: error) }
                // Closed: the entries stay in the log file for the next start to replay.
                if closed { return }
                try? await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    /// The entries of the records in bytes `start..<end` of the file, which end at position
    /// `last`. Appends only write past them, and the log starts over at its header only once the
    /// store has them, so they can be read without the lock.
    private func records(from start: Int, to end: Int, through last: Int64) throws(StorageError) -> [BotEventBatch] {
        var bytes = [UInt8](repeating: 0, count: end - start)
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { pread(copyDescriptor, $0.baseAddress! + done, $0.count - done, off_t(start + done)) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let reason = count < 0 ? String(cString: strerror(errno)) : "the file ends at \(start + done)"
                throw .backend("write-ahead log \(path): reading pending records: \(reason)")
            }
            done += count
        }
        var reader = LogFile.Reader(bytes: bytes, offset: 0)
        var batches: [BotEventBatch] = []
        var reached: Int64?
        while reader.offset < bytes.count, let record = reader.record() {
            batches.append(record.batch)
            reached = record.lastPosition
        }
        guard reader.offset == bytes.count, reached == last else {
            throw .backend("write-ahead log \(path): pending records at \(start)..<\(end) do not read back through position \(last)")
        }
        return batches
    }

    /// Removes the waiters whose position is `reached` and returns them, to resume outside the lock.
    private static func takeWaiters(_ waiters: inout [Waiter], where reached: (Int64) -> Bool) -> [CheckedContinuation<Void, any Error>] {
        var ready: [CheckedContinuation<Void, any Error>] = []
        waiters.removeAll { waiter in
            guard reached(waiter.position) else { return false }
            ready.append(waiter.continuation)
            return true
        }
        return ready
    }

    /// Returns once everything appended before the call is in the store.
    /// - Throws: the store's error if the copy failed (it is retried in the background).
    public func flush() async throws(StorageError) {
        try await Self.suspend { continuation in
            state.withLock { state in
                let target = state.nextPosition - 1
                if target <= state.copiedThrough {
                    continuation.resume()
                } else {
                    state.waiters.append((target, continuation))
                }
            }
        }
    }

    /// Suspends until `register`'s continuation is resumed; what it throws is the store's error
    /// (or a flush's) it was resumed with.
    private static func suspend(_ register: (CheckedContinuation<Void, any Error>) -> Void) async throws(StorageError) {
        do {
            try await withCheckedThrowingContinuation(register)
        } catch let error as StorageError {
            throw error
        } catch {
            throw .backend("\(error)")
        }
    }

    /// Copies what is left, then removes this process's log and releases it; appends fail
    /// afterwards. A log the store has not caught up with stays for the next start to replay.
    public func close() async {
        try? await flush()
        state.withLock { state in
            guard !state.closed else { return }
            state.closed = true
            if state.copiedThrough == state.nextPosition - 1 { unlink(path) }
            munmap(state.mapping, state.capacity)
            Glibc.close(descriptor)
        }
    }

    // MARK: - Reads

    /// Bots' records are the store's own (``LayeredBotJournal``).
    public var underlying: any BotJournal { store }

    /// A bot's events once everything appended before is in the store, and any log a process
    /// that ended since this journal opened (a bot's previous home) has been copied too.
    public func events(bot: Int64, after sequence: Int64?) async throws(StorageError) -> [BotEventRecord] {
        try await events(bot: bot, after: sequence, excluding: [])
    }

    public func events(bot: Int64, after sequence: Int64?, excluding kinds: [String]) async throws(StorageError) -> [BotEventRecord] {
        try await replayLeftLogs()
        try await flush()
        return try await store.events(bot: bot, after: sequence, excluding: kinds)
    }

    private func replayLeftLogs() async throws(StorageError) {
        let (store, directory, logger) = (store, directory, logger)
        let scan = state.withLock { state in
            let previous = state.scan
            let next = Task {
                _ = try? await previous?.value
                try await Self.replayLeftLogs(in: directory, into: store, logger: logger)
            }
            state.scan = next
            return next
        }
        do { try await scan.value } catch let error as StorageError { throw error } catch { throw .backend("\(error)") }
    }

    // MARK: - Replay

    /// What a replay of a log directory did.
    public struct Replay: Sendable, Equatable {
        /// Logs read and removed.
        public var logs = 0
        /// Events copied into the store (the ones it already had are not counted).
        public var copiedEvents = 0
        /// Logs left alone because a running process holds them.
        public var held = 0
    }

    /// Copies into the store every log in `directory` that no running process holds, and
    /// removes each; what `tradewind db replay-logs` runs (a journal does it when it opens).
    /// Idempotent: each log's checkpoint skips what the store already has.
    /// - Throws: ``StorageError/backend(_:)`` naming the log when one is not a Tradewind log or
    ///   its entries cannot be copied (they stay in it).
    @discardableResult
    public static func replayLogs(in directory: String, into store: any CheckpointedJournal,
                                  logger: Logger = Logger(label: "tradewind.journal")) async throws(StorageError) -> Replay {
        try await replayLeftLogs(in: directory, into: store, logger: logger)
    }

    /// Copies into the store every log in `directory` that no live process holds, then removes it.
    @discardableResult
    static func replayLeftLogs(in directory: String, into store: any CheckpointedJournal, logger: Logger) async throws(StorageError) -> Replay {
        var replay = Replay()
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".log") }.sorted() } catch {
            throw .backend("write-ahead log directory \(directory): \(error.localizedDescription)")
        }
        for file in names {
            let path = (directory as NSString).appendingPathComponent(file)
            let descriptor = Glibc.open(path, O_RDWR | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            defer { Glibc.close(descriptor) }
            // Held by a live process: its entries are its own to copy.
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                replay.held += 1
                continue
            }
            let contents = try readAll(descriptor, path: path)
            let log = try LogFile(contents, path: path)
            if !log.endsCleanly {
                logger.warning("a write-ahead log ends in a record cut short; it was never acknowledged and is dropped",
                               metadata: ["log": "\(path)", "offset": "\(log.validLength)"])
            }
            let checkpoint = try await store.checkpoint(log: log.name) ?? 0
            let unapplied = log.records.filter { $0.lastPosition > checkpoint }
            let events = unapplied.reduce(0) { $0 + $1.batch.events.count }
            if events > 0 {
                logger.notice("replaying a write-ahead log left by an earlier process", metadata: ["log": "\(path)", "entries": "\(events)"])
            }
            // In bounded transactions, each with its checkpoint: a crash mid-replay resumes after
            // the last one committed.
            var start = unapplied.startIndex
            while start < unapplied.endIndex {
                let chunk = unapplied[start..<min(start + appendsPerCopy, unapplied.endIndex)]
                do {
                    try await store.append(chunk.map(\.batch), checkpoint: log.name, position: chunk.last!.lastPosition)
                } catch {
                    throw .backend("write-ahead log \(path): \(unapplied.endIndex - start) records could not be copied into the store "
                                   + "(they stay in the log): \(error)")
                }
                start = chunk.endIndex
            }
            unlink(path)
            replay.logs += 1
            replay.copiedEvents += events
        }
        return replay
    }

    static func readAll(_ descriptor: Int32, path: String) throws(StorageError) -> [UInt8] {
        var contents: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .backend("write-ahead log \(path): \(String(cString: strerror(errno)))")
            }
            if count == 0 { return contents }
            contents.append(contentsOf: chunk[..<count])
        }
    }
}

extension Collection<BotEventBatch> {
    fileprivate var eventCount: Int { reduce(0) { $0 + $1.events.count } }
}

/// Encodes records into one reusable buffer (one copy into the log per append).
struct LogRecordEncoder {
    private(set) var bytes: [UInt8] = []

    mutating func reset() { bytes.removeAll(keepingCapacity: true) }

    mutating func append(_ entry: BotEventBatch, firstPosition: Int64) {
        let start = bytes.count
        // Length and checksum, filled in once the body is written.
        bytes.append(contentsOf: repeatElement(0, count: 8))
        put(firstPosition)
        put(entry.bot)
        put(entry.time.nanosecondsSinceEpoch)
        put(UInt32(entry.events.count))
        for event in entry.events {
            put(event.kind)
            put(event.payload)
        }
        let body = start + 8
        let length = UInt32(bytes.count - body)
        let checksum = bytes.withUnsafeBufferPointer { CRC32.checksum(UnsafeBufferPointer(rebasing: $0[body...])) }
        withUnsafeBytes(of: length.littleEndian) { bytes.replaceSubrange(start..<start + 4, with: $0) }
        withUnsafeBytes(of: checksum.littleEndian) { bytes.replaceSubrange(start + 4..<start + 8, with: $0) }
    }

    private mutating func put(_ value: Int64) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    private mutating func put(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) } }
    private mutating func put(_ text: String) {
        var text = text
        text.withUTF8 { utf8 in
            put(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
    }
}

/// A log file read back: its name and every complete record, in order.
struct LogFile {
    struct Record {
        var batch: BotEventBatch
        var lastPosition: Int64
    }

    var name: String
    var records: [Record] = []
    /// Where the complete records end (a torn record, if any, starts here).
    var validLength: Int
    /// The records end at a terminator or at the end of the file, not at a record cut short.
    var endsCleanly = false

    init(_ bytes: [UInt8], path: String) throws(StorageError) {
        let head = bytes.prefix(WriteAheadJournal.headerLength)
        guard WriteAheadJournal.magic.starts(with: head.prefix(8)) || head.allSatisfy({ $0 == 0 }) else {
            throw .backend("write-ahead log \(path): not a Tradewind log (bad header)")
        }
        guard bytes.count >= WriteAheadJournal.headerLength, !head.allSatisfy({ $0 == 0 }) else {
            // A crash between creating the file and writing its header: nothing was acknowledged.
            name = ""
            validLength = 0
            endsCleanly = true
            return
        }
        let uuid = bytes[8..<24].withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) }
        name = UUID(uuid: uuid).uuidString.lowercased()
        var reader = Reader(bytes: bytes, offset: WriteAheadJournal.headerLength)
        validLength = reader.offset
        while true {
            let next = bytes[reader.offset..<min(reader.offset + WriteAheadJournal.terminatorLength, bytes.count)]
            if next.allSatisfy({ $0 == 0 }) {
                endsCleanly = true
                break
            }
            // Positions run on without a gap; anything else is not this log's next record.
            guard let record = reader.record(),
                  records.last.map({ $0.lastPosition + 1 == record.lastPosition - Int64(record.batch.events.count) + 1 }) ?? true else { break }
            records.append(record)
            validLength = reader.offset
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var offset: Int

        mutating func record() -> Record? {
            let start = offset
            guard let length = uint32(), let checksum = uint32(), offset + Int(length) <= bytes.count else {
                offset = start
                return nil
            }
            let end = offset + Int(length)
            guard bytes.withUnsafeBufferPointer({ CRC32.checksum(UnsafeBufferPointer(rebasing: $0[offset..<end])) }) == checksum,
                  let first = int64(), let bot = int64(), let time = int64(), let count = uint32() else {
                offset = start
                return nil
            }
            var events: [(kind: String, payload: String)] = []
            for _ in 0..<count {
                guard let kind = text(), let payload = text() else {
                    offset = start
                    return nil
                }
                events.append((kind, payload))
            }
            guard offset == end else {
                offset = start
                return nil
            }
            return Record(batch: BotEventBatch(bot: bot, events: events, time: Timestamp(nanosecondsSinceEpoch: time)),
                          lastPosition: first + Int64(count) - 1)
        }

        private mutating func take(_ count: Int) -> ArraySlice<UInt8>? {
            guard count >= 0, offset + count <= bytes.count else { return nil }
            defer { offset += count }
            return bytes[offset..<offset + count]
        }

        private mutating func uint32() -> UInt32? {
            take(4).map { slice in UInt32(littleEndian: slice.withUnsafeBytes { $0.loadUnaligned(as: UInt32.self) }) }
        }

        private mutating func int64() -> Int64? {
            take(8).map { slice in Int64(littleEndian: slice.withUnsafeBytes { $0.loadUnaligned(as: Int64.self) }) }
        }

        private mutating func text() -> String? {
            guard let length = uint32(), let slice = take(Int(length)) else { return nil }
            return String(decoding: slice, as: UTF8.self)
        }
    }
}

/// CRC-32 (IEEE 802.3, reflected, as zlib computes it): detects a record cut short or garbled.
/// Eight bytes per step through eight tables ("slicing-by-8"): a bot's append checksums every
/// byte it writes, inside the log's lock.
enum CRC32 {
    /// Table k maps a byte to its remainder k bytes further on; table 0 is the classic one.
    static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for index in 0..<256 {
            var value = UInt32(index)
            for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
            tables[index] = value
        }
        for table in 1..<8 {
            for index in 0..<256 {
                let previous = tables[(table - 1) * 256 + index]
                tables[table * 256 + index] = (previous >> 8) ^ tables[Int(previous & 0xFF)]
            }
        }
        return tables
    }()

    static func checksum(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        tables.withUnsafeBufferPointer { t in
            var index = 0
            if let base = bytes.baseAddress {
                let raw = UnsafeRawPointer(base)
                while index + 8 <= bytes.count {
                    let low = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt32.self)) ^ crc
                    let high = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self))
                    crc = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                        ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                        ^ t[3 * 256 + Int(high & 0xFF)] ^ t[2 * 256 + Int((high >> 8) & 0xFF)]
                        ^ t[256 + Int((high >> 16) & 0xFF)] ^ t[Int(high >> 24)]
                    index += 8
                }
            }
            while index < bytes.count {
                crc = t[Int((crc ^ UInt32(bytes[index])) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
        }
        return ~crc
    }
}
