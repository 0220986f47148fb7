import Foundation
import Synchronization
import Testing
import TradewindCore
@testable import TradewindStorage
import TradewindTesting

@Suite("Write-ahead journal (a local log copied into the store)")
struct WriteAheadJournalTests {
    static let t0 = Timestamp(secondsSinceEpoch: 1_800_000_000)

    /// A fresh store and a log directory of its own, removed afterwards.
    static func withLogDirectory(_ backend: Backend, _ body: (any Store, String) async throws -> Void) async throws {
        try await withFreshStore(backend) { store, _ in
            let directory = NSTemporaryDirectory() + "tradewind-wal-test-\(UUID().uuidString.lowercased())"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try await body(store, directory)
        }
    }

    /// Writes a log as a process leaves it when killed: the header, then each batch as a record
    /// from its first position; with `tornAfter`, only that many bytes of the last record (a write
    /// cut short). Returns the log's name (its checkpoint key) and path.
    static func leaveLog(in directory: String, _ records: [(batch: BotEventBatch, firstPosition: Int64)],
                         tornAfter: Int? = nil) throws -> (name: String, path: String) {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let id = UUID()
        var encoder = LogRecordEncoder()
        for record in records.dropLast(tornAfter == nil ? 0 : 1) { encoder.append(record.batch, firstPosition: record.firstPosition) }
        var bytes = WriteAheadJournal.header(id) + encoder.bytes
        if let tornAfter, let last = records.last {
            var torn = LogRecordEncoder()
            torn.append(last.batch, firstPosition: last.firstPosition)
            bytes += torn.bytes.prefix(tornAfter)
        }
        let name = id.uuidString.lowercased()
        let path = directory + "/\(name).log"
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        return (name, path)
    }

    static func read(_ path: String) throws -> LogFile {
        try LogFile([UInt8](Data(contentsOf: URL(fileURLWithPath: path))), path: path)
    }

    @Test("appends are read back in order once copied; the next record starts after the header again once the store has caught up",
          arguments: Backend.allCases)
    func appendAndRead(_ backend: Backend) async throws {
        try await Self.withLogDirectory(backend) { store, directory in
            let journal = try await WriteAheadJournal.open(store: store, directory: directory)
            let one = try await journal.createBot(name: "one", definition: "{}", owner: "ops", now: Self.t0)
            let two = try await journal.createBot(name: "two", definition: "{}", owner: "ops", now: Self.t0)
            let long = (0..<3_000).map { "\($0 % 10)é" }.joined()
            var positions: [Int64] = []
            for round in 0..<50 {
                let ids = try await journal.append([
                    BotEventBatch(bot: one.id, events: [("order.intent", "{\"n\":\(round)}"), ("note", round == 7 ? long : "Zürich → 東京")],
                                  time: Self.t0 + .seconds(Int64(round))),
                    BotEventBatch(bot: two.id, events: [], time: Self.t0),
                    BotEventBatch(bot: two.id, events: [("state", "\(round)")], time: Self.t0),
                ])
                #expect(ids.map(\.count) == [2, 0, 1])
                positions += ids.flatMap { $0 }
            }
            #expect(positions == Array(1...150), "log positions count every event once, in order")
            let first = try await journal.events(bot: one.id, after: nil)
            #expect(first.count == 100)
            #expect(first.map(\.payload).enumerated().allSatisfy { index, payload in
                index % 2 == 0 ? payload == "{\"n\":\(index / 2)}" : payload == (index == 15 ? long : "Zürich → 東京")
            })
            #expect(first.last?.time == Self.t0 + .seconds(49))
            #expect(try await journal.events(bot: two.id, after: nil).map(\.payload) == (0..<50).map { "\($0)" })
            // Read straight from the store too: the copy is there, not only in the journal's view.
            #expect(try await store.events(bot: one.id, after: nil).map(\.sequence) == first.map(\.sequence))
            #expect(try await store.checkpoint(log: journal.name) == 150)
            #expect(try Self.read(journal.path).records.isEmpty, "the next record starts after the header again")
            await journal.close()
            #expect(!FileManager.default.fileExists(atPath: journal.path), "a caught-up log is removed on close")
            await #expect(throws: StorageError.self) { _ = try await journal.append(bot: one.id, events: [("x", "1")], at: Self.t0) }
        }
    }

    @Test("a log left by a process that died is copied exactly once: entries already copied are skipped, a torn last record is dropped",
          arguments: Backend.allCases)
    func replayLeftLog(_ backend: Backend) async throws {
        try await Self.withLogDirectory(backend) { store, directory in
            let bot = try await store.createBot(name: "crashed", definition: "{}", owner: "ops", now: Self.t0)
            // The log as a process leaves it when killed: three records written, the first copied
            // (and checkpointed) before the kill, the fourth cut off mid-write.
            let batches = (0..<4).map { round in
                BotEventBatch(bot: bot.id, events: [("order.intent", "{\"n\":\(round)}"), ("order.terms", "t\(round)")],
                              time: Self.t0 + .seconds(Int64(round)))
            }
            let (name, path) = try Self.leaveLog(in: directory, batches.enumerated().map { ($1, Int64($0 * 2 + 1)) }, tornAfter: 11)
            try await store.append([batches[0]], checkpoint: name, position: 2)

            let journal = try await WriteAheadJournal.open(store: store, directory: directory)
            let events = try await journal.events(bot: bot.id, after: nil)
            #expect(events.map(\.payload) == ["{\"n\":0}", "t0", "{\"n\":1}", "t1", "{\"n\":2}", "t2"])
            #expect(events.map(\.time) == [0, 0, 1, 1, 2, 2].map { Self.t0 + .seconds(Int64($0)) })
            #expect(try await store.checkpoint(log: name) == 6)
            #expect(!FileManager.default.fileExists(atPath: path), "a replayed log is removed")
            await journal.close()

            // Opening again finds nothing more to copy.
            let again = try await WriteAheadJournal.open(store: store, directory: directory)
            #expect(try await again.events(bot: bot.id, after: nil).count == 6)
            await again.close()
        }
    }

    @Test("a left log longer than one copy transaction is copied whole, in order")
    func longLeftLog() async throws {
        try await Self.withLogDirectory(.sqlite) { store, directory in
            let bot = try await store.createBot(name: "long", definition: "{}", owner: "ops", now: Self.t0)
            let count = WriteAheadJournal.appendsPerCopy * 2 + 3
            let (name, _) = try Self.leaveLog(in: directory, (0..<count).map { index in
                (BotEventBatch(bot: bot.id, events: [("n", "\(index)")], time: Self.t0), Int64(index + 1))
            })
            let journal = try await WriteAheadJournal.open(store: store, directory: directory)
            let events = try await journal.events(bot: bot.id, after: nil)
            #expect(events.map(\.payload) == (0..<count).map { "\($0)" })
            #expect(try await store.checkpoint(log: name) == Int64(count))
            await journal.close()
        }
    }

    @Test("a log that a live journal holds is left to it; when its owner is gone, the next open copies what the store lacks")
    func liveLogIsNotTaken() async throws {
        try await Self.withLogDirectory(.sqlite) { store, directory in
            let first = try await WriteAheadJournal.open(store: store, directory: directory)
            let bot = try await first.createBot(name: "b", definition: "{}", owner: "ops", now: Self.t0)
            _ = try await first.append(bot: bot.id, events: [("a", "1")], at: Self.t0)
            let second = try await WriteAheadJournal.open(store: store, directory: directory)
            #expect(FileManager.default.fileExists(atPath: first.path), "the live journal's log is not replayed by another")
            _ = try await second.append(bot: bot.id, events: [("b", "2")], at: Self.t0)
            try await first.flush()
            let seen = try await second.events(bot: bot.id, after: nil).map(\.kind).sorted()
            #expect(seen == ["a", "b"])
            await first.close()
            await second.close()
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
        }
    }

    @Test("a log left after this journal opened (a bot moving from a process that crashed) is copied before the bot's events are read")
    func lateLeftLog() async throws {
        try await Self.withLogDirectory(.sqlite) { store, directory in
            let running = try await WriteAheadJournal.open(store: store, directory: directory)
            let bot = try await running.createBot(name: "moved", definition: "{}", owner: "ops", now: Self.t0)
            // Another process's log, left after `running` opened: its bot's last order intent.
            let (_, path) = try Self.leaveLog(in: directory, [(BotEventBatch(bot: bot.id, events: [("order.intent", "{\"id\":\"moved-1-1\"}")],
                                                                             time: Self.t0), 1)])
            #expect(try await running.events(bot: bot.id, after: nil).map(\.kind) == ["order.intent"])
            #expect(!FileManager.default.fileExists(atPath: path))
            #expect(try await running.events(bot: bot.id, after: nil).count == 1, "copied once")
            await running.close()
        }
    }

    @Test("while the store refuses the copy, appends still succeed, reads report the store's error, and the entries stay in the log for the next start")
    func storeFailure() async throws {
        try await Self.withLogDirectory(.sqlite) { store, directory in
            let journal = try await WriteAheadJournal.open(store: store, directory: directory)
            let bot = try await journal.createBot(name: "b", definition: "{}", owner: "ops", now: Self.t0)
            // No bot has this id: the store refuses the copy (foreign key), the log keeps the entry.
            _ = try await journal.append(bot: bot.id + 1_000, events: [("orphan", "x")], at: Self.t0)
            await #expect(throws: StorageError.self) { try await journal.flush() }
            _ = try await journal.append(bot: bot.id, events: [("kept", "y")], at: Self.t0)
            await #expect(throws: StorageError.self) { _ = try await journal.events(bot: bot.id, after: nil) }
            await journal.close()
            #expect(try Self.read(journal.path).records.count == 2, "an uncopied log stays on close")
            #expect(try await store.events(bot: bot.id, after: nil).isEmpty)
            // The next start cannot copy it either, and says so, naming the log; nothing is dropped.
            await #expect {
                _ = try await WriteAheadJournal.open(store: store, directory: directory)
            } throws: { error in
                "\(error)".contains(journal.path) && "\(error)".contains("stay in the log")
            }
            #expect(FileManager.default.fileExists(atPath: journal.path))
        }
    }

    @Test("an append the disk has no room for is refused and leaves nothing in the log: the records after it replay, and no position is used twice")
    func fullDisk() async throws {
        try await Self.withLogDirectory(.sqlite) { store, directory in
            let calls = Mutex(0)
            // Room for the header and a small record; the first growth finds the disk full.
            let journal = try await WriteAheadJournal.open(store: store, directory: directory, capacity: 128, reserve: { descriptor, length throws(StorageError) in
                let call = calls.withLock { $0 += 1; return $0 }
                guard call != 2 else { throw StorageError.backend("cannot reserve \(length) bytes: No space left on device") }
                try WriteAheadJournal.reserveBlocks(descriptor, length)
            })
            // Entries for a bot the store lacks: the copy fails, so the file keeps every record.
            let orphan: Int64 = 999_999
            let first = try await journal.append(bot: orphan, events: [("a", "1"), ("b", "2")], at: Self.t0)
            await #expect(throws: StorageError.self) {
                _ = try await journal.append(bot: orphan, events: [("lost", String(repeating: "x", count: 200))], at: Self.t0)
            }
            let third = try await journal.append(bot: orphan, events: [("c", String(repeating: "y", count: 300))], at: Self.t0)
            #expect(first == [1, 2] && third == [3])
            #expect(calls.withLock { $0 } == 3, "reserved at open, refused once, then grown")
            let log = try Self.read(journal.path)
            #expect(log.endsCleanly, "nothing half-written is left in the file")
            #expect(log.records.map(\.batch.events.count) == [2, 1])
            #expect(log.records.map(\.lastPosition) == [2, 3])
            #expect(log.records.flatMap { $0.batch.events.map(\.kind) } == ["a", "b", "c"])
            await journal.close()
        }
    }

    @Test("with a sync per append, appends that outgrow the first reservation grow the file and are read back whole")
    func syncedAppendsGrow() async throws {
        try await Self.withLogDirectory(.sqlite) { store, directory in
            let journal = try await WriteAheadJournal.open(store: store, directory: directory, policy: .everyAppend, capacity: 4_096,
                                                           reserve: WriteAheadJournal.reserveBlocks)
            let bot = try await journal.createBot(name: "synced", definition: "{}", owner: "ops", now: Self.t0)
            let payloads = (0..<40).map { String(repeating: Character(Unicode.Scalar(UInt8(65 + $0 % 26))), count: 500 + $0 * 37) }
            // The first append alone is larger than the reservation; the rest come one by one.
            _ = try journal.appendNow(payloads.prefix(10).map { BotEventBatch(bot: bot.id, events: [("note", $0)], time: Self.t0) })
            for payload in payloads.dropFirst(10) { _ = try journal.appendNow([BotEventBatch(bot: bot.id, events: [("note", payload)], time: Self.t0)]) }
            let size = ((try FileManager.default.attributesOfItem(atPath: journal.path))[.size] as? NSNumber)?.intValue ?? 0
            #expect(size >= payloads.prefix(10).reduce(0) { $0 + $1.utf8.count }, "the reservation doubled past the first append")
            #expect(try await journal.events(bot: bot.id, after: nil).map(\.payload) == payloads)
            await journal.close()
        }
    }

    @Test("a backlog built while the store is down is read back from the log file, across its growths, whole and in order")
    func backlogReadBackFromTheFile() async throws {
        try await Self.withLogDirectory(.sqlite) { store, directory in
            let refusing = CopyRefusingStore(store, refusing: true)
            let journal = try await WriteAheadJournal.open(store: refusing, directory: directory, capacity: 256,
                                                           reserve: WriteAheadJournal.reserveBlocks)
            let bot = try await store.createBot(name: "backlog", definition: "{}", owner: "ops", now: Self.t0)
            let payloads = (0..<300).map { index in
                String(repeating: index % 3 == 0 ? "é" : "x", count: index % 17 * 40) + "#\(index) Zürich → 東京"
            }
            var positions: [Int64] = []
            for (index, payload) in payloads.enumerated() {
                positions += try await journal.append([
                    BotEventBatch(bot: bot.id, events: [("note", payload)] + (index % 5 == 0 ? [("extra", "\(index)")] : []),
                                  time: Self.t0 + .seconds(Int64(index))),
                ]).flatMap { $0 }
            }
            await #expect(throws: StorageError.self, "a copy was tried and refused") { try await journal.flush() }
            #expect(try await store.checkpoint(log: journal.name) == nil, "nothing reached the store yet")
            let size = ((try FileManager.default.attributesOfItem(atPath: journal.path))[.size] as? NSNumber)?.intValue ?? 0
            #expect(size >= 32_768, "the log grew from 256 bytes, remapped on each doubling")
            refusing.refusing.store(false, ordering: .relaxed)
            try await journal.flush()
            let events = try await store.events(bot: bot.id, after: nil)
            let expected = payloads.enumerated().flatMap { index, payload in [payload] + (index % 5 == 0 ? ["\(index)"] : []) }
            #expect(events.map(\.payload) == expected)
            #expect(events.map(\.time) == payloads.indices.flatMap { index in Array(repeating: Self.t0 + .seconds(Int64(index)), count: index % 5 == 0 ? 2 : 1) })
            #expect(try await store.checkpoint(log: journal.name) == positions.last)
            await journal.close()
        }
    }

    @Test("records written over older ones after a catch-up end at their terminator: a replay reads only them")
    func overwrite() async throws {
        try await Self.withLogDirectory(.sqlite) { store, directory in
            let journal = try await WriteAheadJournal.open(store: store, directory: directory)
            let bot = try await journal.createBot(name: "b", definition: "{}", owner: "ops", now: Self.t0)
            for round in 0..<5 { _ = try journal.appendNow([BotEventBatch(bot: bot.id, events: [("long", String(repeating: "\(round)", count: 400))], time: Self.t0)]) }
            try await journal.flush()
            // Copied, so the next record starts over the first of those; the store refuses this one
            // (no such bot), so it stays in the file.
            _ = try journal.appendNow([BotEventBatch(bot: 999_999, events: [("short", "s")], time: Self.t0)])
            let log = try Self.read(journal.path)
            #expect(log.records.map(\.batch.events.first?.kind) == ["short"])
            #expect(log.records.map(\.lastPosition) == [6])
            #expect(log.endsCleanly, "the older records beyond it are not read as torn ones")
            await journal.close()
        }
    }

    @Test("TRADEWIND_JOURNAL_SYNC chooses the sync policy; an unknown value is refused with the variable, the value and the choices")
    func syncSetting() throws {
        typealias Policy = WriteAheadJournal.SyncPolicy
        #expect(try Policy.fromEnvironment([:]) == .processCrash)
        #expect(try Policy.fromEnvironment(["TRADEWIND_JOURNAL_SYNC": "process-crash"]) == .processCrash)
        #expect(try Policy.fromEnvironment(["TRADEWIND_JOURNAL_SYNC": "every-append"]) == .everyAppend)
        #expect(throws: WriteAheadJournal.InvalidSetting(name: "TRADEWIND_JOURNAL_SYNC", value: "fsync",
                                                         reason: "expected one of process-crash, every-append")) {
            try Policy.fromEnvironment(["TRADEWIND_JOURNAL_SYNC": "fsync"])
        }
    }

    @Test("with a sync per append, concurrent appends that wait for their flush together all return, each at its own positions, and read back whole")
    func groupFlush() async throws {
        try await Self.withLogDirectory(.sqlite) { store, directory in
            let journal = try await WriteAheadJournal.open(store: store, directory: directory, policy: .everyAppend)
            var bots: [BotRecord] = []
            for index in 0..<8 { bots.append(try await journal.createBot(name: "b\(index)", definition: "{}", owner: "ops", now: Self.t0)) }
            let created = bots
            let positions = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for round in 0..<200 {
                    group.addTask {
                        try await journal.append(bot: created[round % 8].id, events: [("n", "\(round)"), ("m", "\(round)")], at: Self.t0)
                    }
                }
                return try await group.reduce(into: [Int64]()) { $0 += $1 }
            }
            #expect(positions.sorted() == Array(1...400), "every append got its own positions")
            for (index, bot) in bots.enumerated() {
                let rounds = try await journal.events(bot: bot.id, after: nil).filter { $0.kind == "n" }.map { Int($0.payload)! }
                #expect(rounds.sorted() == Array(stride(from: index, to: 200, by: 8)))
            }
            await journal.close()
        }
    }

    @Test("a log ends at its terminator: records beyond it (from before the store caught up) and a record cut short are not read")
    func terminator() throws {
        let id = UUID()
        var encoder = LogRecordEncoder()
        for first in [Int64(7), 8] { encoder.append(BotEventBatch(bot: 1, events: [("k", "\(first)")], time: Self.t0), firstPosition: first) }
        let stale: [UInt8] = encoder.bytes
        encoder.reset()
        encoder.append(BotEventBatch(bot: 1, events: [("k", "9")], time: Self.t0), firstPosition: 9)
        let header = WriteAheadJournal.header(id)
        // After a catch-up the next record starts at the header again, over older ones.
        let reused = header + encoder.bytes + [UInt8](repeating: 0, count: 8) + stale.dropFirst(encoder.bytes.count + 8)
        let log = try LogFile(reused, path: "reused.log")
        #expect(log.records.map(\.lastPosition) == [9] && log.endsCleanly)
        // The same without its terminator (a crash after the record's first bytes): the replay
        // stops at the first thing that is not the next record.
        let torn = header + encoder.bytes + stale
        let read = try LogFile(torn, path: "torn.log")
        #expect(read.records.map(\.lastPosition) == [9] && !read.endsCleanly, "positions 7 and 8 do not follow 9")
        // A file whose header never got written is empty, not foreign.
        let blank = try LogFile([UInt8](repeating: 0, count: 4_096), path: "blank.log")
        #expect(blank.records.isEmpty && blank.endsCleanly)
    }

    @Test("the copy into SQLite runs on the copy thread under SCHED_IDLE at nice 19, and its rows and checkpoint commit together")
    func copyThread() async throws {
        #expect(try await LowPriorityThread.journalCopy.run { () throws(StorageError) in getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) } == 19)
        #expect(try await LowPriorityThread.journalCopy.run { () throws(StorageError) in sched_getscheduler(0) } == LowPriorityThread.idlePolicy)
        try await Self.withLogDirectory(.sqlite) { store, _ in
            let sqlite = try #require(store as? any BlockingCheckpointedJournal)
            let bot = try await store.createBot(name: "copied", definition: "{}", owner: "ops", now: Self.t0)
            let batch = [BotEventBatch(bot: bot.id, events: [("note", "one"), ("note", "two")], time: Self.t0)]
            try await LowPriorityThread.journalCopy.run { () throws(StorageError) in try sqlite.appendBlocking(batch, checkpoint: "log-a", position: 2) }
            #expect(try await store.events(bot: bot.id, after: nil).map(\.payload) == ["one", "two"])
            #expect(try await store.checkpoint(log: "log-a") == 2)
        }
    }

    @Test("pages are faulted in ahead of the appends on a thread under SCHED_IDLE at nice 19, without changing a byte: appends across many 64 KB chunks and a growth of the log read back whole")
    func prefaultAhead() async throws {
        #expect(try await LowPriorityThread.journalPrefault.run { () throws(StorageError) in getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) } == 19)
        #expect(try await LowPriorityThread.journalPrefault.run { () throws(StorageError) in sched_getscheduler(0) } == LowPriorityThread.idlePolicy)
        try await Self.withLogDirectory(.sqlite) { store, directory in
            // Copies refused: nothing is copied, so the log is never written from its start again
            // and the appends run past its first megabyte.
            let refusing = CopyRefusingStore(store, refusing: true)
            let journal = try await WriteAheadJournal.open(store: refusing, directory: directory)
            let bot = try await store.createBot(name: "ahead", definition: "{}", owner: "ops", now: Self.t0)
            let payloads = (0..<1_200).map { "\($0):" + String(repeating: Character(Unicode.Scalar(UInt8(97 + $0 % 26))), count: 1_000) }
            for payload in payloads { _ = try await journal.append(bot: bot.id, events: [("note", payload)], at: Self.t0) }
            // The thread runs its items in order: this one runs after every prefault queued above.
            _ = try await LowPriorityThread.journalPrefault.run { () throws(StorageError) in 0 }
            let size = ((try FileManager.default.attributesOfItem(atPath: journal.path))[.size] as? NSNumber)?.intValue ?? 0
            #expect(size == 2 << 20, "the log doubled past its first megabyte")
            refusing.refusing.store(false, ordering: .relaxed)
            #expect(try await journal.events(bot: bot.id, after: nil).map(\.payload) == payloads)
            await journal.close()
        }
    }

    @Test("a file in the log directory that is not a Tradewind log is refused by name, not overwritten")
    func foreignFile() async throws {
        try await Self.withLogDirectory(.sqlite) { store, directory in
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = directory + "/notes.log"
            #expect(FileManager.default.createFile(atPath: path, contents: Data("hello, world\n".utf8)))
            await #expect {
                _ = try await WriteAheadJournal.open(store: store, directory: directory)
            } throws: { error in "\(error)".contains(path) && "\(error)".contains("bad header") }
            #expect(try String(contentsOfFile: path, encoding: .utf8) == "hello, world\n")
        }
    }

    @Test("the record checksum is CRC-32 as zlib computes it, eight bytes at a time or one")
    func checksum() {
        let check = Array("123456789".utf8).withUnsafeBufferPointer { CRC32.checksum($0) }
        #expect(check == 0xCBF4_3926)
        #expect([UInt8]().withUnsafeBufferPointer { CRC32.checksum($0) } == 0)
        // The bitwise definition, one bit at a time, against the table-driven one at every length
        // and alignment (the eight-byte steps start anywhere in a record).
        func bitwise(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
            }
            return ~crc
        }
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
        var mismatches = 0
        for start in 0..<9 {
            for end in start...bytes.count where bytes.withUnsafeBufferPointer({ CRC32.checksum(UnsafeBufferPointer(rebasing: $0[start..<end])) })
                != bitwise(bytes[start..<end]) {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
    }

    @Test("the checkpoint commits with the copy: a copy the store refuses leaves the checkpoint where it was", arguments: Backend.allCases)
    func checkpointIsAtomic(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            let bot = try await store.createBot(name: "b", definition: "{}", owner: "ops", now: Self.t0)
            #expect(try await store.checkpoint(log: "log-a") == nil)
            try await store.append([BotEventBatch(bot: bot.id, events: [("a", "1")], time: Self.t0)], checkpoint: "log-a", position: 4)
            #expect(try await store.checkpoint(log: "log-a") == 4)
            await #expect(throws: StorageError.self) {
                try await store.append([BotEventBatch(bot: bot.id, events: [("b", "2")], time: Self.t0),
                                        BotEventBatch(bot: bot.id + 1_000, events: [("c", "3")], time: Self.t0)],
                                       checkpoint: "log-a", position: 9)
            }
            #expect(try await store.checkpoint(log: "log-a") == 4)
            #expect(try await store.events(bot: bot.id, after: nil).map(\.kind) == ["a"])
            try await store.append([BotEventBatch(bot: bot.id, events: [("d", "4")], time: Self.t0)], checkpoint: "log-b", position: 1)
            #expect(try await store.checkpoint(log: "log-a") == 4)
            #expect(try await store.checkpoint(log: "log-b") == 1)
        }
    }
}
