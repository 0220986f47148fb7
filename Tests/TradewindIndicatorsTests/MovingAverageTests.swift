import Testing
import TradewindIndicators

@Suite("Moving averages")
struct MovingAverageTests {
    @Test("SMA has no value before its period, then the window mean")
    func sma() throws {
        let values = try SimpleMovingAverage(period: 3).batch([1, 2, 3, 4, 10])
        #expect(values == [nil, nil, 2, 3, 17.0 / 3])
    }

    @Test("SMA over a long stream equals a fresh window sum")
    func smaStreaming() throws {
        var sma = try SimpleMovingAverage(period: 7)
        var inputs: [Double] = []
        for i in 0..<500 {
            let x = 100 + Double((i * 37) % 23) / 7
            inputs.append(x)
            try sma.update(x)
        }
        let direct = inputs.suffix(7).reduce(0, +) / 7
        #expect(abs(try #require(sma.value) - direct) < 1e-12)
    }

    @Test("EMA is seeded with the SMA of the first period (TA-Lib convention)")
    func ema() throws {
        let values = try ExponentialMovingAverage(period: 3).batch([2, 4, 6, 8])
        #expect(values[0] == nil)
        #expect(values[1] == nil)
        #expect(values[2] == 4)  // (2 + 4 + 6) / 3
        #expect(values[3] == 6)  // 4 + 0.5 × (8 − 4)
    }

    @Test("non-finite input is refused and leaves the state unchanged", arguments: [Double.nan, .infinity, -.infinity])
    func refusesNonFinite(_ bad: Double) throws {
        var sma = try SimpleMovingAverage(period: 2)
        try sma.update(1)
        try sma.update(3)
        #expect(throws: IndicatorError.self) { try sma.update(bad) }
        #expect(sma.value == 2)
        var ema = try ExponentialMovingAverage(period: 2)
        #expect(throws: IndicatorError.self) { try ema.update(bad) }
    }

    @Test("a period below one is refused")
    func badPeriod() {
        #expect(throws: IndicatorError.self) { try SimpleMovingAverage(period: 0) }
        #expect(throws: IndicatorError.self) { try ExponentialMovingAverage(period: -1) }
    }
}
