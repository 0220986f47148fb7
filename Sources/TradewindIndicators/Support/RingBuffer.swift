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
/// monotonic deque in a power-of-two ring (index masking, no division; no allocation after init).
@usableFromInline
struct RollingExtreme: Sendable {
    @usableFromInline let period: Int
    @usableFromInline let isMax: Bool
    @usableFromInline let mask: Int
    @usableFromInline var values: [Double]
    @usableFromInline var indices: [Int]
    @usableFromInline var front = 0
    @usableFromInline var back = 0  // one past the newest entry; entries are front..<back (unmasked)
    @usableFromInline var seen = 0

    @usableFromInline
    init(period: Int, max: Bool) {
        self.period = period
        self.isMax = max
        var capacity = 1
        while capacity < period + 1 { capacity <<= 1 }
        mask = capacity - 1
        values = Array(repeating: 0, count: capacity)
        indices = Array(repeating: 0, count: capacity)
    }

    @inlinable
    mutating func push(_ value: Double) {
        let (mask, period, isMax, seen) = (self.mask, self.period, self.isMax, self.seen)
        var (front, back) = (self.front, self.back)
        // One pointer section per push: indices are masked into range, so the per-access
        // bounds and uniqueness checks of array subscripts are pure overhead here.
        values.withUnsafeMutableBufferPointer { values in
            indices.withUnsafeMutableBufferPointer { indices in
                // Drop entries the new value dominates, from the back.
                if isMax {
                    while back > front && values[(back - 1) & mask] <= value { back -= 1 }
                } else {
                    while back > front && values[(back - 1) & mask] >= value { back -= 1 }
                }
                values[back & mask] = value
                indices[back & mask] = seen
                back += 1
                // Drop the front once it left the window.
                if indices[front & mask] <= seen - period { front += 1 }
            }
        }
        self.front = front
        self.back = back
        self.seen = seen + 1
    }

    /// The extreme of the last `period` values (or of all, before `period` were seen).
    @inlinable var value: Double { values[front & mask] }
    @inlinable var isFull: Bool { seen >= period }
}
