import Testing
import TradewindCore

@Suite("Parallel work and byte formatting")
struct ParallelTests {
    struct Failure: Error, Equatable { var name: String }

    @Test("map keeps index order; both returns both results")
    func order() throws {
        #expect(Parallel.map(1_000) { $0 * $0 } == (0..<1_000).map { $0 * $0 })
        #expect(Parallel.map(0) { $0 }.isEmpty)
        let (a, b) = try Parallel.both({ "first" }, { 2 })
        #expect(a == "first" && b == 2)
    }

    @Test("when both fail, the first closure's error is the one thrown")
    func firstErrorWins() {
        #expect(throws: Failure(name: "first")) {
            try Parallel.both({ () throws -> Int in throw Failure(name: "first") }, { () throws -> Int in throw Failure(name: "second") })
        }
        #expect(throws: Failure(name: "second")) {
            try Parallel.both({ 1 }, { () throws -> Int in throw Failure(name: "second") })
        }
    }

    @Test("decimal bytes are the description's text for every precision and sign")
    func appendDecimal() throws {
        var random = SplitMix64(seed: 11)
        var values: [Int64] = [0, 1, -1, 5, -5, 10, 100, Int64.max, Int64.min + 1, Int64.min, 123_456_789]
        for _ in 0..<2_000 { values.append(Int64(bitPattern: random.next()) >> Int64(random.next() % 63)) }
        for raw in values {
            for precision in [0, 1, 2, 8, 18] as [UInt8] {
                let price = try Price(raw: raw, precision: precision)
                var bytes: [UInt8] = []
                price.appendDecimal(to: &bytes)
                #expect(String(decoding: bytes, as: UTF8.self) == price.description, "raw \(raw) at \(precision)")
                // The 64-bit fast path against the generic one (built from `String(magnitude)`).
                #expect(FixedPoint.format(raw, precision: Int(precision)) == FixedPoint.format(Int128(raw), precision: Int(precision)))
            }
        }
    }

    /// Counts live instances, so a growth that copied without releasing (or released twice) shows.
    final class Tracked {
        nonisolated(unsafe) static var live = 0
        let value: Int
        init(_ value: Int) { self.value = value; Tracked.live += 1 }
        deinit { Tracked.live -= 1 }
    }

    @Test("growing onto huge pages keeps every element, in order, retained exactly once")
    func largeGrowth() {
        // 16-byte strings: 300,000 of them pass the 4 MB threshold several doublings before the end.
        var grown: [String] = []
        for index in 0..<300_000 { grown.appendLarge("order-\(index)") }
        #expect(grown == (0..<300_000).map { "order-\($0)" })
        #expect(grown.capacity * MemoryLayout<String>.stride >= HugePages.threshold)

        do {
            var objects = (0..<1_000).map(Tracked.init)
            objects.reserveLarge(600_000)  // 4.8 MB of references: a new buffer, advised, then copied into
            #expect(objects.capacity >= 600_000)
            #expect(objects.map(\.value) == Array(0..<1_000))
            #expect(Tracked.live == 1_000)
            objects.reserveLarge(10)  // never shrinks
            #expect(objects.capacity >= 600_000)
        }
        #expect(Tracked.live == 0)
    }
}
