import Testing
import TradewindCore
@testable import TradewindStrategy
import TradewindTesting

/// The strategy is tested without an engine: build a context, feed bars, read its commands.
@Suite("sma-cross")
struct SMACrossTests {
    let instrument = BarBuilder.instrument

    func run(_ strategy: inout SMACross, closes: [String], position: Quantity? = nil) throws -> [(day: Int, command: StrategyCommand)] {
        var context = StrategyContext(instruments: [instrument], cash: Money("100000"), strategyName: SMACross.name)
        if let position {
            context.positions[0] = PositionView(quantity: position, costBasis: .zero, realizedPnL: .zero)
        }
        var issued: [(Int, StrategyCommand)] = []
        for (day, bar) in BarBuilder.dailyCloses(from: "2024-01-01", closes).enumerated() {
            try strategy.onBar(BarEvent(instrument: 0, bar: bar), context: &context)
            for command in context.commands { issued.append((day, command)) }
            var sink: [StrategyCommand] = []
            context.drainCommands(into: &sink)
        }
        return issued
    }

    @Test("buys size when the fast average crosses above the slow one")
    func crossUp() throws {
        var strategy = try SMACross.make([("fast", "2"), ("slow", "3"), ("size", "5")])
        // Day 3: fast (2+1)/2=1.5 ≤ slow 2 ... day 4: fast (1+4)/2=2.5 > slow (2+1+4)/3=2.33 → buy.
        let commands = try run(&strategy, closes: ["3", "2", "1", "4"])
        #expect(commands.count == 1)
        #expect(commands[0].day == 3)
        guard case .submit(let id, let request) = commands[0].command else { Issue.record("expected a submit"); return }
        #expect(id == ClientOrderID("sma-cross-1"))
        #expect(request.side == .buy)
        #expect(request.quantity == Quantity("5"))
        #expect(request.type == .market)
    }

    @Test("sells the whole position when the fast average crosses below")
    func crossDown() throws {
        var strategy = try SMACross.make([("fast", "2"), ("slow", "3")])
        // Day 3: fast (2+3)/2 = 2.5 > slow 2; day 4: fast (3+0.5)/2 = 1.75 < slow (2+3+0.5)/3 ≈ 1.83 → sell.
        let commands = try run(&strategy, closes: ["1", "2", "3", "0.5"], position: Quantity("7"))
        #expect(commands.count == 1)
        guard case .submit(_, let request) = commands[0].command else { Issue.record("expected a submit"); return }
        #expect(request.side == .sell)
        #expect(request.quantity == Quantity("7"))
    }

    @Test("equal averages are compared exactly: a tie is not a cross, and a rise from a tie is")
    func exactTies() throws {
        var strategy = try SMACross.make([("fast", "2"), ("slow", "4")])
        // Day 3: fast (0.2+0.1)/2 = 0.15 = slow 0.6/4; day 4: fast 0.2 = slow 0.8/4 (in binary
        // floating point neither pair is equal to the last bit); day 5: fast 0.4 > slow 0.275 → buy.
        let commands = try run(&strategy, closes: ["0.1", "0.2", "0.2", "0.1", "0.3", "0.5"])
        #expect(commands.count == 1 && commands.first?.day == 5)
        let values = strategy.indicatorValues(instrument: 0)
        #expect(values.map(\.name) == ["sma(2)", "sma(4)"])
        #expect(values.map(\.value) == [0.4, 0.275])
    }

    @Test("one instance keeps each instrument's averages apart: the first instrument's and the others' signals and values match separate instances'")
    func instrumentsApart() throws {
        let second = try Instrument(id: InstrumentID(symbol: "SECOND", venue: "TEST"), pricePrecision: 2, sizePrecision: 0)
        let third = try Instrument(id: InstrumentID(symbol: "THIRD", venue: "TEST"), pricePrecision: 2, sizePrecision: 0)
        let series = [["1", "2", "3", "0.5", "4", "1", "5"], ["3", "2", "1", "4", "2", "1", "0.5"], ["5", "4", "3", "2", "6", "7", "1"]]
        var shared = try SMACross.make([("fast", "2"), ("slow", "3")])
        var context = StrategyContext(instruments: [instrument, second, third], cash: Money("100000"), strategyName: SMACross.name)
        var together: [[Int]] = [[], [], []]
        let bars = series.map { BarBuilder.dailyCloses(from: "2024-01-01", $0) }
        for day in 0..<7 {
            // Instruments seen out of order (2 before 1) on the first day, as a portfolio's merge may.
            for index in [0, 2, 1] {
                try shared.onBar(BarEvent(instrument: index, bar: bars[index][day]), context: &context)
                if !context.commands.isEmpty { together[index].append(day) }
                var sink: [StrategyCommand] = []
                context.drainCommands(into: &sink)
            }
        }
        for index in 0..<3 {
            var alone = try SMACross.make([("fast", "2"), ("slow", "3")])
            #expect(try run(&alone, closes: series[index]).map(\.day) == together[index])
            #expect(alone.indicatorValues(instrument: 0).map(\.value) == shared.indicatorValues(instrument: index).map(\.value))
        }
        #expect(together.allSatisfy { !$0.isEmpty })
        #expect(shared.indicatorValues(instrument: 3).isEmpty)
    }

    @Test("closes with more decimals later rescale the running sums without changing the signals")
    func mixedPrecision() throws {
        var uniform = try SMACross.make([("fast", "2"), ("slow", "3")])
        var mixed = try SMACross.make([("fast", "2"), ("slow", "3")])
        let expected = try run(&uniform, closes: ["3.000", "2.000", "1.000", "4.000", "1.250", "0.500", "2.125"])
        let actual = try run(&mixed, closes: ["3", "2", "1", "4", "1.25", "0.5", "2.125"])
        #expect(actual.map(\.day) == expected.map(\.day) && expected.map(\.day) == [3, 6])
    }

    @Test("no signal while warming up or without a cross")
    func noSignal() throws {
        var strategy = try SMACross.make([("fast", "2"), ("slow", "3")])
        #expect(try run(&strategy, closes: ["1", "2", "3", "4", "5", "6"]).isEmpty)
    }

    @Test("parameters are validated against their declaration", arguments: [
        ([("fast", "30"), ("slow", "10")], "fast"),
        ([("fast", "0")], "fast"),
        ([("fast", "ten")], "fast"),
        ([("size", "-1")], "size"),
        ([("speed", "1")], "speed"),
    ])
    func invalidParameters(_ given: [(String, String)], _ name: String) {
        #expect {
            _ = try SMACross.make(given.map { (name: $0.0, value: $0.1) })
        } throws: { error in
            guard case StrategyError.invalidParameter(let failing, _) = error else { return false }
            return failing == name
        }
    }

    @Test("the running sums give the sign of fast mean − slow mean exactly, for any Int64 closes and precisions",
          arguments: [(1, 2), (2, 3), (3, 17), (16, 17), (50, 200)])
    func exactSignsAgainstWindowSums(_ fast: Int, _ slow: Int) {
        // Reference: the windows summed afresh in Int128 on every bar. Closes span the whole
        // Int64 range (negative prices included) and some arrive with more decimals, which
        // rescales the ring; the update under test uses wrapping arithmetic.
        var random = SplitMix64(seed: UInt64(fast * 1_000 + slow))
        var state = SMACross.Averages(closes: Array(repeating: 0, count: slow))
        var history: [Int128] = []  // closes at the final scale of 4 decimals, exact
        var previous: Int?
        for bar in 0..<2_000 {
            let precision: UInt8 = bar < 700 ? 2 : 4
            let limit = precision == 2 ? Int64.max / 100 : Int64.max  // the later ×100 rescale must fit
            let magnitude = random.next() % 4 == 0 ? limit : 1_000_000
            let raw = Int64(bitPattern: random.next()) % magnitude
            let pushed = SMACross.push(Price(uncheckedRaw: raw, precision: precision), into: &state, fast: fast, slow: slow)
            history.append(Int128(raw) * (precision == 2 ? 100 : 1))
            guard history.count >= slow else {
                #expect(pushed == nil)
                continue
            }
            let fastSum = history.suffix(fast).reduce(0, +), slowSum = history.suffix(slow).reduce(0, +)
            let difference = fastSum * Int128(slow) - slowSum * Int128(fast)
            let sign = difference > 0 ? 1 : (difference < 0 ? -1 : 0)
            if let previous {
                #expect(pushed?.previous == previous && pushed?.now == sign, "bar \(bar)")
            } else {
                #expect(pushed == nil, "bar \(bar)")
            }
            previous = sign
        }
    }

    @Test("windows are bounded so the sums cannot overflow: slow above 2^20 or fast below 1 is refused")
    func windowBounds() {
        #expect(throws: StrategyError.self) { try SMACrossParameters(fast: 10, slow: SMACrossParameters.maximumSlow + 1, size: Quantity("1")) }
        #expect(throws: StrategyError.self) { try SMACrossParameters(fast: 0, slow: 30, size: Quantity("1")) }
        #expect(throws: Never.self) { try SMACrossParameters(fast: 10, slow: SMACrossParameters.maximumSlow, size: Quantity("1")) }
    }

    @Test("defaults fill parameters not given")
    func defaults() throws {
        let values = try ParameterValues.resolve([], against: SMACrossParameters.specification)
        #expect(values.description == "fast=10 slow=30 size=1")
    }

    @Test("the catalog finds strategies by name and lists the others on a miss")
    func catalog() throws {
        #expect(try StrategyCatalog.strategy(named: "sma-cross").name == "sma-cross")
        #expect(throws: StrategyError.unknownStrategy("nope", available: ["sma-cross"])) {
            try StrategyCatalog.strategy(named: "nope")
        }
    }
}
