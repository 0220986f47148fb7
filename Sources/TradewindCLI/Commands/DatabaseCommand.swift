import ArgumentParser
import Foundation
import TradewindCore
import TradewindStorage

/// `--db URL`: which store a command uses.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Database URL: sqlite:FILE (default sqlite:tradewind.db, or $TRADEWIND_DB) or postgres://user:password@host:port/database[?schema=…&pool=…].",
        valueName: "url"))
    var db: String?

    var url: String { db ?? ProcessInfo.processInfo.environment["TRADEWIND_DB"] ?? StoreLocation.defaultURL }

    /// Opens the store, migrating it to this binary's schema (created on first use).
    func open(migrate: Bool = true) async throws -> any Store { try await openStore(url, migrate: migrate) }
}

/// `tradewind db`: the database's schema and backups.
struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Migrate, inspect and back up the database.",
        subcommands: [MigrateCommand.self, StatusCommand.self, BackupCommand.self, ReplayLogsCommand.self]
    )
}

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the database to this binary's schema (each migration in its own transaction).",
        discussion: "Idempotent: an up-to-date database is left alone. A database written by a newer tradewind is refused untouched."
    )
    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await CLIFailure.run {
            let database = try await store.open(migrate: false)
            defer { Task { await database.close() } }
            let applied = try await database.migrate()
            if applied.isEmpty {
                print("\(database.location): schema is up to date (version \(Schema.latestVersion))")
            } else {
                for version in applied {
                    let name = Schema.migrations.first { $0.version == version }?.name ?? ""
                    print("applied migration \(version): \(name)")
                }
                print("\(database.location): schema is at version \(Schema.latestVersion)")
            }
            await database.close()
        }
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Show the schema version and applied migrations.")
    @OptionGroup var store: StoreOptions

    func run() async throws {
        try await CLIFailure.run {
            let database = try await store.open(migrate: false)
            let status = try await database.schemaStatus()
            await database.close()
            print("Database   \(database.location)")
            print("Engine     \(status.engine)")
            print("Schema     version \(status.databaseVersion) (this tradewind: \(status.supportedVersion))")
            for migration in status.applied {
                print("  \(migration.version)  \(migration.name)  applied \(migration.appliedAt.iso8601)")
            }
            if status.databaseVersion > status.supportedVersion {
                print("The database is newer than this tradewind: upgrade tradewind.")
            } else if !status.pending.isEmpty {
                print("Pending    \(status.pending.map(String.init).joined(separator: ", ")) (run `tradewind db migrate`)")
            }
        }
    }
}

struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the database (SQLite online backup; PostgreSQL: prints the pg_dump command).")
    @OptionGroup var store: StoreOptions
    @Argument(help: ArgumentHelp("Destination file.", valueName: "file")) var file: String

    func run() async throws {
        try await CLIFailure.run {
            let database = try await store.open(migrate: false)
            let message = try await database.backup(to: file)
            await database.close()
            print(message)
        }
    }
}

struct ReplayLogsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay-logs",
        abstract: "Copy bots' write-ahead logs left by processes that ended into the database.",
        discussion: """
            Bots write their journal to a log file first (docs/LIVE.md). A process that starts bots copies the logs \
            others left when it opens its own; this does it without starting one: after a crash, before moving bots \
            to another machine (copy the crashed machine's log directory here first), or once the database accepts a \
            copy it refused. Logs a running process holds are left to it. Copying twice is harmless.
            """
    )
    @OptionGroup var store: StoreOptions
    @Option(help: ArgumentHelp("The log directory (default: beside an SQLite file, else $TRADEWIND_JOURNAL_LOGS or tradewind-journal-logs).",
                               valueName: "dir"))
    var dir: String?

    func run() async throws {
        try await CLIFailure.run {
            let database = try await store.open()
            let directory = dir ?? WriteAheadJournal.defaultDirectory(for: database.location)
            let replay: WriteAheadJournal.Replay?
            do {
                replay = FileManager.default.fileExists(atPath: directory) ? try await WriteAheadJournal.replayLogs(in: directory, into: database) : nil
            } catch {
                await database.close()
                throw error
            }
            await database.close()
            guard let replay else { return print("no write-ahead logs: \(directory) does not exist") }
            print("\(directory): \(replay.logs) log(s) replayed, \(replay.copiedEvents) journal entries copied into \(database.location)"
                  + (replay.held > 0 ? "; \(replay.held) held by a running process (left to it)" : ""))
        }
    }
}
