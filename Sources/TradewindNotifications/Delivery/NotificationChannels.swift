public import TradewindAlerts
public import TradewindConfiguration
public import TradewindCore
public import TradewindStorage

/// The channels a configuration names, built once.
public enum NotificationChannels {
    public static func make(_ settings: TradewindConfiguration.Notifications) -> [any NotificationChannel] {
        var channels: [any NotificationChannel] = []
        if let telegram = settings.telegram {
            channels.append(TelegramChannel(api: TelegramBotAPI(token: telegram.token.value, apiBase: telegram.apiBase), chat: telegram.chatID,
                                            mode: telegram.parseMode == "markdownv2" ? .markdownV2 : .html))
        }
        if let email = settings.email {
            let smtp = SMTPSettings(host: email.host, port: email.port, security: SMTPSettings.Security(rawValue: email.security.rawValue) ?? .starttls,
                                    username: email.username, password: email.password?.value, trustedCertificates: email.caFile)
            channels.append(EmailChannel(client: SMTPClient(settings: smtp), from: email.from, to: email.to))
        }
        if let webhook = settings.webhook {
            channels.append(WebhookChannel(url: webhook.url, secret: webhook.secret?.value))
        }
        return channels
    }

    public static func deliverySettings(_ settings: TradewindConfiguration.Notifications) -> DeliverySettings {
        let delivery = settings.delivery
        return DeliverySettings(batchWindow: delivery.batchWindow, perMinute: delivery.ratePerMinute, burst: delivery.burst,
                                maxAttempts: delivery.maxAttempts, retryBase: delivery.retryBase)
    }

    /// Sends one notice through one channel now, recording it and its outcome (`notify send`).
    /// - Returns: the record; its status is `sent` or `dead` with the server's error.
    public static func sendOnce(_ notice: Notice, through channel: any NotificationChannel, store: any NotificationRepository,
                                now: @Sendable () -> Timestamp = WallClock.now) async throws(StorageError) -> NotificationRecord {
        let draft = NotificationDraft(severity: notice.severity.rawValue, category: notice.category, subject: notice.subject, bot: notice.bot,
                                      channel: channel.name, title: notice.title, body: notice.body, alertID: notice.alertID)
        var record = try await store.recordNotifications([draft], now: now())[0]
        do {
            try await channel.send(notice)
            record.status = .sent
            record.lastError = nil
        } catch {
            record.status = .dead
            record.lastError = error.reason
        }
        record.attempts = 1
        try await store.updateNotification(id: record.id, status: record.status, attempts: 1, lastError: record.lastError, nextAttemptAt: nil,
                                           now: now())
        return record
    }
}
