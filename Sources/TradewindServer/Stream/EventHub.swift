import Foundation
import Metrics
import Synchronization

/// One message of the live stream, encoded once and shared by every subscriber.
public struct StreamEvent: Sendable {
    /// `bar`, `order`, `fill`, `position`, `equity`, `alert`, `backtest`, `bot`.
    public var type: String
    /// The bot it concerns; `nil` for events everyone may see.
    public var bot: String?
    /// Owner of the bot, for visibility.
    public var owner: String?
    /// The JSON text sent.
    public var json: String
    /// When it was published, for delivery lag.
    public var published: ContinuousClock.Instant

    public init(type: String, bot: String?, owner: String?, data: String, time: String, published: ContinuousClock.Instant = .now) {
        self.type = type
        self.bot = bot
        self.owner = owner
        let botField = bot.map { ",\"bot\":\(Self.quoted($0))" } ?? ""
        json = "{\"type\":\(Self.quoted(type))\(botField),\"time\":\(Self.quoted(time)),\"data\":\(data)}"
        self.published = published
    }

    static func quoted(_ text: String) -> String {
        String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }
}

/// Fans events out to WebSocket subscribers without ever blocking a publisher: each
/// subscriber has a bounded buffer; a client too slow to keep up loses its oldest events (counted).
public final class EventHub: Sendable {
    private struct Subscriber {
        var continuation: AsyncStream<StreamEvent>.Continuation
        var accepts: @Sendable (StreamEvent) -> Bool
    }

    private let subscribers = Mutex<[Int: Subscriber]>([:])
    private let nextID = Atomic<Int>(0)
    private let published = Counter(label: "tradewind_stream_events_total")
    private let dropped = Counter(label: "tradewind_stream_events_dropped_total")
    private let clients = Gauge(label: "tradewind_stream_clients")
    public static let bufferPerClient = 4_096

    public init() {}

    /// The events `accepts` lets through, from now until the stream is dropped.
    public func subscribe(accepts: @escaping @Sendable (StreamEvent) -> Bool) -> AsyncStream<StreamEvent> {
        let (stream, continuation) = AsyncStream<StreamEvent>.makeStream(bufferingPolicy: .bufferingNewest(Self.bufferPerClient))
        let id = nextID.add(1, ordering: .relaxed).newValue
        let count = subscribers.withLock { subscribers in
            subscribers[id] = Subscriber(continuation: continuation, accepts: accepts)
            return subscribers.count
        }
        clients.record(count)
        continuation.onTermination = { [weak self] _ in
            guard let self else { return }
            let count = self.subscribers.withLock { subscribers in
                subscribers.removeValue(forKey: id)
                return subscribers.count
            }
            self.clients.record(count)
        }
        return stream
    }

    public func publish(_ event: StreamEvent) {
        published.increment()
        let targets = subscribers.withLock { $0.values.map { $0 } }
        for subscriber in targets where subscriber.accepts(event) {
            if case .dropped = subscriber.continuation.yield(event) { dropped.increment() }
        }
    }

    public var subscriberCount: Int { subscribers.withLock { $0.count } }
}
