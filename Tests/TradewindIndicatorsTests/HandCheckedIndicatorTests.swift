import Foundation
import Testing
import TradewindCore
import TradewindIndicators

/// Indicators TA-Lib does not define, checked against values worked out by hand.
@Suite("Indicators without a TA-Lib reference")
struct HandCheckedIndicatorTests {
    func bar(_ high: Double, _ low: Double, _ close: Double, volume: Double = 1, at time: String = "2024-01-02T10:00:00Z") -> BarSample {
        BarSample(time: Timestamp(iso8601: time)!, open: close, high: high, low: low, close: close, volume: volume)
    }

    @Test("VWAP weights typical prices by volume and resets at UTC midnight")
    func vwap() throws {
        var vwap = VolumeWeightedAveragePrice()
        #expect(vwap.value == nil)
        try vwap.update(bar(12, 9, 9, volume: 100, at: "2024-01-02T10:00:00Z"))  // TP 10
        try vwap.update(bar(22, 19, 19, volume: 300, at: "2024-01-02T11:00:00Z"))  // TP 20
        #expect(vwap.value == 17.5)  // (10·100 + 20·300) / 400
        // A bar closing exactly at midnight still belongs to the day it ends.
        try vwap.update(bar(32, 29, 29, volume: 100, at: "2024-01-03T00:00:00Z"))
        #expect(vwap.value == 20)  // (1000 + 6000 + 3000) / 500
        try vwap.update(bar(6, 3, 3, volume: 10, at: "2024-01-03T00:01:00Z"))  // new session
        #expect(vwap.value == 4)
    }

    @Test("Donchian channels track the highest high and lowest low of the window")
    func donchian() throws {
        var donchian = try DonchianChannels(period: 3)
        try donchian.update(bar(10, 5, 7))
        try donchian.update(bar(12, 6, 8))
        #expect(donchian.value == nil)
        try donchian.update(bar(11, 7, 9))
        #expect(donchian.value == .init(upper: 12, middle: 8.5, lower: 5))
        try donchian.update(bar(9, 8, 8.5))  // the 10/5 bar leaves the window
        #expect(donchian.value == .init(upper: 12, middle: 9, lower: 6))
    }

    @Test("Keltner channels are EMA ± multiplier × ATR")
    func keltner() throws {
        var keltner = try KeltnerChannels(period: 2, multiplier: 2, atrPeriod: 2)
        try keltner.update(bar(11, 9, 10))
        try keltner.update(bar(12, 10, 11))  // EMA(2) = 10.5; TR = 2
        #expect(keltner.value == nil)  // ATR(2) needs two true ranges
        try keltner.update(bar(13, 11, 12))  // EMA = 10.5 + (12 − 10.5)·2/3 = 11.5; ATR = (2 + 2) / 2 = 2
        #expect(keltner.value == .init(upper: 15.5, middle: 11.5, lower: 7.5))
    }

    @Test("SuperTrend starts up, ratchets its band and flips when the close crosses it")
    func superTrend() throws {
        var trend = try SuperTrend(period: 1, multiplier: 1)
        try trend.update(bar(10, 8, 9))
        #expect(trend.value == nil)  // ATR(1) needs a previous close
        try trend.update(bar(12, 10, 11))  // TR 3, hl2 11: lower 8, upper 14; up
        #expect(trend.value == .init(line: 8, direction: 1))
        try trend.update(bar(13, 11, 12))  // TR 2, hl2 12: lower max(10, 8) = 10 (close 11 > 8)
        #expect(trend.value == .init(line: 10, direction: 1))
        try trend.update(bar(10, 6, 7))  // TR 6, hl2 8: close 7 < previous lower 10 → down; upper min(14, 14) = 14
        #expect(trend.value == .init(line: 14, direction: -1))
    }

    @Test("Ichimoku lines are midpoints of their windows, reported without displacement")
    func ichimoku() throws {
        var cloud = try Ichimoku(conversion: 2, base: 3, leading: 4)
        let bars = [bar(10, 6, 8), bar(12, 8, 10), bar(14, 10, 12), bar(16, 12, 14)]
        for b in bars.prefix(3) { try cloud.update(b) }
        #expect(cloud.value == nil)
        try cloud.update(bars[3])
        // conversion (16+10)/2 = 13, base (16+8)/2 = 12, A = 12.5, B (16+6)/2 = 11, lagging = close 14
        #expect(cloud.value == .init(conversion: 13, base: 12, leadingA: 12.5, leadingB: 11, lagging: 14))
    }

    @Test("StochRSI conventions differ only by the smoothing of %K")
    func stochRSIConventions() throws {
        let closes: [Double] = (0..<80).map { (i: Int) -> Double in 100.0 + 10.0 * sin(Double(i) / 5.0) + Double(i % 7) }
        let ta = try StochasticRSI(rsiPeriod: 5, stochastic: 5, dSmoothing: 3, convention: .taLib)
        let tv = try StochasticRSI(rsiPeriod: 5, stochastic: 5, kSmoothing: 3, dSmoothing: 3, convention: .tradingView)
        var taRun = ta, tvRun = tv
        var rawK: [Double] = []
        for close in closes {
            try taRun.update(close)
            try tvRun.update(close)
            if let k = taRun.lines?.k { rawK.append(k) }
            if let lines = tvRun.lines {
                // TradingView %K is the 3-bar mean of TA-Lib's raw %K.
                let mean = rawK.suffix(3).reduce(0, +) / 3
                #expect(abs(lines.k - mean) < 1e-9)
            }
        }
        #expect(tvRun.lines != nil)
    }

    @Test("bar indicators refuse non-finite input and keep their state")
    func refusesNaN() throws {
        var atr = try AverageTrueRange(period: 2)
        try atr.update(bar(11, 9, 10))
        #expect(throws: IndicatorError.nonFiniteInput(indicator: "ATR", value: .infinity)) {
            try atr.update(bar(.infinity, 9, 10))
        }
        try atr.update(bar(12, 10, 11))
        try atr.update(bar(13, 11, 12))
        #expect(atr.value == 2)
    }

    @Test("an indicator table refuses a block with a non-finite field before any indicator sees it")
    func tableRefusesBlock() throws {
        let specs = try ["sma:2", "atr:2"].map { try IndicatorSpec(parsing: $0) }
        let good = [bar(11, 9, 10), bar(12, 10, 11), bar(13, 11, 12)]
        var clean = try IndicatorTable(specs: specs)
        let expected = try clean.compute(good)

        var table = try IndicatorTable(specs: specs)
        _ = try table.compute([good[0]])
        let error = #expect(throws: IndicatorError.self) { _ = try table.compute([good[1], bar(12, 10, 11, volume: .nan)]) }
        #expect(error?.description == "atr:2 (bar 2 of this call, volume): refused non-finite input nan")
        // Nothing of the refused block was consumed: continuing gives the clean series.
        let rest = try table.compute(Array(good[1...]))
        #expect(rest.elementsEqual(expected.dropFirst(table.width)) { $0 == $1 || ($0.isNaN && $1.isNaN) })

        // A table of close-only indicators ignores fields it does not read.
        var closes = try IndicatorTable(specs: [IndicatorSpec(parsing: "sma:2")])
        #expect(try closes.compute([bar(11, 9, 10, volume: .nan), bar(12, 10, 11)]).last == 10.5)
    }

    @Test("specs parse with defaults and name their columns")
    func specs() throws {
        #expect(try IndicatorSpec(parsing: "macd").columnNames == ["macd_12_26_9", "macd_12_26_9_signal", "macd_12_26_9_hist"])
        #expect(try IndicatorSpec(parsing: "bbands:20,2").columnNames == ["bbands_20_2_upper", "bbands_20_2_middle", "bbands_20_2_lower"])
        #expect(try IndicatorSpec(parsing: "adx:14").columnNames == ["adx_14", "adx_14_plus_di", "adx_14_minus_di"])
        #expect(try IndicatorSpec(parsing: "psar").columnNames == ["psar_0.02_0.2"])
        #expect(try IndicatorSpec(parsing: "obv").columnNames == ["obv"])
        #expect(try IndicatorSpec(parsing: "stoch:14,3,3").columnNames == ["stoch_14_3_3_k", "stoch_14_3_3_d"])
        #expect(throws: IndicatorError.self) { try IndicatorSpec(parsing: "nope:1") }
        #expect(throws: IndicatorError.self) { try IndicatorSpec(parsing: "sma:x") }
        #expect(throws: IndicatorError.self) { try IndicatorSpec(parsing: "sma:1,2") }
        #expect(throws: IndicatorError.self) { try IndicatorSpec(parsing: "sma:0").make() }
        #expect(throws: IndicatorError.self) { try IndicatorSpec(parsing: "sma:2.5").make() }
    }

    @Test("every catalog entry builds with its defaults and produces values on a trending series")
    func everyEntryWorks() throws {
        for entry in IndicatorCatalog.entries {
            let spec = try IndicatorSpec(parsing: entry.name)
            var indicator = try spec.make()
            var row = [Double](repeating: 0, count: spec.columnNames.count)
            for i in 0..<200 {
                let c = 100 + Double(i) + (i % 2 == 0 ? 1 : -1)
                try indicator.feed(BarSample(time: Timestamp(secondsSinceEpoch: Int64(i) * 60), open: c, high: c + 2, low: c - 2, close: c, volume: 10))
            }
            indicator.write(into: &row, at: 0)
            #expect(row.allSatisfy { !$0.isNaN }, "\(entry.name) not ready after 200 bars: \(row)")
        }
    }
}
