#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A large anonymous memory region, aligned to 2 MB, owned by whoever took it from
/// ``RecycledRegions``.
public struct RecycledRegion: @unchecked Sendable {
    public let base: UnsafeMutableRawPointer
    public let bytes: Int
}

/// Large memory regions that the process keeps when they are released and hands out again,
/// instead of returning them to the kernel.
///
/// A backtest's equity curve is 24 bytes a bar: 240 MB for ten million bars, written once from
/// front to back. Memory fresh from the kernel costs a fault and a zeroed page on that first
/// write; where the host takes free guest memory back (a VM with free-page reporting, such as
/// the Firecracker VMs this project is measured on) it costs a fault in the host as well. That
/// cost moves with the host: 20 ms of system time in one minute, 700 ms in another, for the
/// same run. A process that runs backtests one after another (a study, a walk-forward, a
/// benchmark) reuses the previous run's region, already mapped on 2 MB pages, and pays none
/// of it after the first run.
///
/// What is kept idle is capped at an eighth of physical memory; a region released past the cap
/// goes back to the kernel. Buffers under ``HugePages/threshold`` do not come here.
public enum RecycledRegions {
    static let alignment = 2 << 20

    /// The idle regions and the choice of which to reuse or keep.
    struct Pool {
        var idle: [RecycledRegion] = []
        var idleBytes = 0

        /// Removes and returns the smallest idle region of at least `bytes` bytes.
        mutating func take(atLeast bytes: Int) -> RecycledRegion? {
            var best: Int?
            for (index, region) in idle.enumerated() where region.bytes >= bytes {
                if best.map({ region.bytes < idle[$0].bytes }) ?? true { best = index }
            }
            guard let best else { return nil }
            let region = idle.remove(at: best)
            idleBytes -= region.bytes
            return region
        }

        /// Keeps `region` unless that would hold more than `limit` bytes idle.
        mutating func keep(_ region: RecycledRegion, limit: Int) -> Bool {
            guard idleBytes + region.bytes <= limit else { return false }
            idle.append(region)
            idleBytes += region.bytes
            return true
        }
    }

    static let pool = Mutex(Pool())

    /// The most memory kept idle: an eighth of physical memory.
    public static let idleLimit: Int = {
        #if canImport(Glibc)
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        if pages > 0, pageSize > 0 { return pages * pageSize / 8 }
        #endif
        return 1 << 30
    }()

    /// Bytes held idle now, waiting to be reused.
    public static var idleBytes: Int { pool.withLock { $0.idleBytes } }

    /// A region of at least `bytes` bytes: the smallest idle one that is large enough, or a new
    /// mapping advised for 2 MB pages. `nil` when the kernel refuses the mapping.
    public static func take(atLeast bytes: Int) -> RecycledRegion? {
        let reused = pool.withLock { $0.take(atLeast: bytes) }
        return reused ?? map(bytes: bytes)
    }

    /// Gives a region back: kept for the next ``take(atLeast:)``, or unmapped past the cap.
    public static func give(_ region: RecycledRegion) {
        let kept = pool.withLock { $0.keep(region, limit: idleLimit) }
        if !kept { unmap(region) }
    }

    /// Returns every idle region to the kernel.
    public static func releaseIdle() {
        let idle = pool.withLock { pool in
            defer { pool = Pool() }
            return pool.idle
        }
        idle.forEach(unmap)
    }

    static func map(bytes: Int) -> RecycledRegion? {
        #if canImport(Glibc)
        let size = (bytes + alignment - 1) & ~(alignment - 1)
        // Over-map by one alignment unit and cut the ends off, so the region starts on a 2 MB
        // boundary and every part of it can be a huge page.
        let mapped = mmap(nil, size + alignment, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let mapped, mapped != MAP_FAILED else { return nil }
        let start = (Int(bitPattern: mapped) + alignment - 1) & ~(alignment - 1)
        let head = start - Int(bitPattern: mapped)
        if head > 0 { munmap(mapped, head) }
        let tail = alignment - head
        let base = UnsafeMutableRawPointer(bitPattern: start)!
        if tail > 0 { munmap(base + size, tail) }
        HugePages.advise(base, bytes: size)
        return RecycledRegion(base: base, bytes: size)
        #else
        let base = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: alignment)
        return RecycledRegion(base: base, bytes: bytes)
        #endif
    }

    static func unmap(_ region: RecycledRegion) {
        #if canImport(Glibc)
        munmap(region.base, region.bytes)
        #else
        region.base.deallocate()
        #endif
    }
}
