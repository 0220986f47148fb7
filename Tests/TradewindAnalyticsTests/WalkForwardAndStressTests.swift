import Testing
import TradewindAnalytics
import TradewindCore
import TradewindEngine
import TradewindMarketData
import TradewindTesting

struct WalkForwardTests {
    @Test("rolling windows slide by the out-of-sample length; anchored ones grow from bar 0; a short tail is dropped")
    func windows() {
        let rolling = WalkForward.windows(barCount: 100, inSample: 40, outOfSample: 20, anchored: false)
        #expect(rolling.map(\.inSample) == [0..<40, 20..<60, 40..<80])
        #expect(rolling.map(\.outOfSample) == [40..<60, 60..<80, 80..<100])
        let anchored = WalkForward.windows(barCount: 109, inSample: 40, outOfSample: 20, anchored: true)
        #expect(anchored.map(\.inSample) == [0..<40, 0..<60, 0..<80])  // the 9-bar tail is under half a window
        let keptTail = WalkForward.windows(barCount: 110, inSample: 40, outOfSample: 20, anchored: true)
        #expect(keptTail.last?.outOfSample == 100..<110)
        #expect(WalkForward.windows(barCount: 40, inSample: 40, outOfSample: 20, anchored: false).isEmpty)
    }

    static func evaluation(_ name: String, score: Double?, annual: Double?, equity: [Double]) -> WalkForward.Evaluation {
        let start = Timestamp(iso8601: "2024-01-01")!
        return WalkForward.Evaluation(parameters: name, score: score, annualReturn: annual,
                                      equity: equity.enumerated().map { EquityPoint(time: start + .days(Int64($0.offset)), equity: Money("\($0.element)")) },
                                      startingEquity: 100, tradeCount: 1)
    }

    @Test("the best candidate: highest score, then annual return, then the first; nil candidates skipped")
    func best() {
        let a = Self.evaluation("a", score: 1, annual: 0.1, equity: [100])
        let b = Self.evaluation("b", score: 2, annual: 0.05, equity: [100])
        let c = Self.evaluation("c", score: 2, annual: 0.2, equity: [100])
        let d = Self.evaluation("d", score: 2, annual: 0.2, equity: [100])
        #expect(WalkForward.best(of: [a, nil, b, c, d]) == 3)
        #expect(WalkForward.best(of: [nil, Self.evaluation("x", score: nil, annual: nil, equity: [])]) == 1)
        #expect(WalkForward.best(of: [nil, nil]) == nil)
    }

    @Test("stitching compounds each window's returns on the last window's end; efficiency averages OOS ÷ IS")
    func summary() {
        let t = Timestamp(iso8601: "2024-01-01")!
        let window = WalkForward.Window(index: 0, inSample: 0..<10, outOfSample: 10..<20)
        func step(_ oos: [Double], isAnnual: Double, oosAnnual: Double, end: Int64) -> WalkForward.Step {
            WalkForward.Step(window: window, start: t, inSampleEnd: t, split: t + .days(end - 365), end: t + .days(end), candidates: 2,
                             best: Self.evaluation("p", score: 1, annual: isAnnual, equity: []),
                             outOfSample: Self.evaluation("p", score: 1, annual: oosAnnual, equity: oos))
        }
        let summary = WalkForward.summarize([step([105, 110], isAnnual: 0.2, oosAnnual: 0.1, end: 365),
                                             step([90, 99], isAnnual: 0.4, oosAnnual: -0.01, end: 730)])
        #expect(zip(summary.stitched.map(\.equity), [105, 110, 99, 108.9]).allSatisfy { abs($0 - $1) < 1e-9 })
        #expect(abs(summary.totalReturn - 0.089) < 1e-12)
        #expect(summary.windowsProfitable == 1)
        #expect(abs(summary.efficiency! - (0.5 + -0.025) / 2) < 1e-12)
    }
}

struct StressScenarioTests {
    static let series = BarBuilder.series([
        BarBuilder.daily("2024-01-02", "100", "102", "99", "101"),
        BarBuilder.daily("2024-01-03", "101", "104", "100", "103"),
        BarBuilder.daily("2024-01-04", "103", "103", "97", "98"),
        BarBuilder.daily("2024-01-05", "98", "100", "96", "99"),
    ])

    @Test("parsing: gaps, volatility, named and dated windows; bad text names the scenario")
    func parsing() throws {
        #expect(try StressScenario(parsing: "gap:-10%") == .gap(-0.1, at: nil))
        #expect(try StressScenario(parsing: "gap:5@2024-01-04") == .gap(0.05, at: Timestamp(iso8601: "2024-01-04")))
        #expect(try StressScenario(parsing: "vol:1.5") == .volatility(1.5))
        #expect(try StressScenario(parsing: "window:gfc").description == "window gfc")
        #expect(try StressScenario(parsing: "window:2024-01-03..2024-01-04")
                == .window(name: nil, from: Timestamp(iso8601: "2024-01-03")!, to: Timestamp(iso8601: "2024-01-05")!))
        for bad in ["gap:-100%", "gap:0", "vol:0", "vol:x", "window:nowhere", "window:2024-02-01..2024-01-01", "crash:5", "gap"] {
            #expect(throws: StressScenarioError.self) { try StressScenario(parsing: bad) }
        }
    }

    @Test("a gap scales every price from its bar on, to the tick; earlier bars are untouched")
    func gap() throws {
        let shocked = try StressScenario(parsing: "gap:-10%@2024-01-04").apply(to: Self.series)
        #expect(shocked.bars[0] == Self.series.bars[0] && shocked.bars[1] == Self.series.bars[1])
        #expect(shocked.bars[2].open == Price("92.70") && shocked.bars[2].low == Price("87.30") && shocked.bars[3].close == Price("89.10"))
        let middle = try StressScenario(parsing: "gap:-50%").apply(to: Self.series)
        #expect(middle.bars[1] == Self.series.bars[1] && middle.bars[2].close == Price("49.00"))
    }

    @Test("volatility ×k scales log moves around the drift, keeps bars well formed, and ×1 changes nothing")
    func volatility() throws {
        #expect(StressScenario.volatility(1).apply(to: Self.series).bars == Self.series.bars)
        let doubled = StressScenario.volatility(2).apply(to: Self.series)
        for bar in doubled.bars {
            #expect(bar.low <= min(bar.open, bar.close) && bar.high >= max(bar.open, bar.close))
        }
        // The first open stays; after the first bar (whose open-to-close move doubles, 100 → 102.01) the
        // close-to-close moves keep their sum, so the last close is 102.01 × 99 / 101 = 99.99 to the tick.
        #expect(doubled.bars[0].open == Price("100.00"))
        #expect(abs(doubled.bars[3].close.doubleValue - 99.99) <= 0.011)
        let original = Self.series.bars, wide = doubled.bars
        #expect(wide[2].high.doubleValue - wide[2].low.doubleValue > original[2].high.doubleValue - original[2].low.doubleValue)
    }
}
