import ArgumentParser
import Foundation
import TradewindAlerts
import TradewindConfiguration
import TradewindCore
import TradewindNotifications
import TradewindStorage

/// The configuration and the database its `database.url` (or `--db`) names.
struct ConfiguredStoreOptions: ParsableArguments {
    @OptionGroup var options: ConfigurationOptions
    @Option(help: "Database URL (database.url).") var db: String?

    func load() throws -> TradewindConfiguration {
        try ConfigurationCenter(loader: try options.loader(flags: db.map { ["database.url": $0] } ?? [:])).current
    }
}

/// `tradewind notify`: send a message through a configured channel, read the delivery history.
struct NotifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Send a message through a configured channel, or show what was sent.",
        discussion: "Channels are configured under notifications: in tradewind.yaml (docs/NOTIFICATIONS.md).",
        subcommands: [NotifySendCommand.self, NotifyHistoryCommand.self])
}

struct NotifySendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send", abstract: "Send one message now; exits 69 with the server's answer when delivery fails.")

    @Option(help: "email, telegram or webhook.") var channel: String
    @Option(help: "The headline.") var title: String
    @Option(help: "The text.") var message: String = ""
    @Option(help: "info, warning or critical.") var severity: String = "info"
    @OptionGroup var configured: ConfiguredStoreOptions

    func run() async throws {
        try await CLIFailure.run {
            guard let severity = Severity(rawValue: severity) else { throw ValidationError("--severity must be info, warning or critical") }
            let configuration = try configured.load()
            let channels = NotificationChannels.make(configuration.notifications)
            guard let target = channels.first(where: { $0.name == channel }) else {
                let configuredNames = channels.map(\.name)
                throw ValidationError("channel \(channel) is not configured"
                                      + (configuredNames.isEmpty ? " (no channel is: see notifications: in the configuration)"
                                                                 : " (configured: \(configuredNames.joined(separator: ", ")))"))
            }
            let store = try await openStore(configuration.database.url)
            let notice = Notice(severity: severity, category: "message", subject: "operator", title: title, body: message, time: WallClock.now())
            let record = try await NotificationChannels.sendOnce(notice, through: target, store: store)
            await store.close()
            guard record.status == .sent else {
                CLIFailure.printError("\(channel) delivery failed: \(record.lastError ?? "unknown error")")
                throw ExitCode(69)
            }
            print("sent through \(channel) (notification \(record.id))")
        }
    }
}

struct NotifyHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history", abstract: "Notifications as recorded, newest first.")

    @Option(help: "Only pending, retrying, sent or dead.") var status: String?
    @Option(help: "How many.") var limit: Int = 50
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var configured: ConfiguredStoreOptions

    func run() async throws {
        try await CLIFailure.run {
            var wanted: NotificationRecord.Status?
            if let status {
                guard let parsed = NotificationRecord.Status(rawValue: status) else { throw ValidationError("--status must be pending, retrying, sent or dead") }
                wanted = parsed
            }
            let store = try await openStore(try configured.load().database.url)
            let records = try await store.notifications(status: wanted, limit: limit)
            await store.close()
            if json {
                print(try AlertsOutput.json(records.map(NotificationView.init)))
                return
            }
            if records.isEmpty { print("no notifications recorded") }
            for record in records {
                var line = "\(record.id)  \(record.createdAt.iso8601.prefix(19))  \(record.draft.channel)  \(record.status.rawValue)"
                line += " (\(record.attempts) attempt\(record.attempts == 1 ? "" : "s"))  \(record.draft.severity)  \(record.draft.title)"
                if let error = record.lastError { line += "  — \(error)" }
                print(line)
            }
        }
    }
}

/// `tradewind alerts`: the alerts the rules opened, and what operators did about them.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List, acknowledge and resolve alerts.",
        discussion: "Rules are configured under alerts: in tradewind.yaml and evaluated by `tradewind serve` (docs/NOTIFICATIONS.md).",
        subcommands: [AlertsListCommand.self, AlertsAckCommand.self, AlertsResolveCommand.self])
}

struct AlertsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Open alerts (with --all, resolved ones too), newest first.")

    @Flag(help: "Include resolved alerts.") var all = false
    @Option(help: "How many.") var limit: Int = 100
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var configured: ConfiguredStoreOptions

    func run() async throws {
        try await CLIFailure.run {
            let store = try await openStore(try configured.load().database.url)
            let alerts = try await store.alerts(states: all ? [] : [.firing, .acknowledged], limit: limit)
            await store.close()
            if json {
                print(try AlertsOutput.json(alerts.map(AlertView.init)))
                return
            }
            if alerts.isEmpty { print(all ? "no alerts recorded" : "no open alerts") }
            for alert in alerts { print(AlertsOutput.line(alert)) }
        }
    }
}

/// What `alerts ack` and `alerts resolve` share: the alert, who acts, and the store.
struct AlertActionOptions: ParsableArguments {
    @Argument(help: "The alert's id.") var id: Int64
    @Option(help: "Who acts (default: $USER).") var by: String?
    @OptionGroup var configured: ConfiguredStoreOptions

    func perform(_ action: (any Store, _ id: Int64, _ by: String, _ now: Timestamp) async throws -> AlertRecord) async throws {
        try await CLIFailure.run {
            let store = try await openStore(try configured.load().database.url)
            let alert: AlertRecord
            do {
                alert = try await action(store, id, by ?? AlertsOutput.user, WallClock.now())
            } catch {
                await store.close()
                throw error
            }
            await store.close()
            print(AlertsOutput.line(alert))
        }
    }
}

struct AlertsAckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ack", abstract: "Acknowledge an alert: someone is on it (stops its escalation).")
    @OptionGroup var options: AlertActionOptions

    func run() async throws {
        try await options.perform { store, id, by, now in try await store.acknowledgeAlert(id: id, by: by, now: now) }
    }
}

struct AlertsResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "resolve", abstract: "Resolve an alert: the matter is closed.")
    @OptionGroup var options: AlertActionOptions

    func run() async throws {
        try await options.perform { store, id, by, now in try await store.resolveAlert(id: id, by: by, now: now) }
    }
}

enum AlertsOutput {
    static var user: String { ProcessInfo.processInfo.environment["USER"] ?? "cli" }

    static func line(_ alert: AlertRecord) -> String {
        var line = "\(alert.id)  \(alert.state.rawValue)  \(alert.severity)  \(alert.message)  fired \(alert.firedAt.iso8601.prefix(19))"
        if alert.occurrences > 1 { line += "  ×\(alert.occurrences)" }
        if let by = alert.acknowledgedBy { line += "  acknowledged by \(by)" }
        if let by = alert.resolvedBy { line += "  resolved by \(by)" }
        return line
    }

    /// The API's wire format: the same fields as `GET /api/v1/alerts` and `/notifications`.
    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
