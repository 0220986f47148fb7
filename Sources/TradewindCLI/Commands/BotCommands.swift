import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals
import Yams
import TradewindAlerts
import TradewindConfiguration
import TradewindCore
import TradewindLive
import TradewindNotifications
import TradewindMarketData
import TradewindStorage
import TradewindStrategy

/// Runs bots until SIGTERM/SIGINT, then lets each stop as its file says (cancel or keep orders).
/// One bot's failure is logged and recorded; the others keep trading.
struct NodeService: Service {
    let bots: [(name: String, bot: any RunnableBot)]
    let logger: Logger

    func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for (name, bot) in bots {
                    group.addTask {
                        do { try await bot.run() } catch {
                            logger.error("bot \(name) stopped on an error; the others continue", metadata: ["error": "\(error)"])
                        }
                    }
                }
            }
        }
    }
}

/// Some bots of the node stopped on errors (each is logged and in its journal).
struct BotsFailed: Error, CustomStringConvertible {
    var names: [String]
    var description: String { "bots stopped on errors: \(names.joined(separator: ", "))" }
}

struct BotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bot",
        abstract: "Run a trading bot (paper or live) from its bot.yaml.",
        subcommands: [BotRunCommand.self, BotCheckCommand.self])
}

struct BotRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run one bot in the foreground until SIGTERM or SIGINT.",
        discussion: "The bot recovers from its journal and reconciles with the venue first. See docs/LIVE.md.")

    @Argument(help: "The bot's YAML file.") var file: String
    @Option(help: "Database URL (sqlite:FILE or postgres://…); overrides the file's `database` (then $TRADEWIND_DB, then sqlite:tradewind.db).") var db: String?
    @OptionGroup var settings: ConfigurationOptions

    func run() async throws {
        try await CLIFailure.run {
            let (definition, parsed) = try BotFile.load(path: file).definition(path: file)
            let configuration = try ConfigurationCenter(loader: try settings.loader()).current
            try await runNode([(definition, parsed)], database: db ?? parsed.database ?? StoreOptions().url, notifications: configuration)
        }
    }
}

struct BotCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "check", abstract: "Validate a bot file and print what it would run.")

    @Argument(help: "The bot's YAML file.") var file: String

    func run() throws {
        try CLIFailure.run {
            let (definition, parsed) = try BotFile.load(path: file).definition(path: file)
            print("bot \(definition.name): \(definition.strategy) \(definition.parameters.map { "\($0.name)=\($0.value)" }.joined(separator: " "))")
            print("  instruments \(definition.instruments.map(\.id.description).joined(separator: ", ")), venue \(parsed.venue.kind), feed \(parsed.feed?.kind ?? parsed.venue.kind)")
            print("  risk \(definition.risk == nil ? "none" : "limits set"), on stop: \(definition.onStop.rawValue)")
        }
    }
}

struct NodeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "node",
        abstract: "Run many bots in one process until SIGTERM or SIGINT.",
        discussion: """
            node.yaml: `database: URL`, `bots: [path/to/bot.yaml, …]`, and optionally `settings: tradewind.yaml` whose \
            notifications: section the bots report to (default: tradewind.yaml in the working directory when present).
            """)

    @Option(help: "The node's YAML file.") var config: String

    struct NodeFile: Decodable {
        var database: String?
        var bots: [String]
        var settings: String?
    }

    func run() async throws {
        try await CLIFailure.run {
            guard let text = try? String(contentsOfFile: config, encoding: .utf8) else { throw BotFileError(path: config, problems: ["cannot read the file"]) }
            let node: NodeFile
            do { node = try YAMLDecoder().decode(NodeFile.self, from: text) } catch let error as DecodingError {
                throw BotFileError(path: config, problems: [BotFile.describe(error)])
            }
            let base = URL(fileURLWithPath: config).deletingLastPathComponent()
            var bots: [(BotDefinition, BotFile)] = []
            var problems: [String] = []
            for path in node.bots {
                let resolved = path.hasPrefix("/") ? path : base.appendingPathComponent(path).path
                do { bots.append(try BotFile.load(path: resolved).definition(path: resolved)) } catch { problems.append("\(error)") }
            }
            if !problems.isEmpty { throw BotFileError(path: config, problems: problems) }
            let names = bots.map(\.0.name)
            if Set(names).count != names.count { throw BotFileError(path: config, problems: ["bots: names must be unique, got \(names)"]) }
            let settings = node.settings.map { $0.hasPrefix("/") ? $0 : base.appendingPathComponent($0).path }
            let configuration = try ConfigurationCenter(loader: try ConfigurationOptions.loader(file: settings)).current
            try await runNode(bots, database: node.database ?? StoreOptions().url, notifications: configuration)
        }
    }
}

/// Runs bots until they end or a signal stops them; with channels configured, their notices are
/// delivered (and flushed at the end) by a delivery service in the same group.
func runNode(_ bots: [(BotDefinition, BotFile)], database: String, notifications configuration: TradewindConfiguration? = nil) async throws {
    let logger = Logger(label: "tradewind.node")
    let journalPolicy = try WriteAheadJournal.SyncPolicy.fromEnvironment()
    let store = try await openStore(database)
    var delivery: DeliveryService?
    if let configuration, !configuration.notifications.channelNames.isEmpty {
        delivery = DeliveryService(queue: NoticeQueue(capacity: configuration.notifications.delivery.queueCapacity),
                                   channels: NotificationChannels.make(configuration.notifications), routing: configuration.alerts.routing,
                                   store: store, settings: NotificationChannels.deliverySettings(configuration.notifications), logger: logger)
    }
    // Every bot's entries are durable in this process's log file; the store gets them a moment later.
    let journal = try await WriteAheadJournal.open(store: store, directory: WriteAheadJournal.defaultDirectory(for: store.location),
                                                   policy: journalPolicy, logger: logger)
    var runnable: [(String, any RunnableBot)] = []
    for (definition, file) in bots {
        var botLogger = logger
        botLogger[metadataKey: "venue"] = .string(file.venue.kind)
        runnable.append((definition.name, try LiveComposition.makeBot(definition, file: file, journal: journal, notices: delivery?.queue,
                                                                      logger: botLogger)))
    }
    // When every bot has ended (stopped or failed), the node ends too (delivering what the bots reported first).
    var services: [ServiceGroupConfiguration.ServiceConfiguration] = delivery.map { [.init(service: $0)] } ?? []
    services.append(.init(service: NodeService(bots: runnable, logger: logger), successTerminationBehavior: .gracefullyShutdownGroup))
    let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    try await group.run()
    var failed: [String] = []
    for (name, bot) in runnable {
        let status = await bot.status
        if status.phase == .failed { failed.append(name) }
        print("bot \(name): \(status.phase.rawValue), equity \(status.equity.formatted(places: 2)), fills \(status.fills), open orders \(status.openOrders)"
              + (status.lastError.map { ", error: \($0)" } ?? ""))
    }
    await journal.close()
    await store.close()
    if !failed.isEmpty { throw BotsFailed(names: failed) }
}
