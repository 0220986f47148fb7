public import TradewindCore

/// A message to record before it is sent to one channel.
public struct NotificationDraft: Hashable, Sendable {
    public var severity: String
    public var category: String
    public var subject: String
    public var bot: String?
    public var channel: String
    public var title: String
    public var body: String
    public var alertID: Int64?

    public init(severity: String, category: String, subject: String, bot: String?, channel: String, title: String, body: String,
                alertID: Int64?) {
        self.severity = severity
        self.category = category
        self.subject = subject
        self.bot = bot
        self.channel = channel
        self.title = title
        self.body = body
        self.alertID = alertID
    }
}

/// One message to one channel and how its delivery went.
public struct NotificationRecord: Hashable, Sendable {
    /// `pending` (not yet tried), `retrying` (failed, tried again at `nextAttemptAt`), `sent`,
    /// or `dead` (the last retry failed: the dead letter).
    public enum Status: String, Sendable, CaseIterable { case pending, retrying, sent, dead }

    public var id: Int64
    public var createdAt: Timestamp
    public var draft: NotificationDraft
    public var status: Status
    public var attempts: Int
    public var lastError: String?
    public var nextAttemptAt: Timestamp?
    public var sentAt: Timestamp?

    public init(id: Int64, createdAt: Timestamp, draft: NotificationDraft, status: Status, attempts: Int, lastError: String?,
                nextAttemptAt: Timestamp?, sentAt: Timestamp?) {
        self.id = id
        self.createdAt = createdAt
        self.draft = draft
        self.status = status
        self.attempts = attempts
        self.lastError = lastError
        self.nextAttemptAt = nextAttemptAt
        self.sentAt = sentAt
    }
}

public protocol NotificationRepository: Sendable {
    /// Records drafts as `pending`, in one transaction, in order.
    func recordNotifications(_ drafts: [NotificationDraft], now: Timestamp) async throws(StorageError) -> [NotificationRecord]
    /// Records one attempt's outcome.
    func updateNotification(id: Int64, status: NotificationRecord.Status, attempts: Int, lastError: String?, nextAttemptAt: Timestamp?,
                            now: Timestamp) async throws(StorageError)
    /// `pending` and `retrying` notifications, oldest first: what a restarted service still owes.
    func unfinishedNotifications() async throws(StorageError) -> [NotificationRecord]
    /// Most recent first, optionally of one status.
    func notifications(status: NotificationRecord.Status?, limit: Int) async throws(StorageError) -> [NotificationRecord]
}

/// One alert: a rule that fired for a subject, and what operators did about it.
public struct AlertRecord: Hashable, Sendable {
    /// `firing` (open), `acknowledged` (open, someone is on it), `resolved`.
    public enum State: String, Sendable, CaseIterable { case firing, acknowledged, resolved }

    public var id: Int64
    public var rule: String
    public var subject: String
    public var severity: String
    /// The rule's text when it fired.
    public var definition: String
    public var message: String
    public var value: Double
    public var state: State
    /// Times the condition fired (or crossed) while this alert was open.
    public var occurrences: Int
    public var firedAt: Timestamp
    public var lastSeenAt: Timestamp
    public var lastNotifiedAt: Timestamp?
    /// Escalations already made (0: only the severity's route was told).
    public var escalationLevel: Int
    public var acknowledgedBy: String?
    public var acknowledgedAt: Timestamp?
    public var resolvedBy: String?
    public var resolvedAt: Timestamp?

    public init(id: Int64, rule: String, subject: String, severity: String, definition: String, message: String, value: Double,
                state: State, occurrences: Int, firedAt: Timestamp, lastSeenAt: Timestamp, lastNotifiedAt: Timestamp?,
                escalationLevel: Int, acknowledgedBy: String?, acknowledgedAt: Timestamp?, resolvedBy: String?, resolvedAt: Timestamp?) {
        self.id = id
        self.rule = rule
        self.subject = subject
        self.severity = severity
        self.definition = definition
        self.message = message
        self.value = value
        self.state = state
        self.occurrences = occurrences
        self.firedAt = firedAt
        self.lastSeenAt = lastSeenAt
        self.lastNotifiedAt = lastNotifiedAt
        self.escalationLevel = escalationLevel
        self.acknowledgedBy = acknowledgedBy
        self.acknowledgedAt = acknowledgedAt
        self.resolvedBy = resolvedBy
        self.resolvedAt = resolvedAt
    }

    public var isOpen: Bool { state != .resolved }
}

public protocol AlertRepository: Sendable {
    func openAlert(rule: String, subject: String, severity: String, definition: String, message: String, value: Double,
                   now: Timestamp) async throws(StorageError) -> AlertRecord
    /// Most recent first; `states` empty = all.
    func alerts(states: [AlertRecord.State], limit: Int) async throws(StorageError) -> [AlertRecord]
    func alert(id: Int64) async throws(StorageError) -> AlertRecord?
    /// One more firing of an open alert.
    func recordAlertOccurrence(id: Int64, value: Double, now: Timestamp) async throws(StorageError)
    func markAlertNotified(id: Int64, escalationLevel: Int, now: Timestamp) async throws(StorageError)
    /// - Throws: ``StorageError/notFound(_:)``; ``StorageError/constraintViolation(_:)`` for a resolved alert.
    func acknowledgeAlert(id: Int64, by: String, now: Timestamp) async throws(StorageError) -> AlertRecord
    /// Resolving twice keeps the first resolution. - Throws: ``StorageError/notFound(_:)``.
    func resolveAlert(id: Int64, by: String, now: Timestamp) async throws(StorageError) -> AlertRecord
}
