public import TradewindAlerts
public import TradewindCore
public import TradewindRisk

/// Tradewind's whole configuration, typed and validated.
///
/// Built only by ``ConfigurationLoader`` from its layered sources (command-line flags >
/// `TRADEWIND_…` environment variables > environment overlay file > configuration file >
/// defaults); every value in it has passed validation, so consumers never re-check.
///
/// ```swift
/// let loaded = try await ConfigurationLoader(file: "tradewind.yaml").load()
/// print(loaded.configuration.server.port)
/// ```
public struct TradewindConfiguration: Sendable, Equatable {
    public struct Database: Sendable, Equatable {
        public var url: String
    }

    public struct Server: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var dashboard: Bool
    }

    public struct RateLimit: Sendable, Equatable {
        public var requestsPerSecond: Double
        public var burst: Int
    }

    public struct Auth: Sendable, Equatable {
        /// `nil`: the server generates a key per process (tokens end with the process).
        public var jwtSecret: Secret?
        public var tokenTTL: TimeSpan
        public var bcryptCost: Int
        public var adminUser: String
        /// `nil`: generated and printed once when the first admin is created.
        public var adminPassword: Secret?
        public var rateLimit: RateLimit
    }

    public struct Email: Sendable, Equatable {
        public enum Security: String, Sendable { case none, starttls, tls }
        public var host: String
        public var port: Int
        public var security: Security
        public var username: String?
        public var password: Secret?
        public var from: String
        public var to: [String]
        /// A PEM bundle to trust instead of the system roots.
        public var caFile: String?
    }

    public struct Telegram: Sendable, Equatable {
        public var token: Secret
        public var chatID: Int64
        public var apiBase: String
        /// `html` or `markdownv2`.
        public var parseMode: String
        /// Whether commands from the chat are obeyed.
        public var control: Bool
    }

    public struct Webhook: Sendable, Equatable {
        public var url: String
        public var secret: Secret?
    }

    public struct Delivery: Sendable, Equatable {
        public var queueCapacity: Int
        public var batchWindow: TimeSpan
        public var ratePerMinute: Double
        public var burst: Int
        public var maxAttempts: Int
        public var retryBase: TimeSpan
    }

    public struct Notifications: Sendable, Equatable {
        public var email: Email?
        public var telegram: Telegram?
        public var webhook: Webhook?
        public var delivery = Delivery(queueCapacity: 1_000, batchWindow: .seconds(60), ratePerMinute: 20, burst: 5, maxAttempts: 5,
                                       retryBase: .seconds(2))

        /// The names of the configured channels, in a fixed order.
        public var channelNames: [String] {
            (telegram == nil ? [] : ["telegram"]) + (email == nil ? [] : ["email"]) + (webhook == nil ? [] : ["webhook"])
        }
    }

    public struct Alerts: Sendable, Equatable {
        public var rules: [AlertRule]
        public var interval: TimeSpan
        /// Channels per severity; a severity without a list goes to every configured channel.
        public var routing: AlertRouting
    }

    public struct Logging: Sendable, Equatable {
        public enum Format: String, Sendable { case json, text }
        public var level: String
        public var format: Format
    }

    public var database: Database
    public var server: Server
    public var auth: Auth
    /// Limits applied to bots whose own file has no `risk` section; `nil` when none is set.
    public var riskDefaults: RiskLimits?
    /// Bot files loaded at start-up.
    public var bots: [String]
    public var notifications: Notifications
    public var alerts: Alerts
    public var logging: Logging
    public var reloadPollInterval: TimeSpan
}

/// A secret value: its description never shows it, so it cannot leak into a log line or an
/// error message by interpolation.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
