/// The newest latencies a bot measured, in memory fixed at start: a bot that trades for months
/// keeps its last ``capacity`` samples (for the p99 its status reports), not one per order ever.
public struct LatencyWindow: Sendable {
    public let capacity: Int
    /// Samples recorded since the bot started, including those no longer kept.
    public private(set) var recorded = 0
    private var ring: [Int64] = []

    public init(capacity: Int) {
        precondition(capacity > 0, "a latency window keeps at least one sample")
        self.capacity = capacity
    }

    mutating func record(_ nanoseconds: Int64) {
        if ring.count < capacity {
            ring.append(nanoseconds)
        } else {
            ring[recorded % capacity] = nanoseconds
        }
        recorded += 1
    }

    /// The kept samples, oldest first.
    public var samples: [Int64] {
        guard recorded > capacity else { return ring }
        let next = recorded % capacity
        return Array(ring[next...] + ring[..<next])
    }

    /// The `fraction` quantile (0…1) of the kept samples, nearest rank; `nil` before any.
    public func quantile(_ fraction: Double) -> Int64? {
        guard !ring.isEmpty else { return nil }
        let sorted = ring.sorted()
        let rank = Int((Double(sorted.count) * fraction).rounded(.up)) - 1
        return sorted[min(sorted.count - 1, max(0, rank))]
    }
}
