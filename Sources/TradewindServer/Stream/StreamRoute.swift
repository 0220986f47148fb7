import Foundation
import Hummingbird
import HummingbirdWebSocket
import Metrics
import NIOCore

/// `GET /api/v1/stream` (WebSocket): bars, orders, fills, positions, equity and risk changes of
/// the bots the caller may see, as they are journaled. Browsers pass their token as
/// `?access_token=`; `?bots=a,b` and `?types=equity,fill` narrow the stream.
struct StreamRoute {
    let hub: EventHub
    let lag = Timer(label: "tradewind_stream_delivery_lag_seconds", preferredDisplayUnit: .seconds)

    func add(to api: RouterGroup<ServerContext>) {
        api.ws("stream") { request, context in
            _ = try context.require(.viewer)
            return .upgrade([:])
        } onUpgrade: { inbound, outbound, context in
            guard let identity = context.requestContext.identity else { return }
            let query = context.request.uri.queryParameters
            let bots = query.get("bots").map { Set($0.split(separator: ",").map(String.init)) }
            let types = query.get("types").map { Set($0.split(separator: ",").map(String.init)) }
            let events = hub.subscribe { event in
                if let bot = event.bot {
                    guard BotSupervisor.visible(owner: event.owner ?? "", to: identity) else { return false }
                    if let bots, !bots.contains(bot) { return false }
                }
                if let types, !types.contains(event.type) { return false }
                return true
            }
            try await outbound.write(.text("{\"type\":\"hello\",\"data\":{\"user\":\(StreamEvent.quoted(identity.user)),\"role\":\"\(identity.role.rawValue)\"}}"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Reading until the client closes: then the sender below is cancelled.
                    for try await _ in inbound {}
                }
                group.addTask {
                    for await event in events {
                        try await outbound.write(.text(event.json))
                        lag.recordInterval(since: event.published)
                    }
                }
                try await group.next()
                group.cancelAll()
            }
        }
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
