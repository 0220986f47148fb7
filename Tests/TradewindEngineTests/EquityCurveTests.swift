import Testing
import TradewindCore
import TradewindEngine

@Suite("Equity curve")
struct EquityCurveTests {
    func point(_ minute: Int, _ equity: Int) -> EquityPoint {
        EquityPoint(time: Timestamp(secondsSinceEpoch: Int64(minute) * 60), equity: Money(raw: Int128(equity) * 1_000_000_000_000))
    }

    @Test func appendsGrowAndKeepEveryPointInOrder() {
        var curve = EquityCurve()
        #expect(curve.isEmpty && curve.capacity == 0)
        for minute in 0..<1_000 { curve.append(point(minute, 100 + minute)) }
        #expect(curve.count == 1_000)
        #expect(curve.map(\.equity) == (0..<1_000).map { Money(raw: Int128(100 + $0) * 1_000_000_000_000) })
        #expect(curve.first == point(0, 100) && curve.last == point(999, 1_099))
    }

    @Test func recordReplacesAPointAtTheSameTime() {
        var curve = EquityCurve()
        curve.record(point(1, 100))
        curve.record(point(1, 101))  // a second instrument closing at the same minute
        curve.record(point(2, 102))
        #expect(Array(curve) == [point(1, 101), point(2, 102)])
    }

    @Test func copiesAreIndependentValues() {
        var original: EquityCurve = [point(0, 1), point(1, 2)]
        var copy = original
        copy.append(point(2, 3))
        #expect(original.count == 2 && copy.count == 3)
        var replaced = original
        replaced.record(point(1, 7))
        #expect(original.last == point(1, 2) && replaced.last == point(1, 7))
        original.append(point(3, 4))
        #expect(Array(copy) == [point(0, 1), point(1, 2), point(2, 3)])
        #expect(copy != original && copy == EquityCurve([point(0, 1), point(1, 2), point(2, 3)]))
        let rebuilt = EquityCurve(Array(copy))
        #expect(Set([copy, rebuilt]).count == 1)
    }

    @Test func aLongCurveLivesInARecycledRegionAndStaysAValue() {
        // 24 bytes a point: 300,000 points are 7.2 MB, past the 4 MB threshold.
        var curve = EquityCurve()
        curve.reserveCapacity(300_000)
        #expect(curve.capacity == (8 << 20) / 24)  // the whole region: 7.2 MB rounded up to 2 MB pages
        for minute in 0..<300_000 { curve.append(point(minute, minute)) }
        let snapshot = curve
        curve.record(point(299_999, -1))
        curve.append(point(300_000, 5))  // past the reserved count when the region was exact
        #expect(snapshot.count == 300_000 && snapshot.last == point(299_999, 299_999))
        #expect(curve.count == 300_001 && curve[299_999] == point(299_999, -1) && curve.last == point(300_000, 5))
        #expect(curve[123_456] == point(123_456, 123_456))
    }

    @Test("prepared one point at a time (a live bot's bars), the curve grows by doubling and stays a value")
    func preparedOneAtATime() {
        var curve = EquityCurve()
        var capacities: Set<Int> = []
        var copy = curve
        for minute in 0..<10_000 {
            curve.prepare(forRecords: 1)
            curve.recordPrepared(point(minute, minute))
            capacities.insert(curve.capacity)
            if minute == 5_000 { copy = curve }
        }
        #expect(curve.count == 10_000 && capacities.count <= 16)
        #expect(copy.count == 5_001 && copy.last == point(5_000, 5_000))
        #expect(curve.map(\.equity) == (0..<10_000).map { Money(raw: Int128($0) * 1_000_000_000_000) })
    }
}
