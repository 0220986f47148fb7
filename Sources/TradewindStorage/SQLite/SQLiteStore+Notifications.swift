import GRDB
public import TradewindCore

extension SQLiteStore {
    // MARK: - Notifications

    public func recordNotifications(_ drafts: [NotificationDraft], now: Timestamp) async throws(StorageError) -> [NotificationRecord] {
        guard !drafts.isEmpty else { return [] }
        return try await write { db in
            try self.requireCurrentSchema(db)
            return try drafts.map { draft in
                try db.execute(sql: """
                    INSERT INTO notifications (created_at, severity, category, subject, bot, channel, title, body, status, alert_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?)
                    """, arguments: [now.nanosecondsSinceEpoch, draft.severity, draft.category, draft.subject, draft.bot, draft.channel,
                                     draft.title, draft.body, draft.alertID])
                return NotificationRecord(id: db.lastInsertedRowID, createdAt: now, draft: draft, status: .pending, attempts: 0, lastError: nil,
                                          nextAttemptAt: nil, sentAt: nil)
            }
        }
    }

    public func updateNotification(id: Int64, status: NotificationRecord.Status, attempts: Int, lastError: String?, nextAttemptAt: Timestamp?,
                                   now: Timestamp) async throws(StorageError) {
        try await write { db in
            try self.requireCurrentSchema(db)
            try db.execute(sql: """
                UPDATE notifications SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ?,
                    sent_at = CASE WHEN ? = 'sent' THEN ? ELSE sent_at END WHERE id = ?
                """, arguments: [status.rawValue, attempts, lastError, nextAttemptAt?.nanosecondsSinceEpoch, status.rawValue,
                                 now.nanosecondsSinceEpoch, id])
            guard db.changesCount == 1 else { throw StorageError.notFound("notification \(id)") }
        }
    }

    public func unfinishedNotifications() async throws(StorageError) -> [NotificationRecord] {
        try await read { db in try self.fetchNotifications(db, "WHERE status IN ('pending', 'retrying') ORDER BY id", []) }
    }

    public func notifications(status: NotificationRecord.Status?, limit: Int) async throws(StorageError) -> [NotificationRecord] {
        try await read { db in
            if let status { return try self.fetchNotifications(db, "WHERE status = ? ORDER BY id DESC LIMIT ?", [status.rawValue, limit]) }
            return try self.fetchNotifications(db, "ORDER BY id DESC LIMIT ?", [limit])
        }
    }

    private func fetchNotifications(_ db: Database, _ clause: String, _ arguments: StatementArguments) throws -> [NotificationRecord] {
        try requireCurrentSchema(db)
        return try Row.fetchAll(db, sql: "SELECT * FROM notifications \(clause)", arguments: arguments).map { row in
            let draft = NotificationDraft(severity: row["severity"], category: row["category"], subject: row["subject"], bot: row["bot"],
                                          channel: row["channel"], title: row["title"], body: row["body"], alertID: row["alert_id"])
            return NotificationRecord(id: row["id"], createdAt: Timestamp(nanosecondsSinceEpoch: row["created_at"]), draft: draft,
                                      status: NotificationRecord.Status(rawValue: row["status"]) ?? .pending, attempts: row["attempts"],
                                      lastError: row["last_error"],
                                      nextAttemptAt: (row["next_attempt_at"] as Int64?).map(Timestamp.init(nanosecondsSinceEpoch:)),
                                      sentAt: (row["sent_at"] as Int64?).map(Timestamp.init(nanosecondsSinceEpoch:)))
        }
    }

    // MARK: - Alerts

    public func openAlert(rule: String, subject: String, severity: String, definition: String, message: String, value: Double,
                          now: Timestamp) async throws(StorageError) -> AlertRecord {
        try await write { db in
            try self.requireCurrentSchema(db)
            try db.execute(sql: """
                INSERT INTO alerts (rule, subject, severity, definition, message, value, state, fired_at, last_seen_at)
                VALUES (?, ?, ?, ?, ?, ?, 'firing', ?, ?)
                """, arguments: [rule, subject, severity, definition, message, value, now.nanosecondsSinceEpoch, now.nanosecondsSinceEpoch])
            return try self.fetchAlerts(db, "WHERE id = ?", [db.lastInsertedRowID])[0]
        }
    }

    public func alerts(states: [AlertRecord.State], limit: Int) async throws(StorageError) -> [AlertRecord] {
        try await read { db in
            guard !states.isEmpty else { return try self.fetchAlerts(db, "ORDER BY id DESC LIMIT ?", [limit]) }
            let marks = states.map { _ in "?" }.joined(separator: ", ")
            return try self.fetchAlerts(db, "WHERE state IN (\(marks)) ORDER BY id DESC LIMIT ?",
                                        StatementArguments(states.map(\.rawValue)) + [limit])
        }
    }

    public func alert(id: Int64) async throws(StorageError) -> AlertRecord? {
        try await read { db in try self.fetchAlerts(db, "WHERE id = ?", [id]).first }
    }

    public func recordAlertOccurrence(id: Int64, value: Double, now: Timestamp) async throws(StorageError) {
        try await write { db in
            try self.requireCurrentSchema(db)
            try db.execute(sql: "UPDATE alerts SET occurrences = occurrences + 1, value = ?, last_seen_at = ? WHERE id = ?",
                           arguments: [value, now.nanosecondsSinceEpoch, id])
            guard db.changesCount == 1 else { throw StorageError.notFound("alert \(id)") }
        }
    }

    public func markAlertNotified(id: Int64, escalationLevel: Int, now: Timestamp) async throws(StorageError) {
        try await write { db in
            try self.requireCurrentSchema(db)
            try db.execute(sql: "UPDATE alerts SET last_notified_at = ?, escalation_level = ? WHERE id = ?",
                           arguments: [now.nanosecondsSinceEpoch, escalationLevel, id])
            guard db.changesCount == 1 else { throw StorageError.notFound("alert \(id)") }
        }
    }

    public func acknowledgeAlert(id: Int64, by: String, now: Timestamp) async throws(StorageError) -> AlertRecord {
        try await write { db in
            try self.requireCurrentSchema(db)
            guard let alert = try self.fetchAlerts(db, "WHERE id = ?", [id]).first else { throw StorageError.notFound("alert \(id)") }
            guard alert.state != .resolved else { throw StorageError.constraintViolation("alert \(id) is already resolved") }
            try db.execute(sql: """
                UPDATE alerts SET state = 'acknowledged', acknowledged_by = COALESCE(acknowledged_by, ?),
                    acknowledged_at = COALESCE(acknowledged_at, ?) WHERE id = ?
                """, arguments: [by, now.nanosecondsSinceEpoch, id])
            return try self.fetchAlerts(db, "WHERE id = ?", [id])[0]
        }
    }

    public func resolveAlert(id: Int64, by: String, now: Timestamp) async throws(StorageError) -> AlertRecord {
        try await write { db in
            try self.requireCurrentSchema(db)
            try db.execute(sql: """
                UPDATE alerts SET state = 'resolved', resolved_by = COALESCE(resolved_by, ?), resolved_at = COALESCE(resolved_at, ?) WHERE id = ?
                """, arguments: [by, now.nanosecondsSinceEpoch, id])
            guard let alert = try self.fetchAlerts(db, "WHERE id = ?", [id]).first else { throw StorageError.notFound("alert \(id)") }
            return alert
        }
    }

    private func fetchAlerts(_ db: Database, _ clause: String, _ arguments: StatementArguments) throws -> [AlertRecord] {
        try requireCurrentSchema(db)
        func time(_ row: Row, _ column: String) -> Timestamp? { (row[column] as Int64?).map(Timestamp.init(nanosecondsSinceEpoch:)) }
        return try Row.fetchAll(db, sql: "SELECT * FROM alerts \(clause)", arguments: arguments).map { row in
            AlertRecord(id: row["id"], rule: row["rule"], subject: row["subject"], severity: row["severity"], definition: row["definition"],
                        message: row["message"], value: row["value"], state: AlertRecord.State(rawValue: row["state"]) ?? .firing,
                        occurrences: row["occurrences"], firedAt: Timestamp(nanosecondsSinceEpoch: row["fired_at"]),
                        lastSeenAt: Timestamp(nanosecondsSinceEpoch: row["last_seen_at"]), lastNotifiedAt: time(row, "last_notified_at"),
                        escalationLevel: row["escalation_level"], acknowledgedBy: row["acknowledged_by"],
                        acknowledgedAt: time(row, "acknowledged_at"), resolvedBy: row["resolved_by"], resolvedAt: time(row, "resolved_at"))
        }
    }
}
