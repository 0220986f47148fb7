#if canImport(Glibc)
import Glibc
#endif

/// Large buffers backed by 2 MB pages where the kernel offers them (transparent huge pages in
/// `madvise` mode, the usual default). A fresh buffer costs a page fault per 4 KB page when it
/// is first written; for the tens of megabytes of a million-bar run that was a fifth of the
/// run's time, and 2 MB pages cut the faults 512-fold. Only a hint: nothing changes where the
/// kernel declines.
public enum HugePages {
    /// Buffers smaller than this are left alone (they rarely span a whole 2 MB page).
    public static let threshold = 4 << 20

    /// Advises the whole 2 MB pages inside `bytes` bytes at `address`. Call it before the
    /// memory is first written.
    public static func advise(_ address: UnsafeMutableRawPointer, bytes: Int) {
        #if os(Linux)
        guard bytes >= threshold else { return }
        let page = 2 << 20
        let start = (Int(bitPattern: address) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: address) + bytes) & ~(page - 1)
        guard end > start, let aligned = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(aligned, end - start, 14)  // MADV_HUGEPAGE
        #endif
    }
}

extension Array {
    /// `reserveCapacity`, with a large new buffer backed by huge pages (``HugePages``).
    public mutating func reserveLarge(_ count: Int) {
        guard count > capacity else { return }
        reserveCapacity(count)
        let bytes = capacity * MemoryLayout<Element>.stride
        guard bytes >= HugePages.threshold else { return }
        // The spare capacity past `count` is the part not yet written.
        let used = self.count
        let spare = (capacity - used) * MemoryLayout<Element>.stride
        withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            HugePages.advise(UnsafeMutableRawPointer(base + used), bytes: spare)
        }
    }
}
