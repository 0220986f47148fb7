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

/// Rolling highest high and lowest low over the last `period` bars in O(1) amortised per
/// bar (van Herk / Gil-Werman).
///
/// Bars are grouped in blocks of `period`; the window ending now is the tail of the previous
/// block plus the head of the current one, so its extremes come from a precomputed suffix of
/// the previous block and the running prefix of this one. Each entry is stored as
/// `(high, −low)`, so one vector `max` updates both extremes; there are no data-dependent
/// branches, which matters on noisy prices where a monotonic deque mispredicts on nearly
/// every push.
@usableFromInline
struct RollingHighLow: Sendable {
    @usableFromInline let period: Int
    /// `storage[0..<period]`: this block's entries; `storage[period + i]`: extremes of the
    /// previous block's entries `i..<period`. One array, so one uniqueness check per push.
    @usableFromInline var storage: [SIMD2<Double>]
    @usableFromInline var prefix = SIMD2<Double>()
    @usableFromInline var current = SIMD2<Double>()
    @usableFromInline var position = 0
    @usableFromInline var hasPreviousBlock = false
    @usableFromInline var seen = 0

    @usableFromInline
    init(period: Int) {
        self.period = period
        storage = Array(repeating: SIMD2(), count: 2 * period)
    }

    /// Lane-wise maximum of finite values (a plain compare-and-select: `pointwiseMax` pays
    /// for NaN handling that checked input never needs).
    @inlinable
    static func larger(_ a: SIMD2<Double>, _ b: SIMD2<Double>) -> SIMD2<Double> {
        a.replacing(with: b, where: b .> a)
    }

    @inlinable
    mutating func push(high: Double, low: Double) {
        let entry = SIMD2(high, -low)
        let j = position
        let period = period
        seen += 1
        prefix = j == 0 ? entry : Self.larger(prefix, entry)
        let hasPrevious = hasPreviousBlock
        current = storage.withUnsafeMutableBufferPointer { storage in
            storage[j] = entry
            guard j == period - 1 else {
                return hasPrevious ? Self.larger(storage[period + j + 1], prefix) : prefix
            }
            // The window is exactly this block; its suffixes serve the next `period` windows.
            var running = entry
            storage[2 * period - 1] = running
            var i = period - 2
            while i >= 0 {
                running = Self.larger(running, storage[i])
                storage[period + i] = running
                i -= 1
            }
            return prefix
        }
        if j == period - 1 {
            hasPreviousBlock = true
            position = 0
        } else {
            position = j + 1
        }
    }

    /// Highest high of the window (or of all bars, before `period` were seen).
    @inlinable var high: Double { current.x }
    /// Lowest low of the window (or of all bars, before `period` were seen).
    @inlinable var low: Double { -current.y }
    @inlinable var isFull: Bool { seen >= period }
}
