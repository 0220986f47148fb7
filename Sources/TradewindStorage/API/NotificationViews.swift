import TradewindCore

// The wire form of alerts and notifications, shared by the API and `tradewind alerts/notify
// --json` so both print the same fields (snake_case when encoded with snake_case keys).

/// An alert as the API and the live stream show it.
public struct AlertView: Codable, Sendable {
    public var id: Int64
    public var rule: String
    public var subject: String
    public var severity: String
    public var state: String
    public var message: String
    public var value: Double
    public var definition: String
    public var occurrences: Int
    public var firedAt: String
    public var lastSeenAt: String
    public var lastNotifiedAt: String?
    public var escalationLevel: Int
    public var acknowledgedBy: String?
    public var acknowledgedAt: String?
    public var resolvedBy: String?
    public var resolvedAt: String?

    public init(_ alert: AlertRecord) {
        id = alert.id
        rule = alert.rule
        subject = alert.subject
        severity = alert.severity
        state = alert.state.rawValue
        message = alert.message
        value = alert.value.isFinite ? alert.value : 0
        definition = alert.definition
        occurrences = alert.occurrences
        firedAt = alert.firedAt.iso8601
        lastSeenAt = alert.lastSeenAt.iso8601
        lastNotifiedAt = alert.lastNotifiedAt?.iso8601
        escalationLevel = alert.escalationLevel
        acknowledgedBy = alert.acknowledgedBy
        acknowledgedAt = alert.acknowledgedAt?.iso8601
        resolvedBy = alert.resolvedBy
        resolvedAt = alert.resolvedAt?.iso8601
    }
}

/// A notification as recorded (its delivery history).
public struct NotificationView: Codable, Sendable {
    public var id: Int64
    public var createdAt: String
    public var severity: String
    public var category: String
    public var subject: String
    public var bot: String?
    public var channel: String
    public var title: String
    public var body: String
    public var status: String
    public var attempts: Int
    public var lastError: String?
    public var sentAt: String?
    public var alertId: Int64?

    public init(_ record: NotificationRecord) {
        id = record.id
        createdAt = record.createdAt.iso8601
        severity = record.draft.severity
        category = record.draft.category
        subject = record.draft.subject
        bot = record.draft.bot
        channel = record.draft.channel
        title = record.draft.title
        body = record.draft.body
        status = record.status.rawValue
        attempts = record.attempts
        lastError = record.lastError
        sentAt = record.sentAt?.iso8601
        alertId = record.draft.alertID
    }
}
