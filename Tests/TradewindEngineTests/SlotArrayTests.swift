import Testing
@testable import TradewindEngine

@Suite("Strategy slots")
struct SlotArrayTests {
    @Test("a copy keeps its values: checked writes copy shared storage, and makeUnique readies prepared writes")
    func valueSemantics() {
        var slots = SlotArray([[1], [2], [3]])
        let copy = slots
        slots[1].append(20)
        #expect(Array(slots) == [[1], [2, 20], [3]])
        #expect(Array(copy) == [[1], [2], [3]])

        let second = slots
        slots.makeUnique()
        slots[prepared: 0].append(10)
        slots[prepared: 2] = [30]
        #expect(Array(slots) == [[1, 10], [2, 20], [30]])
        #expect(Array(second) == [[1], [2, 20], [3]])
        #expect(slots.indices == 0..<3 && slots[prepared: 1] == [2, 20])
    }

    @Test("elements are released with the last copy")
    func releasesElements() {
        final class Tracked {}
        weak var watched: Tracked?
        do {
            let element = Tracked()
            watched = element
            var slots = SlotArray([element])
            let copy = slots
            slots.makeUnique()
            #expect(copy[0] === slots[0])
        }
        #expect(watched == nil)
    }
}
