/// Every setting Tradewind reads from its configuration, in one table.
///
/// The table is the single source of truth for names, defaults, which settings are secrets and
/// which apply without a restart: the loader reads through it, `config show` prints through it
/// (redacting secrets), unknown keys in a file are found against it, and docs/CONFIGURATION.md
/// lists it. A key `a.b_c` is `a: {b_c: …}` in YAML, `TRADEWIND_A_B_C` in the environment and
/// `--set a.b_c=…` on the command line.
public enum ConfigurationField: String, CaseIterable, Sendable {
    case databaseURL = "database.url"

    case serverHost = "server.host"
    case serverPort = "server.port"
    case serverDashboard = "server.dashboard"

    case authJWTSecret = "auth.jwt_secret"
    case authTokenTTL = "auth.token_ttl"
    case authBcryptCost = "auth.bcrypt_cost"
    case authAdminUser = "auth.admin_user"
    case authAdminPassword = "auth.admin_password"
    case authRateLimitPerSecond = "auth.rate_limit.requests_per_second"
    case authRateLimitBurst = "auth.rate_limit.burst"

    case riskMaxOrderNotional = "risk.max_order_notional"
    case riskMaxOrderQuantity = "risk.max_order_quantity"
    case riskMaxPosition = "risk.max_position"
    case riskMaxGrossExposure = "risk.max_gross_exposure"
    case riskMaxOpenOrders = "risk.max_open_orders"
    case riskPriceBand = "risk.price_band"
    case riskMaxOrdersPerSecond = "risk.max_orders_per_second"
    case riskDailyLossLimit = "risk.daily_loss_limit"
    case riskMaxDrawdown = "risk.max_drawdown"

    case bots = "bots"

    case emailHost = "notifications.email.host"
    case emailPort = "notifications.email.port"
    case emailTLS = "notifications.email.tls"
    case emailUsername = "notifications.email.username"
    case emailPassword = "notifications.email.password"
    case emailFrom = "notifications.email.from"
    case emailTo = "notifications.email.to"
    case emailCAFile = "notifications.email.ca_file"
    case telegramToken = "notifications.telegram.token"
    case telegramChatID = "notifications.telegram.chat_id"
    case telegramAPIBase = "notifications.telegram.api_base"
    case telegramParseMode = "notifications.telegram.parse_mode"
    case telegramControl = "notifications.telegram.control"
    case webhookURL = "notifications.webhook.url"
    case webhookSecret = "notifications.webhook.secret"
    case notifyQueueCapacity = "notifications.queue_capacity"
    case notifyBatchWindow = "notifications.batch_window"
    case notifyRatePerMinute = "notifications.rate_per_minute"
    case notifyBurst = "notifications.burst"
    case notifyMaxAttempts = "notifications.max_attempts"
    case notifyRetryBase = "notifications.retry_base"

    case alertRules = "alerts.rules"
    case alertInterval = "alerts.interval"
    case alertRouteInfo = "alerts.route.info"
    case alertRouteWarning = "alerts.route.warning"
    case alertRouteCritical = "alerts.route.critical"
    case alertEscalation = "alerts.escalation"
    case alertEscalateAfter = "alerts.escalate_after"

    case logLevel = "logging.level"
    case logFormat = "logging.format"

    case reloadPollInterval = "reload.poll_interval"

    /// The value used when no source gives one; `nil` = unset (optional setting).
    public var defaultValue: String? {
        switch self {
        case .databaseURL: "sqlite:tradewind.db"
        case .serverHost: "127.0.0.1"
        case .serverPort: "8080"
        case .serverDashboard: "true"
        case .authTokenTTL: "15m"
        case .authBcryptCost: "12"
        case .authAdminUser: "admin"
        case .authRateLimitPerSecond: "50"
        case .authRateLimitBurst: "100"
        case .emailPort: "587"
        case .emailTLS: "starttls"
        case .telegramAPIBase: "https://api.telegram.org"
        case .telegramParseMode: "html"
        case .telegramControl: "true"
        case .notifyQueueCapacity: "1000"
        case .notifyBatchWindow: "60s"
        case .notifyRatePerMinute: "20"
        case .notifyBurst: "5"
        case .notifyMaxAttempts: "5"
        case .notifyRetryBase: "2s"
        case .alertRules: Self.defaultAlertRules.joined(separator: ",")
        case .alertInterval: "5s"
        case .alertEscalateAfter: "10m"
        case .logLevel: "info"
        case .logFormat: "json"
        case .reloadPollInterval: "2s"
        default: nil
        }
    }

    /// Secrets come only from the environment (`TRADEWIND_…`) or from a file named by the
    /// `…_file` key; they are never written in the configuration file, logged, stored or returned.
    public var isSecret: Bool {
        switch self {
        case .authJWTSecret, .authAdminPassword, .emailPassword, .telegramToken, .webhookSecret: true
        default: false
        }
    }

    /// The key naming a file that holds the secret (`auth.jwt_secret_file`).
    public var fileKey: String? { isSecret ? rawValue + "_file" : nil }

    /// Whether a changed value takes effect on reload; the others need a restart.
    public var isReloadable: Bool {
        switch self {
        case .databaseURL, .serverHost, .serverPort, .serverDashboard, .authJWTSecret, .bots, .reloadPollInterval: false
        // Channels and the delivery queue are built once at start-up; rules and routes are swapped live.
        case .emailHost, .emailPort, .emailTLS, .emailUsername, .emailPassword, .emailFrom, .emailTo, .emailCAFile, .telegramToken,
             .telegramChatID, .telegramAPIBase, .telegramParseMode, .telegramControl, .webhookURL, .webhookSecret, .notifyQueueCapacity,
             .notifyBatchWindow, .notifyRatePerMinute, .notifyBurst, .notifyMaxAttempts, .notifyRetryBase: false
        default: true
        }
    }

    /// The environment variable that sets this field.
    public var environmentName: String {
        "TRADEWIND_" + rawValue.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }

    /// A list rather than one value (YAML sequence; comma-separated in the environment).
    public var isList: Bool {
        [.bots, .emailTo, .alertRules, .alertRouteInfo, .alertRouteWarning, .alertRouteCritical, .alertEscalation].contains(self)
    }

    /// Rules in force when the configuration names none: the venue outages that must never go unheard.
    public static let defaultAlertRules = [
        "venue-down: venue_disconnected_seconds > 30 severity critical cooldown 10m",
        "circuit-open: circuit_open > 0 severity critical cooldown 10m",
    ]

    /// One line for the documentation and `config show --explain`.
    public var help: String {
        switch self {
        case .databaseURL: "sqlite:PATH (embedded, the default) or postgres://user:password@host:port/db"
        case .serverHost: "address the API listens on"
        case .serverPort: "port the API listens on (0 = any free port, printed at start)"
        case .serverDashboard: "serve the web dashboard at /"
        case .authJWTSecret: "HMAC key signing login tokens (≥ 32 bytes); generated per process when unset"
        case .authTokenTTL: "lifetime of a login token (e.g. 15m, 1h)"
        case .authBcryptCost: "bcrypt cost for stored passwords (4…16)"
        case .authAdminUser: "name of the first admin, created when no user exists"
        case .authAdminPassword: "password of the first admin; generated and printed once when unset"
        case .authRateLimitPerSecond: "requests per second allowed per user or API key"
        case .authRateLimitBurst: "requests allowed at once above the steady rate"
        case .riskMaxOrderNotional: "default pre-trade limit for bots without their own risk section"
        case .riskMaxOrderQuantity: "default largest order quantity"
        case .riskMaxPosition: "default largest absolute position per instrument"
        case .riskMaxGrossExposure: "default largest gross exposure"
        case .riskMaxOpenOrders: "default most open orders"
        case .riskPriceBand: "default band around the last price (0.05 = 5%)"
        case .riskMaxOrdersPerSecond: "default order rate limit"
        case .riskDailyLossLimit: "default daily loss that moves a bot to REDUCING"
        case .riskMaxDrawdown: "default drawdown that halts a bot (0.2 = 20%)"
        case .bots: "bot files the server loads at start-up"
        case .emailHost: "SMTP server"
        case .emailPort: "SMTP port"
        case .emailTLS: "none, starttls or tls"
        case .emailUsername: "SMTP user"
        case .emailPassword: "SMTP password"
        case .emailFrom: "sender address"
        case .emailTo: "recipient addresses"
        case .emailCAFile: "PEM file of certificates to trust for the SMTP server (a private CA); system roots when unset"
        case .telegramToken: "Telegram bot token"
        case .telegramChatID: "chat that receives messages and may send commands"
        case .telegramAPIBase: "Telegram Bot API base URL"
        case .telegramParseMode: "html or markdownv2: how messages are formatted"
        case .telegramControl: "obey /status, /balance, /positions, /stop BOT, /start BOT from the configured chat"
        case .webhookURL: "URL receiving JSON POSTs"
        case .webhookSecret: "HMAC-SHA256 key signing webhook bodies"
        case .notifyQueueCapacity: "notices held between the bots and delivery; when full, info goes first, critical never"
        case .notifyBatchWindow: "similar notices within this window are merged into one message"
        case .notifyRatePerMinute: "messages per minute per channel (more are merged)"
        case .notifyBurst: "messages a channel may send at once"
        case .notifyMaxAttempts: "attempts per message before it is recorded as a dead letter"
        case .notifyRetryBase: "first retry delay (doubling, with jitter, up to 5m)"
        case .alertRules: "alert rules, one per line: NAME: METRIC[(SUBJECT)] OP VALUE [for D] [severity S] [cooldown D]"
        case .alertInterval: "how often alert rules are evaluated"
        case .alertRouteInfo: "channels for info notices (default: every configured channel)"
        case .alertRouteWarning: "channels for warnings (default: every configured channel)"
        case .alertRouteCritical: "channels for critical notices (default: every configured channel)"
        case .alertEscalation: "channels an unacknowledged critical alert goes to next, in order"
        case .alertEscalateAfter: "how long a critical alert may stay unacknowledged before it escalates"
        case .logLevel: "trace, debug, info, notice, warning, error or critical"
        case .logFormat: "json or text"
        case .reloadPollInterval: "how often the configuration file is checked for changes"
        }
    }

    /// Every key a configuration file may contain, `…_file` keys of secrets included.
    public static let fileKeys: Set<String> = Set(allCases.flatMap { field -> [String] in
        field.isSecret ? [field.fileKey!] : [field.rawValue]
    })
}
