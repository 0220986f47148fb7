import Testing
import TradewindStrategy
import TradewindTesting

struct ParameterGridTests {
    static let specs = SMACross.parameterSpecification

    @Test("ranges include both ends, lists keep their order, the last axis varies fastest")
    func combinations() throws {
        let grid = try ParameterGrid(parsing: ["fast=5:15:5", "slow=40,30"], against: Self.specs)
        #expect(grid.count == 6)
        let sets = grid.combinations.map { $0.map { "\($0.name)=\($0.value)" }.joined(separator: " ") }
        #expect(sets == ["fast=5 slow=40", "fast=5 slow=30", "fast=10 slow=40", "fast=10 slow=30", "fast=15 slow=40", "fast=15 slow=30"])
        #expect(try ParameterGrid(parsing: [], against: Self.specs).combinations.count == 1)
    }

    @Test("decimal ranges step exactly")
    func decimals() throws {
        let grid = try ParameterGrid(parsing: ["size=0.1:0.3:0.1"], against: Self.specs)
        #expect(grid.axes[0].values == ["0.1", "0.2", "0.3"])
        let mixed = try ParameterGrid(parsing: ["size=1:2:0.25"], against: Self.specs)
        #expect(mixed.axes[0].values == ["1.00", "1.25", "1.50", "1.75", "2.00"])
    }

    @Test("unknown names, repeated axes, bad ranges, out-of-range values and huge grids are refused with the parameter named")
    func errors() {
        func reason(_ axes: [String], limit: Int = 1_000_000) -> String? {
            do { _ = try ParameterGrid(parsing: axes, against: Self.specs, limit: limit); return nil } catch { return "\(error)" }
        }
        #expect(reason(["speed=1:2:1"])?.contains("unknown parameter") == true)
        #expect(reason(["fast=1,2", "fast=3"])?.contains("twice") == true)
        #expect(reason(["fast=10:5:1"])?.contains("start ≤ end") == true)
        #expect(reason(["fast=1:5:0"])?.contains("step > 0") == true)
        #expect(reason(["fast=0:5:1"]) != nil)  // 0 is below the declared 1…1000
        #expect(reason(["fast"])?.contains("name=start:end:step") == true)
        #expect(reason(["fast=1:100:1", "slow=2:101:1"], limit: 5_000)?.contains("10000 combinations") == true)
    }
}
