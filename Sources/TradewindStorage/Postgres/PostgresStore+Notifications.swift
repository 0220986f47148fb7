import Logging
import PostgresNIO
public import TradewindCore

extension PostgresStore {
    // MARK: - Notifications

    public func recordNotifications(_ drafts: [NotificationDraft], now: Timestamp) async throws(StorageError) -> [NotificationRecord] {
        guard !drafts.isEmpty else { return [] }
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await self.requireCurrentSchema(connection)
                var records: [NotificationRecord] = []
                for draft in drafts {
                    let rows = try await connection.query("""
                        INSERT INTO notifications (created_at, severity, category, subject, bot, channel, title, body, status, alert_id)
                        VALUES (\(now.nanosecondsSinceEpoch), \(draft.severity), \(draft.category), \(draft.subject), \(draft.bot),
                                \(draft.channel), \(draft.title), \(draft.body), 'pending', \(draft.alertID))
                        RETURNING id
                        """, logger: self.logger)
                    guard let id = try await rows.collect().first?.decode(Int64.self) else { throw StorageError.backend("insert returned no id") }
                    records.append(NotificationRecord(id: id, createdAt: now, draft: draft, status: .pending, attempts: 0, lastError: nil,
                                                      nextAttemptAt: nil, sentAt: nil))
                }
                return records
            }
        } catch {
            throw Self.map(error, location: location, opening: false)
        }
    }

    public func updateNotification(id: Int64, status: NotificationRecord.Status, attempts: Int, lastError: String?, nextAttemptAt: Timestamp?,
                                   now: Timestamp) async throws(StorageError) {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            let sent: Int64? = status == .sent ? now.nanosecondsSinceEpoch : nil
            let rows = try await connection.query("""
                UPDATE notifications SET status = \(status.rawValue), attempts = \(attempts), last_error = \(lastError),
                    next_attempt_at = \(nextAttemptAt?.nanosecondsSinceEpoch), sent_at = COALESCE(\(sent), sent_at)
                WHERE id = \(id) RETURNING id
                """, logger: self.logger)
            guard try await !rows.collect().isEmpty else { throw StorageError.notFound("notification \(id)") }
        }
    }

    public func unfinishedNotifications() async throws(StorageError) -> [NotificationRecord] {
        try await run { connection in
            try await self.fetchNotifications(connection, "SELECT * FROM notifications WHERE status IN ('pending', 'retrying') ORDER BY id")
        }
    }

    public func notifications(status: NotificationRecord.Status?, limit: Int) async throws(StorageError) -> [NotificationRecord] {
        try await run { connection in
            if let status {
                return try await self.fetchNotifications(connection, "SELECT * FROM notifications WHERE status = \(status.rawValue) ORDER BY id DESC LIMIT \(limit)")
            }
            return try await self.fetchNotifications(connection, "SELECT * FROM notifications ORDER BY id DESC LIMIT \(limit)")
        }
    }

    private func fetchNotifications(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [NotificationRecord] {
        try await requireCurrentSchema(connection)
        var result: [NotificationRecord] = []
        for try await row in try await connection.query(query, logger: logger) {
            let r = row.makeRandomAccess()
            let draft = NotificationDraft(severity: try r["severity"].decode(String.self), category: try r["category"].decode(String.self),
                                          subject: try r["subject"].decode(String.self), bot: try r["bot"].decode(String?.self),
                                          channel: try r["channel"].decode(String.self), title: try r["title"].decode(String.self),
                                          body: try r["body"].decode(String.self), alertID: try r["alert_id"].decode(Int64?.self))
            result.append(NotificationRecord(
                id: try r["id"].decode(Int64.self), createdAt: Timestamp(nanosecondsSinceEpoch: try r["created_at"].decode(Int64.self)),
                draft: draft, status: NotificationRecord.Status(rawValue: try r["status"].decode(String.self)) ?? .pending,
                attempts: try r["attempts"].decode(Int.self), lastError: try r["last_error"].decode(String?.self),
                nextAttemptAt: try r["next_attempt_at"].decode(Int64?.self).map(Timestamp.init(nanosecondsSinceEpoch:)),
                sentAt: try r["sent_at"].decode(Int64?.self).map(Timestamp.init(nanosecondsSinceEpoch:))))
        }
        return result
    }

    // MARK: - Alerts

    public func openAlert(rule: String, subject: String, severity: String, definition: String, message: String, value: Double,
                          now: Timestamp) async throws(StorageError) -> AlertRecord {
        try await run { connection in
            let found = try await self.fetchAlerts(connection, """
                INSERT INTO alerts (rule, subject, severity, definition, message, value, state, fired_at, last_seen_at)
                VALUES (\(rule), \(subject), \(severity), \(definition), \(message), \(value), 'firing', \(now.nanosecondsSinceEpoch),
                        \(now.nanosecondsSinceEpoch))
                RETURNING *
                """)
            guard let alert = found.first else { throw StorageError.backend("insert returned no alert") }
            return alert
        }
    }

    public func alerts(states: [AlertRecord.State], limit: Int) async throws(StorageError) -> [AlertRecord] {
        try await run { connection in
            if states.isEmpty { return try await self.fetchAlerts(connection, "SELECT * FROM alerts ORDER BY id DESC LIMIT \(limit)") }
            return try await self.fetchAlerts(connection, "SELECT * FROM alerts WHERE state = ANY(\(states.map(\.rawValue))) ORDER BY id DESC LIMIT \(limit)")
        }
    }

    public func alert(id: Int64) async throws(StorageError) -> AlertRecord? {
        try await run { connection in try await self.fetchAlerts(connection, "SELECT * FROM alerts WHERE id = \(id)").first }
    }

    public func recordAlertOccurrence(id: Int64, value: Double, now: Timestamp) async throws(StorageError) {
        try await run { connection in
            let found = try await self.fetchAlerts(connection, """
                UPDATE alerts SET occurrences = occurrences + 1, value = \(value), last_seen_at = \(now.nanosecondsSinceEpoch) WHERE id = \(id) RETURNING *
                """)
            guard !found.isEmpty else { throw StorageError.notFound("alert \(id)") }
        }
    }

    public func markAlertNotified(id: Int64, escalationLevel: Int, now: Timestamp) async throws(StorageError) {
        try await run { connection in
            let found = try await self.fetchAlerts(connection, """
                UPDATE alerts SET last_notified_at = \(now.nanosecondsSinceEpoch), escalation_level = \(escalationLevel) WHERE id = \(id) RETURNING *
                """)
            guard !found.isEmpty else { throw StorageError.notFound("alert \(id)") }
        }
    }

    public func acknowledgeAlert(id: Int64, by: String, now: Timestamp) async throws(StorageError) -> AlertRecord {
        try await run { connection in
            let found = try await self.fetchAlerts(connection, """
                UPDATE alerts SET state = 'acknowledged', acknowledged_by = COALESCE(acknowledged_by, \(by)),
                    acknowledged_at = COALESCE(acknowledged_at, \(now.nanosecondsSinceEpoch))
                WHERE id = \(id) AND state <> 'resolved' RETURNING *
                """)
            if let alert = found.first { return alert }
            guard try await self.fetchAlerts(connection, "SELECT * FROM alerts WHERE id = \(id)").first != nil else {
                throw StorageError.notFound("alert \(id)")
            }
            throw StorageError.constraintViolation("alert \(id) is already resolved")
        }
    }

    public func resolveAlert(id: Int64, by: String, now: Timestamp) async throws(StorageError) -> AlertRecord {
        try await run { connection in
            let found = try await self.fetchAlerts(connection, """
                UPDATE alerts SET state = 'resolved', resolved_by = COALESCE(resolved_by, \(by)),
                    resolved_at = COALESCE(resolved_at, \(now.nanosecondsSinceEpoch))
                WHERE id = \(id) RETURNING *
                """)
            guard let alert = found.first else { throw StorageError.notFound("alert \(id)") }
            return alert
        }
    }

    private func fetchAlerts(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [AlertRecord] {
        try await requireCurrentSchema(connection)
        var result: [AlertRecord] = []
        for try await row in try await connection.query(query, logger: logger) {
            let r = row.makeRandomAccess()
            func time(_ column: String) throws -> Timestamp? { try r[column].decode(Int64?.self).map(Timestamp.init(nanosecondsSinceEpoch:)) }
            result.append(AlertRecord(
                id: try r["id"].decode(Int64.self), rule: try r["rule"].decode(String.self), subject: try r["subject"].decode(String.self),
                severity: try r["severity"].decode(String.self), definition: try r["definition"].decode(String.self),
                message: try r["message"].decode(String.self), value: try r["value"].decode(Double.self),
                state: AlertRecord.State(rawValue: try r["state"].decode(String.self)) ?? .firing, occurrences: try r["occurrences"].decode(Int.self),
                firedAt: Timestamp(nanosecondsSinceEpoch: try r["fired_at"].decode(Int64.self)),
                lastSeenAt: Timestamp(nanosecondsSinceEpoch: try r["last_seen_at"].decode(Int64.self)), lastNotifiedAt: try time("last_notified_at"),
                escalationLevel: try r["escalation_level"].decode(Int.self), acknowledgedBy: try r["acknowledged_by"].decode(String?.self),
                acknowledgedAt: try time("acknowledged_at"), resolvedBy: try r["resolved_by"].decode(String?.self), resolvedAt: try time("resolved_at")))
        }
        return result
    }
}
