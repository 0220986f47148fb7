import Foundation
import Hummingbird
import HummingbirdWebSocket
import Metrics
import NIOCore
import TradewindCore

/// `GET /api/v1/stream` (WebSocket): bars, orders, fills, positions, equity and risk changes of
/// the bots the caller may see, as they are journaled. A message is one event, or an array of
/// events when several were waiting. Browsers pass their token as
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
            let mailbox = hub.subscribe { event in
                if let bot = event.bot {
                    guard BotSupervisor.visible(owner: event.owner ?? "", to: identity) else { return false }
                    if let bots, !bots.contains(bot) { return false }
                }
                if let types, !types.contains(event.type) { return false }
                return true
            }
            try await outbound.write(.text("{\"type\":\"hello\",\"data\":{\"user\":\(StreamEvent.quoted(identity.user)),\"role\":\"\(identity.role.rawValue)\"}}"))
            defer { hub.unsubscribe(mailbox) }
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Reading until the client closes; then the mailbox closes and the sender ends.
                    for try await _ in inbound {}
                    hub.unsubscribe(mailbox)
                }
                group.addTask {
                    // Several waiting events go out as one frame: a JSON array of events.
                    while let batch = await mailbox.next() {
                        for frame in Self.frames(batch) { try await outbound.write(.text(frame)) }
                        for event in batch { lag.recordInterval(since: event.published) }
                    }
                }
                try await group.next()
                group.cancelAll()
                hub.unsubscribe(mailbox)
            }
        }
    }
}

extension StreamRoute {
    /// Frames stay under this size (many clients refuse larger ones by default).
    static let frameLimit = 16 * 1024 - 64

    /// One event per frame, or arrays of several while they fit in ``frameLimit``.
    static func frames(_ batch: [StreamEvent]) -> [String] {
        var frames: [String] = []
        var group: [String] = []
        var size = 2
        func close() {
            guard !group.isEmpty else { return }
            frames.append(group.count == 1 ? group[0] : "[" + group.joined(separator: ",") + "]")
            group.removeAll(keepingCapacity: true)
            size = 2
        }
        for event in batch {
            let length = event.json.utf8.count
            if !group.isEmpty && size + length + 1 > frameLimit { close() }
            group.append(event.json)
            size += length + 1
        }
        close()
        return frames
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        recordNanoseconds((ContinuousClock.now - start).inNanoseconds)
    }
}
