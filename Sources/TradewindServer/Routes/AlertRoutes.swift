import Foundation
import Hummingbird
import TradewindCore
import TradewindStorage

/// An alert as the API and the live stream show it.
struct AlertView: Codable, Sendable {
    var id: Int64
    var rule: String
    var subject: String
    var severity: String
    var state: String
    var message: String
    var value: Double
    var definition: String
    var occurrences: Int
    var firedAt: String
    var lastSeenAt: String
    var lastNotifiedAt: String?
    var escalationLevel: Int
    var acknowledgedBy: String?
    var acknowledgedAt: String?
    var resolvedBy: String?
    var resolvedAt: String?

    init(_ alert: AlertRecord) {
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

    var json: String { String(decoding: (try? JSONEncoder.stream.encode(self)) ?? Data("{}".utf8), as: UTF8.self) }
}

/// A notification as recorded (its delivery history).
struct NotificationView: Codable, Sendable {
    var id: Int64
    var createdAt: String
    var severity: String
    var category: String
    var subject: String
    var bot: String?
    var channel: String
    var title: String
    var body: String
    var status: String
    var attempts: Int
    var lastError: String?
    var sentAt: String?
    var alertId: Int64?

    init(_ record: NotificationRecord) {
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

/// `/alerts` (list, one, acknowledge, resolve) and `/notifications` (delivery history).
struct AlertRoutes {
    let store: any Store
    let hub: EventHub

    func add(to api: RouterGroup<ServerContext>) {
        api.get("alerts") { request, context in
            try context.require(.viewer)
            var states: [AlertRecord.State] = []
            if let text = request.uri.queryParameters.get("state") {
                for part in text.split(separator: ",") {
                    guard let state = AlertRecord.State(rawValue: String(part)) else {
                        throw APIError.invalid("state must be firing, acknowledged or resolved (comma-separated), not '\(part)'")
                    }
                    states.append(state)
                }
            }
            return try Wire.json(ListView(items: try await store.alerts(states: states, limit: Wire.limit(request)).map(AlertView.init)))
        }
        api.get("alerts/{id}") { _, context in
            try context.require(.viewer)
            guard let id = context.parameters.get("id", as: Int64.self), let alert = try await store.alert(id: id) else {
                throw APIError.notFound("alert")
            }
            return try Wire.json(AlertView(alert))
        }
        api.post("alerts/{id}/ack") { _, context in
            let identity = try context.require(.trader)
            guard let id = context.parameters.get("id", as: Int64.self) else { throw APIError.notFound("alert") }
            return try Wire.json(publish(try await store.acknowledgeAlert(id: id, by: identity.user, now: WallClock.now())))
        }
        api.post("alerts/{id}/resolve") { _, context in
            let identity = try context.require(.trader)
            guard let id = context.parameters.get("id", as: Int64.self) else { throw APIError.notFound("alert") }
            return try Wire.json(publish(try await store.resolveAlert(id: id, by: identity.user, now: WallClock.now())))
        }
        api.get("notifications") { request, context in
            try context.require(.admin)
            var status: NotificationRecord.Status?
            if let text = request.uri.queryParameters.get("status") {
                guard let parsed = NotificationRecord.Status(rawValue: text) else {
                    throw APIError.invalid("status must be pending, retrying, sent or dead, not '\(text)'")
                }
                status = parsed
            }
            return try Wire.json(ListView(items: try await store.notifications(status: status, limit: Wire.limit(request)).map(NotificationView.init)))
        }
    }

    private func publish(_ alert: AlertRecord) -> AlertView {
        let view = AlertView(alert)
        hub.publish(StreamEvent(type: "alert", bot: nil, owner: nil, data: view.json, time: WallClock.now().iso8601))
        return view
    }
}
