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
    @usableFromInline var block: [SIMD2<Double>]
    /// `suffix[i]` = extremes of the previous block's entries `i..<period`.
    @usableFromInline var suffix: [SIMD2<Double>]
    @usableFromInline var prefix = SIMD2<Double>()
    @usableFromInline var current = SIMD2<Double>()
    @usableFromInline var position = 0
    @usableFromInline var hasPreviousBlock = false
    @usableFromInline var seen = 0

    @usableFromInline
    init(period: Int) {
        self.period = period
        block = Array(repeating: SIMD2(), count: period)
        suffix = Array(repeating: SIMD2(), count: period)
    }

    @inlinable
    mutating func push(high: Double, low: Double) {
        let entry = SIMD2(high, -low)
        let j = position
        seen += 1
        prefix = j == 0 ? entry : pointwiseMax(prefix, entry)
        if j == period - 1 {
            // The window is exactly this block; its suffixes serve the next `period` windows.
            current = prefix
            let count = period
            block.withUnsafeMutableBufferPointer { block in
                block[count - 1] = entry
                suffix.withUnsafeMutableBufferPointer { suffix in
                    var running = entry
                    suffix[count - 1] = running
                    var i = count - 2
                    while i >= 0 {
                        running = pointwiseMax(running, block[i])
                        suffix[i] = running
                        i -= 1
                    }
                }
            }
            hasPreviousBlock = true
            position = 0
        } else {
            block[j] = entry
            current = hasPreviousBlock ? pointwiseMax(suffix[j + 1], prefix) : prefix
            position = j + 1
        }
    }

    /// Highest high of the window (or of all bars, before `period` were seen).
    @inlinable var high: Double { current.x }
    /// Lowest low of the window (or of all bars, before `period` were seen).
    @inlinable var low: Double { -current.y }
    @inlinable var isFull: Bool { seen >= period }
}
