/// A fixed-capacity window of the latest values; O(1) push, no allocation after init.
@usableFromInline
struct RingBuffer: Sendable {
    @usableFromInline var storage: [Double]
    @usableFromInline var head = 0
    @usableFromInline var count = 0

    @usableFromInline
    init(capacity: Int) { storage = Array(repeating: 0, count: max(capacity, 1)) }

    @usableFromInline var capacity: Int { storage.count }
    @usableFromInline var isFull: Bool { count == storage.count }

    /// Appends `value`; returns the value that fell out when the buffer was full.
    @inlinable @discardableResult
    mutating func push(_ value: Double) -> Double? {
        let evicted: Double? = isFull ? storage[head] : nil
        storage[head] = value
        head = head + 1 == storage.count ? 0 : head + 1
        if !isFull { count += 1 }
        return evicted
    }

    /// The `i`-th oldest value (0 = oldest).
    @inlinable
    subscript(i: Int) -> Double {
        let start = isFull ? head : 0
        let index = start + i
        return storage[index >= storage.count ? index - storage.count : index]
    }

    /// The oldest value.
    @inlinable var oldest: Double { self[0] }
}

/// Rolling maximum or minimum over the last `period` values in amortised O(1), with a
/// monotonic deque stored in a fixed ring (no allocation after init).
@usableFromInline
struct RollingExtreme: Sendable {
    @usableFromInline let period: Int
    @usableFromInline let isMax: Bool
    @usableFromInline var values: [Double]
    @usableFromInline var indices: [Int]
    @usableFromInline var front = 0
    @usableFromInline var size = 0
    @usableFromInline var seen = 0

    @usableFromInline
    init(period: Int, max: Bool) {
        self.period = period
        self.isMax = max
        values = Array(repeating: 0, count: period + 1)
        indices = Array(repeating: 0, count: period + 1)
    }

    @inlinable
    mutating func push(_ value: Double) {
        let n = values.count
        // Drop values the new one dominates, from the back.
        while size > 0 {
            let back = (front + size - 1) % n
            if isMax ? values[back] <= value : values[back] >= value { size -= 1 } else { break }
        }
        let slot = (front + size) % n
        values[slot] = value
        indices[slot] = seen
        size += 1
        seen += 1
        // Drop the front once it left the window.
        if indices[front] <= seen - 1 - period {
            front = (front + 1) % n
            size -= 1
        }
    }

    /// The extreme of the last `period` values (or of all, before `period` were seen).
    @inlinable var value: Double { values[front] }
    @inlinable var isFull: Bool { seen >= period }
}
