import Testing
@testable import TradewindCore

@Suite("Recycled regions")
struct RecycledRegionsTests {
    @Test func theSmallestIdleRegionThatFitsIsReusedAndTheCapIsKept() {
        let mb = 1 << 20
        let regions = [24, 8, 16].map { megabytes in
            RecycledRegion(base: UnsafeMutableRawPointer.allocate(byteCount: 1, alignment: 1), bytes: megabytes * mb)
        }
        defer { regions.forEach { $0.base.deallocate() } }
        var pool = RecycledRegions.Pool()
        let kept = regions.map { pool.keep($0, limit: 40 * mb) }
        #expect(kept == [true, true, false])  // the third would hold 48 MB idle, past the cap
        #expect(pool.idleBytes == 32 * mb)
        let small = pool.take(atLeast: 6 * mb)
        #expect(small?.base == regions[1].base)  // 8 MB, not 24
        let tooLarge = pool.take(atLeast: 25 * mb)
        #expect(tooLarge == nil)
        let large = pool.take(atLeast: 9 * mb)
        #expect(large?.base == regions[0].base)
        #expect(pool.idleBytes == 0 && pool.idle.isEmpty)
    }

    @Test func aMappedRegionIsAlignedWritableAndGoesBackToThePool() throws {
        let region = try #require(RecycledRegions.map(bytes: 5 << 20))
        defer { RecycledRegions.unmap(region) }
        #expect(Int(bitPattern: region.base) % (2 << 20) == 0)
        #expect(region.bytes == 6 << 20)  // rounded up to whole 2 MB pages
        let bytes = region.base.bindMemory(to: UInt8.self, capacity: region.bytes)
        bytes[0] = 1
        bytes[region.bytes - 1] = 2
        #expect(bytes[0] + bytes[region.bytes - 1] == 3)
    }
}
