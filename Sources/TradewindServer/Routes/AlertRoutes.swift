import Foundation
import Hummingbird
import TradewindCore
import TradewindStorage

extension AlertView {
    var json: String { String(decoding: (try? JSONEncoder.stream.encode(self)) ?? Data("{}".utf8), as: UTF8.self) }
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
