import Testing
import TradewindCore
import TradewindMarketData
import TradewindSimulation
import TradewindStrategy
import TradewindTesting

/// `BiasCheck` must pass an honest strategy and catch the two bug classes it exists for.
struct BiasCheckTests {
    static let goog = try! CSVBarFile.load(path: Fixtures.exampleData("GOOG-1d.csv"))
    static let configuration = BacktestConfiguration(startingCash: Money("100000"), fees: FeeModel(rate: Rate("0.001")))

    @Test("the SMA crossover has no look-ahead, and its averages need exactly their periods of history")
    func honest() throws {
        let report = try BiasCheck.run(series: [Self.goog], configuration: Self.configuration) { _ in
            try SMACross(parameters: SMACrossParameters(fast: 10, slow: 30, size: Quantity("10")))
        }
        #expect(report.lookAhead.isEmpty, "\(report.lookAhead)")
        #expect(report.cuts.count == 10 && report.starts.count == 3)
        #expect(report.compared > 10 * 2 * Self.goog.bars.count / 2)
        #expect(report.indicators == ["sma(10)", "sma(30)"])
        let needs = Dictionary(uniqueKeysWithValues: report.recursion.map { ($0.indicator, $0.barsToAgree) })
        #expect(needs == ["sma(10)": 10, "sma(30)": 30])
    }

    @Test("a signal prepared from the whole data set is caught at the first cut, with what changed")
    func lookAhead() throws {
        let report = try BiasCheck.run(series: [Self.goog], configuration: Self.configuration) { data in
            BiasedStrategies.PeeksAtNextClose(preparingFrom: data[0])
        }
        #expect(report.lookAhead.count == report.cuts.count)
        let first = try #require(report.lookAhead.first)
        // The last bar before the cut loses its "next close": the value is gone, or a trade is.
        #expect(first.time <= first.cut)
        #expect(first.full != first.truncated)
        #expect(first.description.contains("with all the data but"))
    }

    @Test("an indicator that depends on where the data starts is reported as never agreeing")
    func recursion() throws {
        let report = try BiasCheck.run(series: [Self.goog], configuration: Self.configuration) { _ in
            BiasedStrategies.RunningMeanSinceStart()
        }
        #expect(report.lookAhead.isEmpty)
        let finding = try #require(report.recursion.first)
        #expect(finding.indicator == "mean since start" && finding.barsToAgree == nil)
        #expect(finding.description.contains("never agrees"))
    }

    @Test("a higher time frame bar reaches the strategy only once it has closed, so cutting mid-hour changes nothing")
    func higherTimeframe() throws {
        struct HourlyCloses: Strategy {
            typealias Parameters = BiasedStrategies.NoParameters
            static let name = "hourly-closes"
            static let summary = "records hourly closes"
            var lastHourly: Double?
            init(parameters: Parameters) {}
            var timeframes: [TimeSpan] { [.hours(1)] }
            mutating func onBar(_ event: BarEvent, context: inout StrategyContext) throws {
                if event.timeframe == .hours(1) { lastHourly = event.bar.close.doubleValue }
            }
            func indicatorValues(instrument: Int) -> [(name: String, value: Double)] { lastHourly.map { [("hourly close", $0)] } ?? [] }
        }
        var bars: [Bar] = []
        var price = 100.0
        let start = Timestamp(iso8601: "2024-01-02T00:00:00Z")!
        for minute in 0..<(6 * 60 + 17) {  // ends mid-hour, and every cut lands mid-hour too
            price += Double((minute * 7919) % 13) - 6
            let open = start + .minutes(Int64(minute))
            let p = Price(String(format2(price)))
            bars.append(Bar(openTime: open, closeTime: open + .minutes(1), open: p, high: p, low: p, close: p, volume: Quantity("1")))
        }
        let series = BarSeries(instrument: BarBuilder.series(bars).instrument, bars: bars, interval: .fixed(.minutes(1)))
        let report = try BiasCheck.run(series: [series], configuration: Self.configuration, cuts: 7) { _ in HourlyCloses(parameters: .init()) }
        #expect(report.lookAhead.isEmpty, "\(report.lookAhead)")
        #expect(report.indicators == ["hourly close"])
    }
}

private func format2(_ value: Double) -> String {
    let cents = Int((value * 100).rounded())
    return "\(cents / 100).\(String(repeating: "0", count: cents % 100 < 10 ? 1 : 0))\(cents % 100)"
}
