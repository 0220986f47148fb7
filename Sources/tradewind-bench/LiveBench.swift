import ArgumentParser
import Foundation
import Logging
import TradewindCore
import TradewindLive
import TradewindMarketData
import TradewindSimulation
import TradewindStorage
import TradewindStrategy

/// `tradewind-bench live`: tick-to-order latency inside the node under the load of many bots.
struct LiveBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Tick-to-order latency of many paper bots sharing one node and one journal.",
        discussion: """
            Every bar goes to all bots at once (as one feed fans out to a node's bots); each bot runs SMA(2/5) \
            (with --mixed, periods of its own) so it trades often, through the risk engine, the node's write-ahead journal (a log file copied into a \
            fresh SQLite file, WAL, synchronous=NORMAL, by a thread under SCHED_IDLE) and the paper venue. Reported: bar arrival → order out of \
            the risk engine (decision), and bar arrival → order handed to the venue adapter after its intent is \
            durable (to venue).
            """
    )

    @Option(help: "Bots in the node.") var bots = 50
    @Option(help: "Live bars per bot.") var bars = 2_000
    @Option(help: ArgumentHelp("Microseconds from one bar to the next (0: each bar as soon as every bot has handled the previous one).",
                               discussion: "A real feed leaves the node idle between bars, and the journal's copier works in those gaps."))
    var pace = 0
    @Flag(help: "Write the journal straight into the store, in group commits (the node's journal before its write-ahead log).")
    var storeJournal = false
    @Flag(help: "With --store-journal: each bot's entries in their own transactions instead of group commits.") var noGroupCommit = false
    @Option(help: "The write-ahead log's sync policy: process-crash or every-append (as TRADEWIND_JOURNAL_SYNC).")
    var journalSync = "process-crash"
    @Option(help: ArgumentHelp("Split the bots over N tasks, each taking its bots' bars in turn (0: a task per bot).",
                               discussion: "With 1, the node's CPU cost per bot with no scheduling in between: what a bar costs on one core."))
    var pass = 0
    @Flag(help: ArgumentHelp("Give each bot its own SMA periods (fast 2…6, slow 3…12 above it) instead of all SMA(2/5).",
                             discussion: "Identical bots all trade on the same bars: the worst case. Mixed ones spread their orders."))
    var mixed = false
    @Flag(help: "Keep the journal in memory (not durable): what the node costs without its storage, for comparison only.")
    var memoryJournal = false
    @Flag(help: ArgumentHelp("First fan the same bars out to no-op actors that only note the time: the machine's and the runtime's floor.",
                             discussion: "The p99 of bar in → a no-op actor's turn, in the same minute as the bots' figures."))
    var withFloor = false
    @Flag(help: ArgumentHelp("Afterwards, restart the first bot on the same journal and time its recovery.",
                             discussion: "What a restart costs after the run's bars and orders: reading the journal, reconciling, rebuilding the engine, warming up."))
    var restart = false

    func run() async throws {
        let path = NSTemporaryDirectory() + "tradewind-live-bench-\(UUID().uuidString).db"
        let store = try await openStore("sqlite:" + path)
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        if memoryJournal && storeJournal { throw ValidationError("--memory-journal and --store-journal exclude each other") }
        if pass < 0 { throw ValidationError("--pass must be 0 or more") }
        if noGroupCommit && !storeJournal { throw ValidationError("--no-group-commit applies to --store-journal only") }
        let journal: any BotJournal
        if memoryJournal {
            journal = MemoryJournal()
        } else if storeJournal {
            journal = noGroupCommit ? store : GroupCommitJournal(store)
        } else {
            guard let policy = WriteAheadJournal.SyncPolicy(rawValue: journalSync) else {
                throw ValidationError("--journal-sync: expected process-crash or every-append")
            }
            journal = try await WriteAheadJournal.open(store: store, directory: path + ".logs", policy: policy)
        }
        defer { try? FileManager.default.removeItem(atPath: path + ".logs") }
        if !memoryJournal { try await measureCommits(store, log: journal as? WriteAheadJournal) }
        let instrument = try Instrument(id: InstrumentID(symbol: "WALK", venue: "PAPER"), pricePrecision: 2, sizePrecision: 0)
        let series = RandomWalk(seed: 11).bars(count: bars + 30)
        var running: [TradingBot<SMACross>] = []
        var definitions: [BotDefinition] = []
        for index in 0..<bots {
            // Mixed: up to 50 different SMA pairs (fast 2…6, slow 3…12 above it), so the bots trade
            // on different bars, as a node's different bots do.
            let fast = mixed ? 2 + index % 5 : 2
            let slow = mixed ? fast + 3 + (index / 5) % 10 : 5
            let definition = BotDefinition(name: "bench\(index)", strategy: "sma-cross",
                                           parameters: [("fast", "\(fast)"), ("slow", "\(slow)"), ("size", "1")],
                                           instruments: [instrument], interval: .minutes(1), warmupBars: 30,
                                           startingCash: Money("10000000"), fees: FeeModel(rate: Rate("0.001")))
            let bot = TradingBot(definition: definition, strategy: try SMACross.make(definition.parameters),
                                 adapter: PaperVenue(instruments: [instrument], fees: definition.fees),
                                 feed: ReplayFeed(series: [instrument.id: series], warmup: 30), journal: journal,
                                 logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }),
                                 // Every order's latency kept: at most one order per bar and side.
                                 latencySamples: 2 * bars + 16)
            try await bot.prepare()
            running.append(bot)
            definitions.append(definition)
        }
        let live = series.dropFirst(30)  // a slice: the bench holds the bars once
        if withFloor {
            // The same fan-out to actors that only note the time: what scheduling alone costs here.
            let nulls = (0..<bots).map { _ in NoOpBot() }
            _ = try await fanOut(live, to: nulls, onBar: { await $0.onBar(arrived: $2) }, decide: { await $0.onBar(arrived: $2) },
                                 settle: { _ in })
            var floor: [Int64] = []
            for null in nulls { floor += await null.latencies }
            floor.sort()
            print("floor: the same fan-out to \(bots) no-op actors, each noting the time (\(floor.count) bars × actors): "
                  + "p50 \(Self.percentile(floor, 0.5)), p99 \(Self.percentile(floor, 0.99)), max \(Self.percentile(floor, 1))")
        }
        let elapsed = try await fanOut(live, to: running, onBar: { try await $0.onBar($1, instrument: 0, arrived: $2) },
                                       decide: { try await $0.decide($1, instrument: 0, arrived: $2) }, settle: { try await $0.settle() })
        var decision: [Int64] = [], toVenue: [Int64] = []
        for bot in running {
            decision += await bot.tickToDecision.samples
            toVenue += await bot.tickToOrder.samples
        }
        decision.sort()
        toVenue.sort()
        let percentile = Self.percentile
        let seconds = elapsed.inSeconds
        if let log = journal as? WriteAheadJournal {
            let lastBar = ContinuousClock.now
            try await log.flush()
            let behind = (ContinuousClock.now - lastBar).inNanoseconds / 1_000
            let counts = log.copyCounts
            print("journal: write-ahead log file, \(counts.appends) appends copied into SQLite in \(counts.transactions) transactions "
                  + "in the background (caught up \(behind) µs after the last bar)")
        } else if let group = journal as? GroupCommitJournal {
            let commits = await group.commits, appends = await group.batchedAppends
            print("journal: \(appends) appends in \(commits) transactions (group commit)")
        } else if memoryJournal {
            print("journal: in memory (not durable; the node's own cost only)")
        } else {
            print("journal: one transaction per append")
        }
        print("\(bots) paper bots\(mixed ? " (mixed periods)" : ""), \(live.count) bars each\(pace > 0 ? " one every \(pace) µs" : " back to back"), \(toVenue.count) orders, "
              + "\(String(format: "%.2f", seconds)) s (\(Int(Double(bots * live.count) / seconds)) bot-bars/s)")
        print("  bar in → order decided (risk engine passed): p50 \(percentile(decision, 0.5)), p99 \(percentile(decision, 0.99)), max \(percentile(decision, 1))")
        print("  bar in → order handed to the adapter (intent durable): p50 \(percentile(toVenue, 0.5)), p99 \(percentile(toVenue, 0.99)), max \(percentile(toVenue, 1))")
        if restart, let definition = definitions.first {
            // A new incarnation of the first bot, as after the process ended.
            let again = TradingBot(definition: definition, strategy: try SMACross.make(definition.parameters),
                                   adapter: PaperVenue(instruments: [instrument], fees: definition.fees),
                                   feed: ReplayFeed(series: [instrument.id: series], warmup: 30), journal: journal,
                                   logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
            let started = ContinuousClock.now
            try await again.prepare()
            let took = ContinuousClock.now - started
            let status = await again.status
            print("restart: \(definition.name) recovered (\(status.fills) fills, \(status.openOrders) open orders) in "
                  + String(format: "%.1f ms", took.inSeconds * 1_000))
        }
        await (journal as? WriteAheadJournal)?.close()
        await store.close()
    }

    static func percentile(_ values: [Int64], _ p: Double) -> String {
        values.isEmpty ? "-" : String(format: "%.1f µs", Double(values[min(values.count - 1, Int(Double(values.count) * p))]) / 1000)
    }

    /// Hands every bar to all participants at once, as one feed fans out to a node's bots: a
    /// task per participant (`onBar`), or with `--pass N` N tasks, each taking its participants
    /// in turn (every one of a part `decide`s before any `settle`s); with `--pace`, on a schedule.
    func fanOut<P: Sendable>(_ live: ArraySlice<Bar>, to participants: [P],
                             onBar: @escaping @Sendable (P, Bar, ContinuousClock.Instant) async throws -> Void,
                             decide: @escaping @Sendable (P, Bar, ContinuousClock.Instant) async throws -> Void,
                             settle: @escaping @Sendable (P) async throws -> Void) async throws -> Duration {
        let parts = pass > 0 ? (0..<pass).map { part in participants.indices.filter { $0 % pass == part }.map { participants[$0] } } : []
        let clock = ContinuousClock()
        let started = clock.now
        var due = started
        for bar in live {
            if pace > 0 {
                due = due.advanced(by: .microseconds(pace))
                try await clock.sleep(until: due, tolerance: .zero)
            }
            let arrived = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                if pass > 0 {
                    for part in parts {
                        group.addTask {
                            for participant in part { try await decide(participant, bar, arrived) }
                            for participant in part { try await settle(participant) }
                        }
                    }
                } else {
                    for participant in participants { group.addTask { try await onBar(participant, bar, arrived) } }
                }
                try await group.waitForAll()
            }
        }
        return clock.now - started
    }

    /// The floors under "handed to the adapter": one bot's store commit of an order's entries and a
    /// few bars, alone on the machine, through the same store call the bots use; and, with the
    /// write-ahead log, the same entries appended to the log.
    func measureCommits(_ store: any Store, log: WriteAheadJournal?) async throws {
        let bot = try await store.createBot(name: "commit-floor", definition: "{}", owner: "bench", now: .epoch)
        let entries = Array(repeating: (kind: "market.bar", payload: String(repeating: "x", count: 200)), count: 6)
        var times: [Int64] = []
        for _ in 0..<2_000 {
            let started = ContinuousClock.now
            _ = try await store.append(bot: bot.id, events: entries, at: .epoch)
            times.append((ContinuousClock.now - started).inNanoseconds)
        }
        times.sort()
        print("store alone: a commit of 6 entries (200 bytes each), 2000 commits: p50 \(times[1_000] / 1_000) µs, p99 \(times[1_980] / 1_000) µs")
        guard let log else { return }
        times.removeAll()
        let batch = [BotEventBatch(bot: bot.id, events: entries, time: .epoch)]
        for _ in 0..<2_000 {
            let started = ContinuousClock.now
            _ = try log.appendNow(batch)
            times.append((ContinuousClock.now - started).inNanoseconds)
        }
        try await log.flush()
        times.sort()
        print("log alone: an append of the same 6 entries, 2000 appends: p50 \(Double(times[1_000]) / 1_000) µs, p99 \(Double(times[1_980]) / 1_000) µs")
    }
}

/// A bot that does nothing but note how long after the bar's arrival its turn came.
actor NoOpBot {
    private(set) var latencies: [Int64] = []

    func onBar(arrived: ContinuousClock.Instant) {
        latencies.append((ContinuousClock.now - arrived).inNanoseconds)
    }
}

/// A journal that only keeps entries in memory: `live --memory-journal` measures the node without
/// its storage, so the two figures side by side say what the durable journal costs.
actor MemoryJournal: BotJournal {
    private var records: [BotRecord] = []
    private var entries: [BotEventRecord] = []

    func createBot(name: String, definition: String, owner: String, now: Timestamp) async throws(StorageError) -> BotRecord {
        guard !records.contains(where: { $0.name == name }) else { throw .constraintViolation("bot \(name) exists") }
        let record = BotRecord(id: Int64(records.count + 1), name: name, definition: definition, state: "stopped", owner: owner,
                               createdAt: now, updatedAt: now)
        records.append(record)
        return record
    }

    func bot(named name: String) async throws(StorageError) -> BotRecord? { records.first { $0.name == name } }
    func bots() async throws(StorageError) -> [BotRecord] { records }

    func setBotState(_ id: Int64, state: String, now: Timestamp) async throws(StorageError) {
        guard let index = records.firstIndex(where: { $0.id == id }) else { throw .constraintViolation("no bot with id \(id)") }
        records[index].state = state
        records[index].updatedAt = now
    }

    func append(_ batch: [BotEventBatch]) async throws(StorageError) -> [[Int64]] {
        batch.map { entry in
            entry.events.map { event in
                let sequence = Int64(entries.count + 1)
                entries.append(BotEventRecord(sequence: sequence, botID: entry.bot, time: entry.time, kind: event.kind, payload: event.payload))
                return sequence
            }
        }
    }

    func events(bot: Int64, after sequence: Int64?) async throws(StorageError) -> [BotEventRecord] {
        entries.filter { $0.botID == bot && $0.sequence > (sequence ?? 0) }
    }
}
