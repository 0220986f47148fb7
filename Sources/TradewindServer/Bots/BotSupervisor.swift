import Foundation
public import Logging
import Synchronization
public import TradewindAlerts
public import TradewindConfiguration
import TradewindCore
public import TradewindLive
public import TradewindStorage

/// The bots this server runs: created from bot files (stored in the database so they can be
/// started again after a restart), started and stopped through the API, each isolated in its
/// own task (one failing bot is recorded and leaves the others trading).
///
/// Visibility: a bot is seen by its owner, by admins, and by everyone when it belongs to
/// `system` (started from the configuration).
public actor BotSupervisor {
    struct Running {
        var bot: any RunnableBot
        var task: Task<Void, Never>
    }

    let store: any Store
    /// The bots' write-ahead journal, opened with the first bot (opening replays logs a previous
    /// run left, which can fail; the server itself does not need it).
    private var journal: Task<WriteAheadJournal, any Error>?
    /// When an append is durable (`TRADEWIND_JOURNAL_SYNC`, read and checked at start-up).
    let journalPolicy: WriteAheadJournal.SyncPolicy
    let configuration: ConfigurationCenter
    let logger: Logger
    /// Where every bot reports fills, rejections and risk changes for operators.
    let notices: (any NoticeSink)?
    var running: [String: Running] = [:] { didSet { publishSnapshot() } }
    /// The last error of a bot that stopped on one, until it is started again.
    var failures: [String: String] = [:] { didSet { publishSnapshot() } }
    /// Readable without waiting for the actor: which bots run, which failed and why. Reads of
    /// many bots (GET /bots) ask the actor only about the running ones.
    nonisolated let snapshot = Mutex<(running: Set<String>, failures: [String: String])>(([], [:]))

    /// Bumped after every change of ``snapshot``.
    nonisolated let snapshotGeneration = Atomic<Int>(0)

    private func publishSnapshot() {
        let names = Set(running.keys), failures = failures
        snapshot.withLock { $0 = (names, failures) }
        snapshotGeneration.add(1, ordering: .releasing)
    }

    public init(store: any Store, configuration: ConfigurationCenter, notices: (any NoticeSink)? = nil,
                journalPolicy: WriteAheadJournal.SyncPolicy = .processCrash, logger: Logger) {
        self.store = store
        self.journalPolicy = journalPolicy
        self.notices = notices
        self.configuration = configuration
        self.logger = logger
    }

    public static let systemOwner = "system"

    public static func visible(owner: String, to identity: Identity) -> Bool {
        identity.role == .admin || owner == systemOwner || owner == identity.user
    }

    /// Validates a bot file and stores it, stopped. The file's text is the bot's definition.
    /// - Throws: ``BotFileError`` with every problem; a conflict when the name is taken.
    public func create(yaml: String, owner: String) async throws -> BotRecord {
        let (definition, _) = try definition(of: yaml, origin: "request body")
        if try await store.bot(named: definition.name) != nil { throw APIError.conflict("a bot named \(definition.name) exists") }
        return try await store.createBot(name: definition.name, definition: yaml, owner: owner, now: WallClock.now())
    }

    /// Starts a stored bot: it recovers from its journal, reconciles with its venue, then trades.
    public func start(_ name: String) async throws {
        guard running[name] == nil else { throw APIError.conflict("bot \(name) is already running") }
        guard let record = try await store.bot(named: name) else { throw APIError.notFound("bot \(name)") }
        guard !record.definition.hasPrefix("strategy=") else {
            throw APIError.conflict("bot \(name) was created by `tradewind bot run`; start it with its file there, or create it through the API")
        }
        let (definition, file) = try definition(of: record.definition, origin: "bot \(name)")
        var botLogger = logger
        botLogger[metadataKey: "bot"] = .string(name)
        let bot = try LiveComposition.makeBot(definition, file: file, journal: try await openJournal(), notices: notices, logger: botLogger)
        failures[name] = nil
        let task = Task { [weak self] in
            do { try await bot.run() } catch {
                botLogger.error("bot stopped on an error; the others continue", metadata: ["error": .string("\(error)")])
                await self?.ended(name, error: "\(error)")
                return
            }
            await self?.ended(name, error: nil)
        }
        running[name] = Running(bot: bot, task: task)
    }

    /// Asks a running bot to stop (its file says whether open orders are cancelled) and waits.
    public func stop(_ name: String) async throws {
        guard let entry = running[name] else {
            guard try await store.bot(named: name) != nil else { throw APIError.notFound("bot \(name)") }
            throw APIError.conflict("bot \(name) is not running")
        }
        await entry.bot.stop()
        await entry.task.value
    }

    private func ended(_ name: String, error: String?) async {
        running[name] = nil
        if let error { failures[name] = error }
        if let record = try? await store.bot(named: name) {
            try? await store.setBotState(record.id, state: error == nil ? "stopped" : "failed", now: WallClock.now())
        }
    }

    public func status(_ name: String) async -> BotStatus? {
        guard let entry = running[name] else { return nil }
        return await entry.bot.status
    }

    /// The status of a running bot; `nil` at once (no wait for the actor) for the others.
    public nonisolated func statusIfRunning(_ name: String) async -> BotStatus? {
        guard snapshot.withLock({ $0.running.contains(name) }) else { return nil }
        return await status(name)
    }

    /// A running bot's bar-to-order latency p99 in ms (for alert rules).
    public func latencyP99(_ name: String) async -> Double? {
        guard let entry = running[name] else { return nil }
        return await entry.bot.recentLatencyP99Milliseconds
    }

    public nonisolated func lastError(_ name: String) -> String? { snapshot.withLock { $0.failures[name] } }

    public var runningNames: [String] { running.keys.sorted() }

    /// The bots of the configuration's `bots` list: stored under `system` when new, then started.
    public func startConfigured(files: [String]) async {
        for path in files {
            do {
                let text = try String(contentsOfFile: path, encoding: .utf8)
                let (definition, _) = try definition(of: text, origin: path)
                if let record = try await store.bot(named: definition.name) {
                    if record.definition != text && !record.definition.hasPrefix("strategy=") {
                        logger.notice("bot file changed since it was stored; the stored definition runs", metadata: ["bot": .string(definition.name)])
                    }
                } else {
                    _ = try await store.createBot(name: definition.name, definition: text, owner: Self.systemOwner, now: WallClock.now())
                }
                try await start(definition.name)
            } catch {
                logger.error("configured bot not started", metadata: ["file": .string(path), "error": .string("\(error)")])
            }
        }
    }

    /// Stops every bot (graceful shutdown).
    public func stopAll() async {
        for name in runningNames { try? await stop(name) }
        if let opened = try? await journal?.value { await opened.close() }
        journal = nil
    }

    private func openJournal() async throws -> WriteAheadJournal {
        if let journal { return try await journal.value }
        let store = store, logger = logger, policy = journalPolicy
        let opening = Task {
            try await WriteAheadJournal.open(store: store, directory: WriteAheadJournal.defaultDirectory(for: store.location),
                                             policy: policy, logger: logger)
        }
        journal = opening
        do { return try await opening.value } catch {
            journal = nil
            throw error
        }
    }

    func definition(of yaml: String, origin: String) throws -> (BotDefinition, BotFile) {
        let file = try BotFile.decode(yaml, path: origin)
        var (definition, parsed) = try file.definition(path: origin)
        if parsed.risk == nil, let defaults = configuration.current.riskDefaults { definition.risk = defaults }
        return (definition, parsed)
    }
}
