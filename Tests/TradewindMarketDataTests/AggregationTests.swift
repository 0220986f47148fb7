import Testing
import TradewindCore
import TradewindMarketData
import TradewindTesting

@Suite("Bar aggregation")
struct AggregationTests {
    /// One-minute bars from 2024-01-02T00:00Z with the given closes (open = previous close).
    func minutes(_ closes: [String], volume: String = "10") -> [Bar] {
        var bars: [Bar] = []
        var open = closes[0]
        var time = Timestamp(iso8601: "2024-01-02T00:00:00Z")!
        for close in closes {
            let (o, c) = (Price(open).rescaled(to: 2)!, Price(close).rescaled(to: 2)!)
            bars.append(Bar(openTime: time, closeTime: time + .minutes(1), open: o, high: max(o, c), low: min(o, c), close: c,
                            volume: Quantity(volume)))
            time = time + .minutes(1)
            open = close
        }
        return bars
    }

    func tick(_ second: Int64, _ price: String, _ size: String = "1") -> Tick {
        Tick(time: Timestamp(secondsSinceEpoch: 1_704_153_600 + second), price: Price(price).rescaled(to: 2)!, size: Quantity(size))
    }

    @Test("1m → 5m time bars: OHLCV merged, aligned to the clock, emitted only when complete")
    func timeBars() throws {
        let input = minutes(["10", "11", "9", "12", "10", "10.5", "11.5"])  // 00:00 … 00:06
        let bars = try TimeBarAggregator(interval: .minutes(5)).aggregate(input)
        #expect(bars.count == 1)  // 00:05–00:10 is unfinished: not emitted
        let bar = bars[0]
        #expect(bar.openTime.iso8601 == "2024-01-02T00:00:00Z")
        #expect(bar.closeTime.iso8601 == "2024-01-02T00:05:00Z")
        #expect((bar.open, bar.high, bar.low, bar.close) == (Price("10"), Price("12"), Price("9"), Price("10")))
        #expect(bar.volume == Quantity("50"))
        let hourly = try TimeBarAggregator(interval: .hours(1)).aggregate(minutes(Array(repeating: "10", count: 60)))
        #expect(hourly.count == 1)  // the 60th minute closes at 01:00 exactly: complete
        #expect(hourly[0].volume == Quantity("600"))
    }

    @Test("1m → 1d time bars from a day and a half")
    func dailyBars() throws {
        let input = minutes((0..<(36 * 60)).map { String(100 + $0 % 7) })
        let days = try TimeBarAggregator(interval: .days(1)).aggregate(input)
        #expect(days.count == 1)
        #expect(days[0].closeTime.iso8601 == "2024-01-03T00:00:00Z")
        #expect(days[0].high == Price("106"))
        #expect(days[0].volume == Quantity("14400"))
    }

    @Test("tick bars close every n inputs")
    func tickBars() throws {
        let ticks = ["10", "11", "9", "12", "13", "8", "7"].enumerated().map { tick(Int64($0.offset), $0.element) }
        let bars = try TickBarAggregator(count: 3).aggregate(ticks)
        #expect(bars.map(\.close) == [Price("9"), Price("8")])  // the 7th tick starts an unfinished bar
        #expect(bars.map(\.high) == [Price("11"), Price("13")])
        #expect(bars[0].volume == Quantity("3"))
    }

    @Test("volume bars close at the first input reaching the threshold, without splitting it")
    func volumeBars() throws {
        let ticks = [tick(0, "10", "4"), tick(1, "11", "5"), tick(2, "12", "3"), tick(3, "13", "20"), tick(4, "14", "1")]
        let bars = try ThresholdBarAggregator(.volume(Quantity("10"))).aggregate(ticks)
        #expect(bars.map(\.volume) == [Quantity("12"), Quantity("20")])
        #expect(bars.map(\.close) == [Price("12"), Price("13")])
    }

    @Test("value bars close when Σ price × size reaches the threshold")
    func valueBars() throws {
        // 10×4 = 40, +11×5 = 95, +12×1 = 107 ≥ 100 → bar; then 13×10 = 130 → bar.
        let ticks = [tick(0, "10", "4"), tick(1, "11", "5"), tick(2, "12", "1"), tick(3, "13", "10")]
        let bars = try ThresholdBarAggregator(.value(Money("100"))).aggregate(ticks)
        #expect(bars.count == 2)
        #expect(bars[0].volume == Quantity("10"))
        #expect(bars[1].open == Price("13"))
    }

    @Test("range bars never exceed their size and open a new bar at the breaking price")
    func rangeBars() throws {
        let ticks = ["100", "100.5", "99.8", "100.9", "101.2", "101.0", "102.5", "102.0"].enumerated().map { tick(Int64($0.offset), $0.element) }
        let bars = try RangeBarAggregator(size: Price("1")).aggregate(ticks)
        // [100, 100.5, 99.8] then 100.9 would make 1.1 → close at 99.8; [100.9, 101.2, 101.0]; 102.5 breaks.
        #expect(bars.count == 2)
        #expect((bars[0].open, bars[0].high, bars[0].low, bars[0].close) == (Price("100"), Price("100.5"), Price("99.8"), Price("99.8")))
        #expect((bars[1].open, bars[1].high, bars[1].low, bars[1].close) == (Price("100.9"), Price("101.2"), Price("100.9"), Price("101")))
        for bar in bars { #expect(bar.high - bar.low <= Price("1")) }
    }

    @Test("Renko: one brick per box, several from one move, reversal after two boxes")
    func renko() throws {
        let prices = ["100", "101.5", "103.2", "102.1", "101.0", "99.9", "97.5"]
        let bricks = try RenkoAggregator(box: Price("1")).aggregate(prices.enumerated().map { tick(Int64($0.offset), $0.element) })
        // Up: 100→101 (at 101.5), 101→102, 102→103 (both at 103.2). 102.1 and 101.0 are inside the
        // two-box reversal zone (needs ≤ 101). 101.0 reaches it: down brick 102→101. 99.9: 101→100.
        // 97.5: 100→99, 99→98.
        let shape = bricks.map { "\($0.open)→\($0.close)" }
        #expect(shape == ["100.00→101.00", "101.00→102.00", "102.00→103.00", "102.00→101.00", "101.00→100.00",
                          "100.00→99.00", "99.00→98.00"])
        #expect(bricks.allSatisfy { $0.high == max($0.open, $0.close) && $0.low == min($0.open, $0.close) })
        // Volume traded since the last brick goes on the first brick of a move: 103.2's tick on brick 1, none on brick 2.
        #expect(bricks[1].volume == Quantity("1"))
        #expect(bricks[2].volume == .zero(precision: 0))
        #expect(bricks[1].closeTime == bricks[2].closeTime)
    }

    @Test("Renko from bars walks open → nearer extreme → farther extreme → close")
    func renkoFromBars() throws {
        // A bar 100 → high 103, low 99.5, close 102: the high is nearer the open? 3 vs 0.5: low first.
        let bar = Bar(openTime: Timestamp(secondsSinceEpoch: 0), closeTime: Timestamp(secondsSinceEpoch: 60), open: Price("100.00"),
                      high: Price("103.00"), low: Price("99.50"), close: Price("102.00"), volume: Quantity("5"))
        let bricks = try RenkoAggregator(box: Price("1")).aggregate([bar])
        #expect(bricks.map(\.close) == [Price("101"), Price("102"), Price("103")])
    }

    @Test("Heikin-Ashi: exact close, recursive open rounded half-even at two extra decimals")
    func heikinAshi() throws {
        let bars = [
            BarBuilder.daily("2024-01-01", "10", "11", "9", "10.5"),
            BarBuilder.daily("2024-01-02", "10.5", "12", "10", "11.75"),
        ]
        let ha = try HeikinAshiAggregator().aggregate(bars)
        #expect(ha[0].close == Price("10.125"))  // (10 + 11 + 9 + 10.5) / 4
        #expect(ha[0].open == Price("10.25"))  // (10 + 10.5) / 2
        #expect(ha[0].high == Price("11"))
        #expect(ha[0].low == Price("9"))
        #expect(ha[1].open == Price("10.1875").rescaled(to: 4)!.rescaled(to: 4)!)  // (10.25 + 10.125) / 2 = 10.1875
        #expect(ha[1].close == Price("11.0625"))  // (10.5 + 12 + 10 + 11.75) / 4
        #expect(ha[1].pricePrecision == 4)
    }

    @Test("specs parse with clear errors", arguments: [
        ("time:1h", "time:1h"), ("tick:500", "tick:500"), ("volume:10000", "volume:10000"), ("value:1e6", "value:1000000"),
        ("range:1.0", "range:1.0"), ("renko:2.5", "renko:2.5"), ("heikin-ashi", "heikin-ashi"),
    ])
    func specs(_ text: String, _ normalised: String) throws {
        #expect(try AggregationSpec(parsing: text).description == normalised)
    }

    @Test("bad specs are refused", arguments: ["time:1x", "tick:0", "volume:-5", "renko", "range:abc", "candles:5", "heikin-ashi:2"])
    func badSpecs(_ text: String) {
        #expect(throws: AggregationError.self) { try AggregationSpec(parsing: text) }
    }
}
