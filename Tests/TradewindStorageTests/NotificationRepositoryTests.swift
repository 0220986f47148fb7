import Testing
import TradewindCore
import TradewindStorage

@Suite("Notifications and alerts (SQLite and PostgreSQL)")
struct NotificationRepositoryTests {
    let now = Timestamp(secondsSinceEpoch: 1_780_000_000)

    func draft(_ channel: String, _ title: String, severity: String = "info", alert: Int64? = nil) -> NotificationDraft {
        NotificationDraft(severity: severity, category: "fill", subject: "BTCUSDT", bot: "b1", channel: channel, title: title, body: "body",
                          alertID: alert)
    }

    @Test("notifications are recorded pending, move through retries to sent or dead, and unfinished ones are found", arguments: Backend.allCases)
    func notifications(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            let records = try await store.recordNotifications([draft("telegram", "one"), draft("email", "two", severity: "critical"),
                                                               draft("webhook", "three")], now: now)
            #expect(records.map(\.draft.title) == ["one", "two", "three"] && records.allSatisfy { $0.status == .pending && $0.attempts == 0 })
            try await store.updateNotification(id: records[0].id, status: .sent, attempts: 1, lastError: nil, nextAttemptAt: nil, now: now + .seconds(1))
            try await store.updateNotification(id: records[1].id, status: .retrying, attempts: 1, lastError: "421 try later",
                                               nextAttemptAt: now + .seconds(4), now: now + .seconds(1))
            try await store.updateNotification(id: records[2].id, status: .dead, attempts: 5, lastError: "404", nextAttemptAt: nil, now: now)
            let unfinished = try await store.unfinishedNotifications()
            #expect(unfinished.map(\.id) == [records[1].id])
            #expect(unfinished.first?.nextAttemptAt == now + .seconds(4) && unfinished.first?.lastError == "421 try later")
            #expect(unfinished.first?.draft == draft("email", "two", severity: "critical"))
            let all = try await store.notifications(status: nil, limit: 10)
            #expect(all.map(\.draft.title) == ["three", "two", "one"])
            #expect(all.last?.sentAt == now + .seconds(1) && all.last?.status == .sent)
            #expect(try await store.notifications(status: .dead, limit: 10).map(\.attempts) == [5])
            await #expect(throws: StorageError.self) {
                try await store.updateNotification(id: 9_999, status: .sent, attempts: 1, lastError: nil, nextAttemptAt: nil, now: now)
            }
            await #expect(throws: StorageError.self) { _ = try await store.recordNotifications([draft("x", "bad", severity: "loud")], now: now) }
        }
    }

    @Test("alerts open firing, count repeats, are acknowledged once and resolved once, with who and when", arguments: Backend.allCases)
    func alerts(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            let alert = try await store.openAlert(rule: "dd", subject: "b1", severity: "critical", definition: "dd: drawdown > 5",
                                                  message: "dd: b1 drawdown 6 > 5", value: 6, now: now)
            #expect(alert.state == .firing && alert.occurrences == 1 && alert.escalationLevel == 0 && alert.firedAt == now)
            try await store.recordAlertOccurrence(id: alert.id, value: 7.5, now: now + .seconds(5))
            try await store.markAlertNotified(id: alert.id, escalationLevel: 1, now: now + .seconds(6))
            let seen = try #require(try await store.alert(id: alert.id))
            #expect(seen.occurrences == 2 && seen.value == 7.5 && seen.lastSeenAt == now + .seconds(5))
            #expect(seen.escalationLevel == 1 && seen.lastNotifiedAt == now + .seconds(6))
            let notified = try await store.recordNotifications([draft("telegram", "dd", alert: alert.id)], now: now)
            #expect(notified.first?.draft.alertID == alert.id)

            let acked = try await store.acknowledgeAlert(id: alert.id, by: "alice", now: now + .seconds(10))
            #expect(acked.state == .acknowledged && acked.acknowledgedBy == "alice" && acked.acknowledgedAt == now + .seconds(10))
            // A second acknowledgement keeps the first one's name and time.
            #expect(try await store.acknowledgeAlert(id: alert.id, by: "bob", now: now + .seconds(20)).acknowledgedBy == "alice")
            let other = try await store.openAlert(rule: "stale", subject: "b2", severity: "warning", definition: "stale: bar_age_minutes > 5",
                                                  message: "stale", value: 9, now: now + .seconds(30))
            #expect(try await store.alerts(states: [.firing, .acknowledged], limit: 10).map(\.id) == [other.id, alert.id])
            let resolved = try await store.resolveAlert(id: alert.id, by: "bob", now: now + .seconds(40))
            #expect(resolved.state == .resolved && resolved.resolvedBy == "bob" && resolved.resolvedAt == now + .seconds(40))
            #expect(try await store.resolveAlert(id: alert.id, by: "carol", now: now + .seconds(50)).resolvedBy == "bob")
            await #expect(throws: StorageError.self) { _ = try await store.acknowledgeAlert(id: alert.id, by: "dave", now: now) }
            await #expect(throws: StorageError.self) { _ = try await store.resolveAlert(id: 9_999, by: "x", now: now) }
            #expect(try await store.alerts(states: [.firing], limit: 10).map(\.id) == [other.id])
            #expect(try await store.alerts(states: [], limit: 10).count == 2)
        }
    }
}
