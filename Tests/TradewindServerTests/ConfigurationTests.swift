import Foundation
import Testing
import TradewindAlerts
import TradewindConfiguration
import TradewindCore
import TradewindTesting

private func scratch() -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tradewind-config-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory
}

private func write(_ text: String, to path: String) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
}

private func problems(_ loader: ConfigurationLoader) -> [ConfigurationProblem] {
    do { _ = try loader.load(); return [] } catch { return error.problems }
}

@Suite("Configuration")
struct ConfigurationTests {
    @Test("with no file and no environment the defaults run the embedded server")
    func defaults() throws {
        let loaded = try ConfigurationLoader(file: nil, environment: [:]).load()
        #expect(loaded.configuration.database.url == "sqlite:tradewind.db")
        #expect(loaded.configuration.server.port == 8080)
        #expect(loaded.configuration.auth.tokenTTL == .minutes(15))
        #expect(loaded.configuration.riskDefaults == nil)
        #expect(loaded.configuration.auth.jwtSecret == nil)
    }

    @Test("flags beat the environment, which beats the overlay, which beats the file, which beats the defaults")
    func precedence() throws {
        // Given a file, a prod overlay, an environment variable and a flag, each setting a different field or value
        let directory = scratch()
        let file = directory + "/tradewind.yaml"
        write("server:\n  port: 9000\n  host: 0.0.0.0\nauth:\n  token_ttl: 30m\nlogging:\n  level: debug\n", to: file)
        write("server:\n  port: 9300\nlogging:\n  level: warning\n", to: directory + "/tradewind.prod.yaml")
        let environment = ["TRADEWIND_SERVER_PORT": "9100", "TRADEWIND_AUTH_TOKEN_TTL": "1h"]

        // Then each field comes from the highest layer that sets it
        let all = try ConfigurationLoader(file: file, environmentName: "prod", flags: ["server.port": "9200"], environment: environment).load()
        #expect(all.configuration.server.port == 9200)
        #expect(all.configuration.auth.tokenTTL == .hours(1))
        #expect(all.configuration.logging.level == "warning")
        #expect(all.configuration.server.host == "0.0.0.0")
        #expect(all.effective.first { $0.field == .serverPort }?.source == "command line")
        #expect(all.effective.first { $0.field == .authTokenTTL }?.source == "TRADEWIND_AUTH_TOKEN_TTL")
        #expect(all.effective.first { $0.field == .serverHost }?.source == file)
        #expect(all.effective.first { $0.field == .databaseURL }?.source == "defaults")

        #expect(try ConfigurationLoader(file: file, environmentName: "prod", environment: environment).load().configuration.server.port == 9100)
        #expect(try ConfigurationLoader(file: file, environmentName: "prod", environment: [:]).load().configuration.server.port == 9300)
        #expect(try ConfigurationLoader(file: file, environment: [:]).load().configuration.server.port == 9000)
        #expect(try ConfigurationLoader(file: file, environment: [:]).load().configuration.logging.level == "debug")
    }

    @Test("every invalid field is reported at once with its path, value and reason")
    func everyProblemAtOnce() throws {
        let directory = scratch()
        let file = directory + "/tradewind.yaml"
        write("""
            server:
              port: 99999
              prot: 80
            auth:
              token_ttl: soon
              jwt_secret: hunter2hunter2hunter2hunter2hunter2
              rate_limit:
                burst: -1
            risk:
              max_drawdown: 1.5
              max_order_notional: lots
            notifications:
              telegram:
                chat_id: "@ops"
            logging:
              format: xml
            bots: [does/not/exist.yaml]
            """, to: file)
        let found = problems(ConfigurationLoader(file: file, environment: ["TRADEWIND_DATABASE_URL": "mysql://x"]))
        let byPath = Dictionary(found.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byPath["server.port"]?.value == "99999")
        #expect(byPath["server.port"]?.reason == "must be from 0 to 65535")
        #expect(byPath["server.prot"]?.reason == "unknown setting (did you mean server.port?)")
        #expect(byPath["auth.token_ttl"]?.value == "soon")
        #expect(byPath["auth.jwt_secret"]?.reason.contains("TRADEWIND_AUTH_JWT_SECRET") == true)
        #expect(byPath["auth.rate_limit.burst"] != nil)
        #expect(byPath["risk.max_drawdown"] != nil)
        #expect(byPath["risk.max_order_notional"]?.value == "lots")
        #expect(byPath["notifications.telegram.chat_id"]?.reason == "must be a numeric chat id")
        #expect(byPath["notifications.telegram.token"] != nil)
        #expect(byPath["logging.format"]?.reason == "must be one of json, text")
        #expect(byPath["bots"]?.value == "does/not/exist.yaml")
        #expect(byPath["database.url"]?.source == "TRADEWIND_DATABASE_URL")
        // A secret's value never appears in a problem
        #expect(!ConfigurationError(problems: found).description.contains("hunter2"))
    }

    @Test("secrets come from files or the environment and are redacted everywhere they are shown")
    func secrets() throws {
        let directory = scratch()
        let secretFile = directory + "/jwt"
        write("0123456789abcdef0123456789abcdef-jwt\n", to: secretFile)
        let file = directory + "/tradewind.yaml"
        write("auth:\n  jwt_secret_file: \(secretFile)\n", to: file)
        let loaded = try ConfigurationLoader(file: file, environment: ["TRADEWIND_AUTH_ADMIN_PASSWORD": "correct horse"]).load()
        #expect(loaded.configuration.auth.jwtSecret?.value == "0123456789abcdef0123456789abcdef-jwt")
        #expect(loaded.configuration.auth.adminPassword?.value == "correct horse")
        let shown = loaded.rendered() + "\(loaded.configuration)"
        #expect(!shown.contains("0123456789abcdef"))
        #expect(!shown.contains("correct horse"))
        #expect(shown.contains("auth.jwt_secret: <redacted>"))
        #expect(problems(ConfigurationLoader(file: nil, flags: ["auth.jwt_secret": "x"], environment: [:])).first?.reason.contains("command line") == true)
        #expect(problems(ConfigurationLoader(file: nil, environment: ["TRADEWIND_AUTH_JWT_SECRET_FILE": directory + "/missing"]))
            .first?.path == "auth.jwt_secret_file")
    }

    @Test("every template is a valid configuration apart from the secret files it points at", arguments: ConfigurationTemplate.allCases)
    func templates(_ template: ConfigurationTemplate) throws {
        let file = scratch() + "/tradewind.yaml"
        write(template.text, to: file)
        let found = problems(ConfigurationLoader(file: file, environment: [:]))
        #expect(found.allSatisfy { $0.reason == "cannot read the secret file" }, "\(found)")
    }

    @Test("a reload applies a valid change atomically, refuses an invalid one and holds restart-only settings")
    func reload() throws {
        let file = scratch() + "/tradewind.yaml"
        write("auth:\n  token_ttl: 15m\n", to: file)
        let center = try ConfigurationCenter(loader: ConfigurationLoader(file: file, environment: [:]))
        #expect(center.reload() == .unchanged)

        write("auth:\n  token_ttl: 5m\n", to: file)
        #expect(center.reload() == .applied(changed: [.authTokenTTL], restartRequired: []))
        #expect(center.current.auth.tokenTTL == .minutes(5))

        write("auth:\n  token_ttl: never\n", to: file)
        guard case .rejected(let error) = center.reload() else { Issue.record("an invalid change was applied"); return }
        #expect(error.problems.map(\.path) == ["auth.token_ttl"])
        #expect(center.current.auth.tokenTTL == .minutes(5))

        write("auth:\n  token_ttl: 5m\nserver:\n  port: 9999\n", to: file)
        #expect(center.reload() == .applied(changed: [.serverPort], restartRequired: [.serverPort]))
        #expect(center.current.server.port == 8080)
        #expect(center.pendingRestart == [.serverPort])
        #expect(center.reload() == .unchanged)
    }
}

@Suite("Configuration: notifications and alerts")
struct NotificationConfigurationTests {
    @Test("channels, delivery settings, alert rules (as lines and as mappings) and routes load from the file")
    func loads() throws {
        let directory = scratch()
        let file = directory + "/tradewind.yaml"
        write("s3cret-token\n", to: directory + "/telegram")
        write("""
            notifications:
              email: {host: smtp.example.com, port: 587, tls: starttls, username: bot, password_file: \(directory)/telegram, from: bot@example.com, to: [ops@example.com, oncall@example.com]}
              telegram: {token_file: \(directory)/telegram, chat_id: 123456, api_base: http://127.0.0.1:9999, parse_mode: markdownv2}
              webhook: {url: https://hooks.example.com/x}
              batch_window: 30s
              rate_per_minute: 12
            alerts:
              rules:
                - "deep-drawdown: drawdown > 5% severity critical cooldown 30m"
                - {name: stale-feed, when: bar_age_minutes > 10, for: 1m, severity: warning}
              route:
                info: [webhook]
                critical: [telegram, email]
              escalation: [email, webhook]
              escalate_after: 5m

            """, to: file)
        let configuration = try ConfigurationLoader(file: file, environment: [:]).load().configuration
        let notifications = configuration.notifications
        #expect(notifications.email?.to == ["ops@example.com", "oncall@example.com"] && notifications.email?.password?.value == "s3cret-token")
        #expect(notifications.telegram?.chatID == 123_456 && notifications.telegram?.parseMode == "markdownv2" && notifications.telegram?.control == true)
        #expect(notifications.channelNames == ["telegram", "email", "webhook"])
        #expect(notifications.delivery.batchWindow == .seconds(30) && notifications.delivery.ratePerMinute == 12 && notifications.delivery.maxAttempts == 5)
        let alerts = configuration.alerts
        #expect(alerts.rules.map(\.name) == ["deep-drawdown", "stale-feed"])
        #expect(alerts.rules[1].duration == .minutes(1) && alerts.rules[1].severity == .warning && alerts.rules[1].threshold == 10)
        #expect(alerts.routing.channels(for: .info) == ["webhook"] && alerts.routing.channels(for: .critical) == ["telegram", "email"])
        // A severity without a route goes to every configured channel.
        #expect(alerts.routing.channels(for: .warning) == ["telegram", "email", "webhook"])
        #expect(alerts.routing.escalation == ["email", "webhook"] && alerts.routing.escalateAfter == .minutes(5))
    }

    @Test("without rules the venue-outage rules apply; the environment can set rules too")
    func defaults() throws {
        let defaults = try ConfigurationLoader(file: nil, environment: [:]).load().configuration.alerts
        #expect(defaults.rules.map(\.name) == ["venue-down", "circuit-open"])
        let fromEnvironment = try ConfigurationLoader(file: nil, environment: ["TRADEWIND_ALERTS_RULES": "a: equity < 9000,b: drawdown > 3%"]).load()
        #expect(fromEnvironment.configuration.alerts.rules.map(\.description) == ["a: equity < 9000 severity warning cooldown 15m",
                                                                                   "b: drawdown > 3 severity warning cooldown 15m"])
    }

    @Test("a reload applies new rules and routes at once and holds changed channels until a restart")
    func reload() throws {
        let file = scratch() + "/tradewind.yaml"
        write("notifications:\n  webhook: {url: https://a.example.com/x}\nalerts:\n  rules: [\"a: equity < 1\"]\n", to: file)
        let center = try ConfigurationCenter(loader: ConfigurationLoader(file: file, environment: [:]))
        write("notifications:\n  webhook: {url: https://b.example.com/x}\nalerts:\n  rules: [\"b: drawdown > 5%\"]\n  escalate_after: 2m\n", to: file)
        guard case .applied(let changed, let restart) = center.reload() else { Issue.record("not applied"); return }
        #expect(Set(changed) == [.alertRules, .alertEscalateAfter, .webhookURL] && restart == [.webhookURL])
        #expect(center.current.alerts.rules.map(\.name) == ["b"] && center.current.alerts.routing.escalateAfter == .minutes(2))
        #expect(center.current.notifications.webhook?.url == "https://a.example.com/x")
        #expect(center.pendingRestart == [.webhookURL])
    }

    @Test("bad rules, routes to unconfigured channels and literal secrets are refused together, each with its reason")
    func refusals() throws {
        let directory = scratch()
        let file = directory + "/tradewind.yaml"
        write("""
            notifications:
              webhook: {url: https://hooks.example.com/x, secret: inline}
              rate_per_minute: 0
            alerts:
              rules: ["x: drawdwn > 5", {name: y, when: equity > 1, color: red}, "z: equity > 1", "z: equity > 2"]
              route: {critical: [telegram]}
              escalation: [pager]

            """, to: file)
        let found = problems(ConfigurationLoader(file: file, environment: [:]))
        let text = found.map(\.description).joined(separator: "\n")
        #expect(text.contains("notifications.webhook.secret") && text.contains("secrets are not accepted in the file"))
        #expect(text.contains("notifications.rate_per_minute") && text.contains("must be greater than 0"))
        #expect(text.contains("unknown metric 'drawdwn'"))
        #expect(text.contains("unexpected 'color'"))
        #expect(text.contains("the rule name z is used twice"))
        #expect(text.contains("alerts.route.critical = \"telegram\"") && text.contains("not a configured channel (configured: webhook)"))
        #expect(text.contains("alerts.escalation = \"pager\""))
        #expect(found.count == 7, "\(text)")
    }
}

@Suite("Configuration documentation")
struct ConfigurationDocumentationTests {
    @Test("docs/CONFIGURATION.md lists every setting with its environment variable and reload rule")
    func documented() throws {
        let text = try String(contentsOfFile: TradewindTesting.Fixtures.repositoryRoot + "/docs/CONFIGURATION.md", encoding: .utf8)
        for field in ConfigurationField.allCases {
            let row = text.split(separator: "\n").first { $0.hasPrefix("| `\(field.rawValue)`") }
            #expect(row != nil, "\(field.rawValue) is not documented")
            #expect(row?.contains(field.environmentName) == true)
            #expect(row?.contains(field.isReloadable ? "| yes |" : "| restart |") == true, "\(field.rawValue)")
        }
    }
}
