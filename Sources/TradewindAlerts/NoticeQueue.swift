import DequeModule
import Synchronization

/// The bounded hand-off between the trading path and the delivery service.
///
/// ``offer(_:)`` takes a lock for a few instructions and never waits, so a bot that reports a fill
/// is not slowed by a slow mail server. Only a critical notice (or the queue reaching half full)
/// wakes the consumer; the others wait for its next look (``wake()`` on a timer), so a burst of
/// fills costs no thread wake-ups. When the queue is full, an info notice is dropped before a
/// warning (the oldest info makes room for a warning); critical notices have their own lane and are
/// never dropped — they are rare, and the delivery service persists them before it sends them.
public final class NoticeQueue: NoticeSink, Sendable {
    public struct Drops: Sendable, Equatable {
        public var info = 0
        public var warning = 0
        public init() {}
    }

    private struct State {
        var ordinary = Deque<Notice>()
        var critical = Deque<Notice>()
        var drops = Drops()
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
    }

    /// Ordinary (info and warning) notices held at most.
    public let capacity: Int
    private let state: Mutex<State>

    public init(capacity: Int = 1_000) {
        precondition(capacity > 0, "a queue holds at least one notice")
        self.capacity = capacity
        state = Mutex(State(ordinary: Deque(minimumCapacity: capacity)))
    }

    @discardableResult
    public func offer(_ notice: Notice) -> Bool {
        let (accepted, waiter) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
            guard !state.closed else { return (false, nil) }
            if notice.severity == .critical {
                state.critical.append(notice)
            } else if state.ordinary.count < capacity {
                state.ordinary.append(notice)
            } else if notice.severity == .warning, let oldestInfo = state.ordinary.firstIndex(where: { $0.severity == .info }) {
                state.ordinary.remove(at: oldestInfo)
                state.drops.info += 1
                state.ordinary.append(notice)
            } else {
                if notice.severity == .info { state.drops.info += 1 } else { state.drops.warning += 1 }
                return (false, nil)
            }
            // Half full: time for the consumer to look, whatever its timer says.
            guard notice.severity == .critical || state.ordinary.count == capacity / 2 else { return (true, nil) }
            let waiter = state.waiter
            state.waiter = nil
            return (true, waiter)
        }
        waiter?.resume()
        return accepted
    }

    /// Everything queued, critical notices first; empty when nothing is.
    public func drain() -> [Notice] {
        // Swapped out under the lock, copied after it: a producer never waits for the copy. The
        // replacement is allocated here, at full size, so an offer never grows (and copies) it.
        var ordinary = Deque<Notice>(minimumCapacity: capacity)
        var critical = Deque<Notice>()
        let taken = state.withLock { state -> Bool in
            guard !state.critical.isEmpty || !state.ordinary.isEmpty else { return false }
            swap(&critical, &state.critical)
            swap(&ordinary, &state.ordinary)
            return true
        }
        guard taken else { return [] }
        return Array(critical) + Array(ordinary)
    }

    /// Waits until a critical notice is queued, ``wake()`` is called or the queue is closed, then
    /// drains (so a woken call may return nothing). One consumer at a time.
    public func next() async -> [Notice] {
        let ready = drain()
        if !ready.isEmpty || isClosed { return ready }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.closed || !state.critical.isEmpty || !state.ordinary.isEmpty { return true }
                state.waiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
        return drain()
    }

    /// Wakes a waiting ``next()`` without a notice (a timer, a shutdown).
    public func wake() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Refuses further notices; what is queued can still be drained.
    public func close() {
        state.withLock { $0.closed = true }
        wake()
    }

    public var isClosed: Bool { state.withLock { $0.closed } }
    public var drops: Drops { state.withLock { $0.drops } }
    public var count: Int { state.withLock { $0.critical.count + $0.ordinary.count } }
}
