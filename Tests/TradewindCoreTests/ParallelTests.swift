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
        var values: [Int64] = [0, 1, -1, 5, -5, 10, 100, Int64.max, Int64.min + 1, 123_456_789]
        for _ in 0..<2_000 { values.append(Int64(bitPattern: random.next()) >> Int64(random.next() % 63)) }
        for raw in values {
            for precision in [0, 1, 2, 8, 18] as [UInt8] {
                let price = try Price(raw: raw, precision: precision)
                var bytes: [UInt8] = []
                price.appendDecimal(to: &bytes)
                #expect(String(decoding: bytes, as: UTF8.self) == price.description, "raw \(raw) at \(precision)")
            }
        }
    }
}
