import Configuration
import Crypto
import Foundation
import TradewindAlerts
import TradewindCore
import TradewindRisk

/// Reads every ``ConfigurationField`` through the layered reader, converting and checking each,
/// collecting every problem rather than stopping at the first.
struct FieldReader {
    let reader: ConfigReader
    /// For attributing a value to its source; the first layer holding a key gave it.
    let layers: [Layer]
    var problems: [ConfigurationProblem]
    var effective: [EffectiveSetting] = []

    init(reader: ConfigReader, layers: [Layer], problems: [ConfigurationProblem]) {
        self.reader = reader
        self.layers = layers
        self.problems = problems
        for key in layers[0].values.keys {
            if let field = ConfigurationField(rawValue: key), field.isSecret {
                self.problems.append(.init(path: key, value: "<redacted>", reason:
                    "secrets are not accepted on the command line (they show in the process list): set \(field.environmentName) or \(field.fileKey!)",
                    source: "command line"))
            } else if !ConfigurationField.fileKeys.contains(key) {
                self.problems.append(.init(path: key, value: layers[0].values[key].map { "\($0)" }, reason: "unknown setting", source: "command line"))
            }
        }
    }

    func source(of key: String) -> String {
        for layer in layers {
            guard let value = layer.values[key] else { continue }
            if layer.name == "environment", case .string(let variable) = value { return variable }
            return layer.name
        }
        return "defaults"
    }

    mutating func fail(_ field: ConfigurationField, _ value: String?, _ reason: String) {
        problems.append(.init(path: field.rawValue, value: field.isSecret ? value.map { _ in "<redacted>" } : value, reason: reason,
                              source: value == nil ? nil : source(of: field.rawValue)))
    }

    /// The raw text of a field, recorded for `config show`.
    mutating func text(_ field: ConfigurationField) -> String? {
        let value = reader.string(forKey: ConfigKey(field.rawValue.split(separator: ".").map(String.init)))
        effective.append(EffectiveSetting(field: field, display: value ?? "~", source: value == nil ? "unset" : source(of: field.rawValue),
                                          fingerprint: value ?? "~"))
        return value
    }

    mutating func list(_ field: ConfigurationField) -> [String] {
        let key = ConfigKey(field.rawValue.split(separator: ".").map(String.init))
        let values = (reader.stringArray(forKey: key) ?? reader.string(forKey: key).map { $0.split(separator: ",").map(String.init) } ?? [])
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let display = "[" + values.joined(separator: ", ") + "]"
        effective.append(EffectiveSetting(field: field, display: display, source: values.isEmpty ? "unset" : source(of: field.rawValue),
                                          fingerprint: display))
        return values
    }

    /// A secret from its environment variable or from the file its `…_file` key names.
    mutating func secret(_ field: ConfigurationField) -> Secret? {
        let key = ConfigKey(field.rawValue.split(separator: ".").map(String.init))
        let fileKey = ConfigKey(field.fileKey!.split(separator: ".").map(String.init))
        var found: (Secret, String)?
        if let value = reader.string(forKey: key), !value.isEmpty {
            found = (Secret(value), source(of: field.rawValue))
        } else if let path = reader.string(forKey: fileKey) {
            if let data = FileManager.default.contents(atPath: path) {
                let value = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                if value.isEmpty {
                    problems.append(.init(path: field.fileKey!, value: path, reason: "the secret file is empty", source: source(of: field.fileKey!)))
                } else {
                    found = (Secret(value), "file \(path)")
                }
            } else {
                problems.append(.init(path: field.fileKey!, value: path, reason: "cannot read the secret file", source: source(of: field.fileKey!)))
            }
        }
        let fingerprint = found.map { SHA256.hash(data: Data($0.0.value.utf8)).map { String(format: "%02x", $0) }.joined() } ?? "~"
        effective.append(EffectiveSetting(field: field, display: found == nil ? "~" : "<redacted>", source: found?.1 ?? "unset",
                                          fingerprint: fingerprint))
        return found?.0
    }

    mutating func int(_ field: ConfigurationField, in range: ClosedRange<Int>) -> Int? {
        guard let text = text(field) else { return nil }
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else { fail(field, text, "must be a whole number"); return nil }
        guard range.contains(value) else { fail(field, text, "must be from \(range.lowerBound) to \(range.upperBound)"); return nil }
        return value
    }

    mutating func double(_ field: ConfigurationField, above minimum: Double) -> Double? {
        guard let text = text(field) else { return nil }
        guard let value = Double(text), value.isFinite else { fail(field, text, "must be a number"); return nil }
        guard value > minimum else { fail(field, text, "must be greater than \(minimum)"); return nil }
        return value
    }

    mutating func bool(_ field: ConfigurationField) -> Bool? {
        guard let text = text(field) else { return nil }
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: fail(field, text, "must be true or false"); return nil
        }
    }

    mutating func span(_ field: ConfigurationField) -> TimeSpan? {
        guard let text = text(field) else { return nil }
        guard let span = TimeSpan(compact: text), span > .zero else { fail(field, text, "must be a duration such as 30s, 15m or 1h"); return nil }
        return span
    }

    mutating func choice(_ field: ConfigurationField, _ allowed: [String]) -> String? {
        guard let text = text(field) else { return nil }
        guard allowed.contains(text) else { fail(field, text, "must be one of " + allowed.joined(separator: ", ")); return nil }
        return text
    }

    mutating func parsed<T>(_ field: ConfigurationField, _ what: String, _ parse: (String) throws -> T) -> T? {
        guard let text = text(field) else { return nil }
        do { return try parse(text) } catch { fail(field, text, "must be \(what)"); return nil }
    }

    mutating func url(_ field: ConfigurationField, schemes: [String]) -> String? {
        guard let text = text(field) else { return nil }
        guard let url = URL(string: text), let scheme = url.scheme, schemes.contains(scheme), url.host != nil else {
            fail(field, text, "must be a URL starting with " + schemes.map { $0 + "://" }.joined(separator: " or "))
            return nil
        }
        return text
    }

    mutating func positiveMoney(_ field: ConfigurationField) -> Money? {
        let value = parsed(field, "an amount such as 10000 or 2500.50") { try Money(parsing: $0) }
        if let value, value <= .zero { fail(field, value.description, "must be greater than 0"); return nil }
        return value
    }

    mutating func positiveQuantity(_ field: ConfigurationField) -> Quantity? {
        let value = parsed(field, "a quantity such as 10 or 0.5") { try Quantity(parsing: $0) }
        if let value, value.raw <= 0 { fail(field, value.description, "must be greater than 0"); return nil }
        return value
    }

    mutating func fraction(_ field: ConfigurationField) -> Rate? {
        let value = parsed(field, "a fraction such as 0.05") { try Rate(parsing: $0) }
        if let value, !(value.isPositive && value <= Rate("1")) {
            fail(field, value.description, "must be a fraction above 0 and at most 1 (0.05 = 5%)")
            return nil
        }
        return value
    }
}

extension FieldReader {
    /// The typed configuration, or `nil` with ``problems`` saying why.
    mutating func configuration() -> TradewindConfiguration? {
        let databaseURL = text(.databaseURL)
        if let databaseURL, !(databaseURL.hasPrefix("sqlite:") || databaseURL.hasPrefix("postgres://") || databaseURL.hasPrefix("postgresql://")) {
            fail(.databaseURL, databaseURL, "must be sqlite:PATH or postgres://user:password@host:port/database")
        }
        let host = text(.serverHost)
        let port = int(.serverPort, in: 0...65_535)
        let dashboard = bool(.serverDashboard)

        let jwtSecret = secret(.authJWTSecret)
        if let jwtSecret, jwtSecret.value.utf8.count < 32 { fail(.authJWTSecret, jwtSecret.value, "must be at least 32 bytes") }
        let tokenTTL = span(.authTokenTTL)
        let bcryptCost = int(.authBcryptCost, in: 4...16)
        let adminUser = text(.authAdminUser)
        if let adminUser, adminUser.range(of: "^[A-Za-z0-9_.@-]{1,64}$", options: .regularExpression) == nil {
            fail(.authAdminUser, adminUser, "must be 1–64 letters, digits or _.@-")
        }
        let adminPassword = secret(.authAdminPassword)
        if let adminPassword, adminPassword.value.count < 8 { fail(.authAdminPassword, adminPassword.value, "must be at least 8 characters") }
        let perSecond = double(.authRateLimitPerSecond, above: 0)
        let burst = int(.authRateLimitBurst, in: 1...1_000_000)

        let limits = RiskLimits(maxOrderNotional: positiveMoney(.riskMaxOrderNotional), maxOrderQuantity: positiveQuantity(.riskMaxOrderQuantity),
                                maxPositionQuantity: positiveQuantity(.riskMaxPosition), maxGrossExposure: positiveMoney(.riskMaxGrossExposure),
                                maxOpenOrders: int(.riskMaxOpenOrders, in: 1...1_000_000), priceBand: fraction(.riskPriceBand),
                                maxOrdersPerSecond: int(.riskMaxOrdersPerSecond, in: 1...1_000_000),
                                dailyLossLimit: positiveMoney(.riskDailyLossLimit), maxDrawdown: fraction(.riskMaxDrawdown))

        let bots = list(.bots)
        for path in bots where !FileManager.default.fileExists(atPath: path) { fail(.bots, path, "no bot file at this path") }

        let notifications = notificationSettings()
        let alerts = alertSettings(channels: notifications.channelNames)
        let level = choice(.logLevel, ["trace", "debug", "info", "notice", "warning", "error", "critical"])
        let format = choice(.logFormat, ["json", "text"]).flatMap(TradewindConfiguration.Logging.Format.init(rawValue:))
        let poll = span(.reloadPollInterval)

        guard problems.isEmpty, let databaseURL, let host, let port, let dashboard, let tokenTTL, let bcryptCost, let adminUser,
              let perSecond, let burst, let level, let format, let poll, let alerts else { return nil }
        return TradewindConfiguration(
            database: .init(url: databaseURL),
            server: .init(host: host, port: port, dashboard: dashboard),
            auth: .init(jwtSecret: jwtSecret, tokenTTL: tokenTTL, bcryptCost: bcryptCost, adminUser: adminUser, adminPassword: adminPassword,
                        rateLimit: .init(requestsPerSecond: perSecond, burst: burst)),
            riskDefaults: limits == RiskLimits() ? nil : limits,
            bots: bots, notifications: notifications, alerts: alerts, logging: .init(level: level, format: format), reloadPollInterval: poll)
    }

    /// A channel is configured when its first key is set; then its other required keys must be too.
    mutating func notificationSettings() -> TradewindConfiguration.Notifications {
        var result = TradewindConfiguration.Notifications()
        let emailHost = text(.emailHost)
        let emailPort = int(.emailPort, in: 1...65_535)
        let security = choice(.emailTLS, ["none", "starttls", "tls"]).flatMap(TradewindConfiguration.Email.Security.init(rawValue:))
        let username = text(.emailUsername)
        let password = secret(.emailPassword)
        let from = text(.emailFrom)
        let to = list(.emailTo)
        let caFile = text(.emailCAFile)
        if let caFile, !FileManager.default.fileExists(atPath: caFile) { fail(.emailCAFile, caFile, "no such file") }
        if let emailHost {
            if from == nil { fail(.emailFrom, nil, "required when notifications.email.host is set") }
            if to.isEmpty { fail(.emailTo, nil, "at least one recipient is required when notifications.email.host is set") }
            for address in to + [from].compactMap({ $0 }) where !address.contains("@") { fail(.emailTo, address, "not an e-mail address") }
            let passwordFile = reader.string(forKey: ConfigKey(ConfigurationField.emailPassword.fileKey!.split(separator: ".").map(String.init)))
            if username != nil && password == nil && passwordFile == nil { fail(.emailPassword, nil, "required with notifications.email.username (set \(ConfigurationField.emailPassword.environmentName) or password_file)") }
            if let emailPort, let security, let from {
                result.email = .init(host: emailHost, port: emailPort, security: security, username: username, password: password, from: from, to: to,
                                     caFile: caFile)
            }
        }
        let token = secret(.telegramToken)
        let chat = text(.telegramChatID)
        let apiBase = url(.telegramAPIBase, schemes: ["http", "https"])
        let parseMode = choice(.telegramParseMode, ["html", "markdownv2"])
        let control = bool(.telegramControl)
        if token != nil || chat != nil {
            if token == nil { fail(.telegramToken, nil, "required when notifications.telegram is set (token_file or \(ConfigurationField.telegramToken.environmentName))") }
            let chatID = chat.flatMap { Int64($0) }
            if chat == nil { fail(.telegramChatID, nil, "required when notifications.telegram is set") } else if chatID == nil {
                fail(.telegramChatID, chat, "must be a numeric chat id")
            }
            if let token, let chatID, let apiBase, let parseMode, let control {
                result.telegram = .init(token: token, chatID: chatID, apiBase: apiBase, parseMode: parseMode, control: control)
            }
        }
        let hook = url(.webhookURL, schemes: ["http", "https"])
        let hookSecret = secret(.webhookSecret)
        if let hook { result.webhook = .init(url: hook, secret: hookSecret) }
        let capacity = int(.notifyQueueCapacity, in: 1...10_000_000)
        let window = text(.notifyBatchWindow).flatMap { text -> TimeSpan? in
            guard let span = TimeSpan(compact: text) else { fail(.notifyBatchWindow, text, "must be a duration such as 0, 30s or 1m"); return nil }
            return span
        }
        let rate = double(.notifyRatePerMinute, above: 0)
        let burst = int(.notifyBurst, in: 1...10_000)
        let attempts = int(.notifyMaxAttempts, in: 1...100)
        let retryBase = span(.notifyRetryBase)
        if let capacity, let window, let rate, let burst, let attempts, let retryBase {
            result.delivery = .init(queueCapacity: capacity, batchWindow: window, ratePerMinute: rate, burst: burst, maxAttempts: attempts,
                                    retryBase: retryBase)
        }
        return result
    }

    /// Rules parse, routes name configured channels.
    mutating func alertSettings(channels: [String]) -> TradewindConfiguration.Alerts? {
        var rules: [AlertRule] = []
        for line in list(.alertRules) {
            do {
                let rule = try AlertRule(parsing: line)
                if rules.contains(where: { $0.name == rule.name }) { fail(.alertRules, line, "the rule name \(rule.name) is used twice") }
                rules.append(rule)
            } catch {
                fail(.alertRules, line, error.reason)
            }
        }
        let interval = span(.alertInterval)
        let escalateAfter = span(.alertEscalateAfter)
        var routes: [Severity: [String]] = [:]
        for (severity, field) in [(Severity.info, ConfigurationField.alertRouteInfo), (.warning, .alertRouteWarning), (.critical, .alertRouteCritical)] {
            let names = list(field)
            for name in names where !channels.contains(name) {
                fail(field, name, channels.isEmpty ? "no notification channel is configured" : "not a configured channel (configured: \(channels.joined(separator: ", ")))")
            }
            routes[severity] = names.isEmpty ? channels : names
        }
        let escalation = list(.alertEscalation)
        for name in escalation where !channels.contains(name) {
            fail(.alertEscalation, name, channels.isEmpty ? "no notification channel is configured" : "not a configured channel (configured: \(channels.joined(separator: ", ")))")
        }
        guard let interval, let escalateAfter else { return nil }
        return .init(rules: rules, interval: interval, routing: AlertRouting(routes: routes, escalation: escalation, escalateAfter: escalateAfter))
    }
}
