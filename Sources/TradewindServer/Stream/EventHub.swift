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
/// subscriber has a bounded mailbox; a client too slow to keep up loses its oldest events
/// (counted). A writer takes everything waiting at once, so a burst costs one frame, not many.
///
/// Writers are woken by a flush at most ``flushWindow`` after an event is published, not by
/// each event: at 1,000 events/s to 100 clients, waking every writer for every event is
/// 100,000 task switches and frames a second, and the last client's wait behind them was the
/// delivery tail (p99 120–530 ms on two cores with light clients). One flush per window wakes
/// each writer once with everything since the last, so a window adds at most its length to an
/// event's delivery. Measured at 100 clients: 1 ms and 2 ms windows give p99 5–8 ms; 4 ms,
/// 8–10 ms (bigger bursts of writers at once); 2 ms is the default.
public final class EventHub: Sendable {
    private struct Subscriber {
        var mailbox: Mailbox
        var accepts: @Sendable (StreamEvent) -> Bool
    }

    private let subscribers = Mutex<[Int: Subscriber]>([:])
    private let nextID = Atomic<Int>(0)
    private let published = Counter(label: "tradewind_stream_events_total")
    let dropped = Counter(label: "tradewind_stream_events_dropped_total")
    private let clients = Gauge(label: "tradewind_stream_clients")
    public static let bufferPerClient = 4_096
    public let flushWindow: Duration
    private let flushArmed = Atomic<Bool>(false)

    public init(flushWindow: Duration = .milliseconds(2)) {
        self.flushWindow = flushWindow
    }

    /// A mailbox receiving the events `accepts` lets through until ``unsubscribe(_:)``.
    public func subscribe(accepts: @escaping @Sendable (StreamEvent) -> Bool) -> Mailbox {
        let id = nextID.add(1, ordering: .relaxed).newValue
        let mailbox = Mailbox(id: id, capacity: Self.bufferPerClient, dropped: dropped)
        let count = subscribers.withLock { subscribers in
            subscribers[id] = Subscriber(mailbox: mailbox, accepts: accepts)
            return subscribers.count
        }
        clients.record(count)
        return mailbox
    }

    public func unsubscribe(_ mailbox: Mailbox) {
        mailbox.close()
        let count = subscribers.withLock { subscribers in
            subscribers.removeValue(forKey: mailbox.id)
            return subscribers.count
        }
        clients.record(count)
    }

    public func publish(_ event: StreamEvent) {
        published.increment()
        let targets = subscribers.withLock { $0.values.map { $0 } }
        var posted = false
        for subscriber in targets where subscriber.accepts(event) {
            subscriber.mailbox.post(event)
            posted = true
        }
        if posted { armFlush() }
    }

    /// The first event after a flush schedules the next one.
    private func armFlush() {
        guard flushArmed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        Task { [self] in
            try? await Task.sleep(for: flushWindow)
            // Disarmed before the sweep: an event posted during it either is swept or arms the next flush.
            flushArmed.store(false, ordering: .releasing)
            let mailboxes = subscribers.withLock { $0.values.map(\.mailbox) }
            for mailbox in mailboxes { mailbox.flush() }
        }
    }

    public var subscriberCount: Int { subscribers.withLock { $0.count } }
}

/// One subscriber's waiting events.
public final class Mailbox: Sendable {
    private struct State {
        var events: [StreamEvent] = []
        var waiter: CheckedContinuation<[StreamEvent]?, Never>?
        var closed = false
    }

    let id: Int
    private let capacity: Int
    private let dropped: Counter
    private let state = Mutex(State())

    init(id: Int, capacity: Int, dropped: Counter) {
        self.id = id
        self.capacity = capacity
        self.dropped = dropped
    }

    /// Queues an event; the writer hears of it at the hub's next ``flush()``.
    func post(_ event: StreamEvent) {
        let overflow = state.withLock { state -> Bool in
            guard !state.closed else { return false }
            state.events.append(event)
            guard state.events.count > capacity else { return false }
            state.events.removeFirst()
            return true
        }
        if overflow { dropped.increment() }
    }

    /// Whether a writer is waiting in ``next()`` (for tests that must publish only then).
    var hasWaitingWriter: Bool { state.withLock { $0.waiter != nil } }

    /// Hands everything queued to a waiting writer.
    func flush() {
        let (waiter, events) = state.withLock { state -> (CheckedContinuation<[StreamEvent]?, Never>?, [StreamEvent]) in
            guard let waiter = state.waiter, !state.events.isEmpty else { return (nil, []) }
            state.waiter = nil
            defer { state.events.removeAll(keepingCapacity: true) }
            return (waiter, state.events)
        }
        waiter?.resume(returning: events)
    }

    /// Everything waiting, or what the next flush brings when nothing is; `nil` once closed.
    public func next() async -> [StreamEvent]? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> [StreamEvent]?? in
                if state.closed { return .some(nil) }
                if !state.events.isEmpty {
                    defer { state.events.removeAll(keepingCapacity: true) }
                    return .some(state.events)
                }
                state.waiter = continuation
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    func close() {
        let waiter = state.withLock { state in
            state.closed = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: nil)
    }
}
