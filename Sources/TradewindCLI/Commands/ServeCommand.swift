import ArgumentParser
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import TradewindConfiguration
import TradewindLive
import TradewindServer
import TradewindStorage
import UnixSignals

/// `tradewind serve`: the API, the live stream, the dashboard and the configured bots.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the server: REST API, live stream, dashboard, /metrics, and the configured bots.",
        discussion: """
            Starts in an empty directory too: embedded SQLite (tradewind.db), defaults, and a first admin whose password \
            comes from TRADEWIND_AUTH_ADMIN_PASSWORD or is generated and printed once. Stops gracefully on SIGTERM/SIGINT. \
            See docs/SERVER.md and docs/CONFIGURATION.md.
            """)

    @OptionGroup var options: ConfigurationOptions
    @Option(help: "Port to listen on (server.port).") var port: Int?
    @Option(help: "Address to listen on (server.host).") var host: String?
    @Option(help: "Database URL (database.url).") var db: String?

    func run() async throws {
        try await CLIFailure.run {
            var flags: [String: String] = [:]
            if let port { flags["server.port"] = String(port) }
            if let host { flags["server.host"] = host }
            if let db { flags["database.url"] = db }
            let center = try ConfigurationCenter(loader: try options.loader(flags: flags))
            LoggingSystem.bootstrap { label in ConfiguredLogHandler(label: label, configuration: center) }
            let registry = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
            let logger = Logger(label: "tradewind.server")
            let current = center.current
            let journalPolicy = try WriteAheadJournal.SyncPolicy.fromEnvironment()
            let store = try await openStore(current.database.url)
            let server = await TradewindServer.make(configuration: center, store: store, registry: registry, journalPolicy: journalPolicy,
                                                    logger: logger)
            if let admin = try await server.auth.bootstrapAdmin(now: WallClock.now()), let password = admin.password {
                say("created the first admin: user \(admin.user), password \(password)")
                say("  (shown once: keep it, or set TRADEWIND_AUTH_ADMIN_PASSWORD before the first start)")
            }
            if current.auth.jwtSecret == nil {
                logger.warning("auth.jwt_secret is not set: login tokens are signed with a key of this process and end when it stops")
            }
            let version = try await server.reloader.recordInitial()
            logger.info("configuration recorded", metadata: ["config.version": .stringConvertible(version)])
            let app = server.application { port in
                say("tradewind server on http://\(current.server.host):\(port) (dashboard /, API /api/v1, metrics /metrics)")
            }
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
            await store.close()
        }
    }
}

/// A line on standard output now (not buffered): a supervisor reading the output sees it at once.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
