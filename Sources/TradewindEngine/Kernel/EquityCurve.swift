public import TradewindCore

/// One point of the equity curve: equity marked at a bar's close.
///
/// Equity is stored as two 64-bit halves rather than an `Int128`, whose 16-byte alignment
/// would pad every point to 32 bytes; a curve of ten million points is 240 MB, not 320 MB.
public struct EquityPoint: Hashable, Sendable {
    public var time: Timestamp
    @usableFromInline var equityLow: UInt64
    @usableFromInline var equityHigh: Int64

    @inlinable
    public init(time: Timestamp, equity: Money) {
        self.time = time
        self.equityLow = UInt64(truncatingIfNeeded: equity.raw)
        self.equityHigh = Int64(truncatingIfNeeded: equity.raw &>> 64)
    }

    @inlinable
    public var equity: Money {
        get { Money(raw: Int128(equityHigh) &<< 64 | Int128(equityLow)) }
        set {
            equityLow = UInt64(truncatingIfNeeded: newValue.raw)
            equityHigh = Int64(truncatingIfNeeded: newValue.raw &>> 64)
        }
    }
}

/// A run's equity points in time order: an append-only array of ``EquityPoint`` with value
/// semantics.
///
/// Not a Swift `Array` because of where a long curve's memory comes from: a curve of
/// ``HugePages/threshold`` bytes and more lives in a ``RecycledRegions`` region, which goes back
/// to the process's pool (not to the kernel) when the last copy of the curve is released, and
/// the next run's curve reuses it already mapped. Shorter curves use the ordinary heap.
///
/// `@unchecked Sendable`: the pointer fields point into `buffer`, which is written only through
/// a uniquely referenced curve (copy on write), as an `Array`'s storage is.
public struct EquityCurve: RandomAccessCollection, Hashable, @unchecked Sendable, ExpressibleByArrayLiteral, CustomStringConvertible {
    /// The memory; immutable once made. The count lives in the curve itself, so the per-bar
    /// append writes no class property (each such write is a runtime exclusivity check).
    @usableFromInline
    final class Buffer: @unchecked Sendable {
        @usableFromInline let points: UnsafeMutablePointer<EquityPoint>
        @usableFromInline let capacity: Int
        let region: RecycledRegion?

        init(capacity: Int) {
            let bytes = capacity * MemoryLayout<EquityPoint>.stride
            if bytes >= HugePages.threshold, let region = RecycledRegions.take(atLeast: bytes) {
                self.region = region
                self.capacity = region.bytes / MemoryLayout<EquityPoint>.stride
                self.points = region.base.bindMemory(to: EquityPoint.self, capacity: self.capacity)
            } else {
                self.region = nil
                self.capacity = capacity
                self.points = .allocate(capacity: capacity)
            }
        }

        deinit {
            // `EquityPoint` is trivial: nothing to deinitialize.
            if let region {
                RecycledRegions.give(region)
            } else {
                points.deallocate()
            }
        }
    }

    @usableFromInline var buffer: Buffer?
    /// Points initialised in `buffer` for this value (a copy that appended since may have more).
    @usableFromInline var storedCount = 0
    /// `buffer`'s points and capacity, kept here so the per-bar path reads no class field.
    @usableFromInline var points = UnsafeMutablePointer<EquityPoint>(bitPattern: 0x10)!
    @usableFromInline var storedCapacity = 0

    public init() {}

    public init<S: Sequence<EquityPoint>>(_ points: S) {
        self.init()
        reserveCapacity(points.underestimatedCount)
        for point in points { append(point) }
    }

    public init(arrayLiteral points: EquityPoint...) { self.init(points) }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { storedCount }
    @inlinable public var count: Int { storedCount }
    public var capacity: Int { storedCapacity }

    @inlinable
    public subscript(position: Int) -> EquityPoint {
        precondition(position >= 0 && position < storedCount, "equity curve index out of range")
        return points[position]
    }

    /// Room for `minimumCapacity` points without growing.
    public mutating func reserveCapacity(_ minimumCapacity: Int) {
        if minimumCapacity <= capacity && isKnownUniquelyReferenced(&buffer) { return }
        if buffer == nil && minimumCapacity == 0 { return }
        move(capacity: Swift.max(minimumCapacity, capacity))
    }

    @inline(__always)
    public mutating func append(_ point: EquityPoint) {
        if !(storedCount < storedCapacity && isKnownUniquelyReferenced(&buffer)) {
            move(capacity: Swift.max(16, capacity * 2))
        }
        (points + storedCount).initialize(to: point)
        storedCount += 1
    }

    /// Appends `point`, or replaces the last point when it has the same time: several
    /// instruments closing at one instant make one point. Once a bar, on the engine's hot path.
    @inline(__always)
    public mutating func record(_ point: EquityPoint) {
        prepare(forRecords: 1)
        recordPrepared(point)
    }

    /// Makes the buffer this value's alone with room for `count` more points, so that many
    /// ``recordPrepared(_:)`` calls need no check each: the batch loop's one check for all its bars.
    @inlinable
    public mutating func prepare(forRecords count: Int) {
        if storedCount + count > storedCapacity {
            // Doubling, as `append` grows: a live bot prepares for one bar at a time.
            move(capacity: Swift.max(storedCount + count, capacity * 2, 16))
        } else if !isKnownUniquelyReferenced(&buffer) {
            move(capacity: capacity)
        }
    }

    /// ``record(_:)`` for a curve that ``prepare(forRecords:)`` readied and that has not been
    /// copied since: no uniqueness or capacity check (a debug build still makes them).
    @inline(__always)
    public mutating func recordPrepared(_ point: EquityPoint) {
        assert(isKnownUniquelyReferenced(&buffer), "a prepared equity curve was copied")
        if storedCount > 0 && points[storedCount - 1].time == point.time {
            points[storedCount - 1] = point
        } else {
            assert(storedCount < storedCapacity, "more records than prepared")
            (points + storedCount).initialize(to: point)
            storedCount += 1
        }
    }

    /// Copies the points into a new buffer of `capacity` (the old one is released).
    @usableFromInline
    mutating func move(capacity: Int) {
        let fresh = Buffer(capacity: Swift.max(capacity, storedCount))
        if buffer != nil { fresh.points.initialize(from: points, count: storedCount) }
        buffer = fresh
        points = fresh.points
        storedCapacity = fresh.capacity
    }

    public static func == (lhs: EquityCurve, rhs: EquityCurve) -> Bool {
        if lhs.buffer === rhs.buffer && lhs.storedCount == rhs.storedCount { return true }
        return lhs.elementsEqual(rhs)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storedCount)
        for point in self { hasher.combine(point) }
    }

    public var description: String { Array(self).description }
}
