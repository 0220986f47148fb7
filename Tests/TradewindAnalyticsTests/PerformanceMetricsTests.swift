import Testing
import TradewindAnalytics
import TradewindCore
import TradewindEngine

@Suite("Performance metrics")
struct PerformanceMetricsTests {
    let start = Timestamp(iso8601: "2020-01-01")!
    let year = TimeSpan(nanoseconds: Int64(365.2425 * 86_400) * 1_000_000_000)

    /// Equity points spread evenly over exactly one year.
    func curve(_ values: [String]) -> [EquityPoint] {
        values.enumerated().map { index, value in
            let offset = year.nanoseconds / Int64(values.count) * Int64(index + 1)
            return EquityPoint(time: Timestamp(nanosecondsSinceEpoch: start.nanosecondsSinceEpoch + offset), equity: Money(value))
        }
    }

    func trade(_ pnl: String) -> Trade {
        Trade(instrumentID: InstrumentID(symbol: "X", venue: "SIM"), side: .long, entryTime: start, entryPrice: Price("1"),
              exitTime: start, exitPrice: Price("1"), quantity: Quantity("1"), pnl: Money(pnl), fees: .zero)
    }

    func metrics(_ values: [String], trades: [Trade] = []) -> PerformanceMetrics {
        let points = curve(values)
        return PerformanceMetrics(startingEquity: Money("100"), equityCurve: points, trades: trades, feesPaid: .zero,
                                  start: start, end: Timestamp(nanosecondsSinceEpoch: start.nanosecondsSinceEpoch + year.nanoseconds))
    }

    @Test("returns +10 %, −10 %, +10 % over one year: Sharpe 0.5, volatility 0.2")
    func sharpeByHand() throws {
        // Per-bar returns 0.1, −0.1, 0.1: mean 1/30, sample sd √(0.04/3) = 0.11547; 3 bars per year.
        // Sharpe = (1/30) / 0.11547 × √3 = 0.5; volatility = 0.11547 × √3 = 0.2.
        let m = metrics(["110", "99", "108.9"])
        #expect(abs(try #require(m.sharpeRatio) - 0.5) < 1e-12)
        #expect(abs(try #require(m.annualizedVolatility) - 0.2) < 1e-12)
        #expect(abs(try #require(m.barsPerYear) - 3) < 1e-9)
        #expect(abs(m.totalReturn - 0.089) < 1e-12)
        #expect(abs(try #require(m.annualizedReturn) - 0.089) < 1e-9)  // one year: CAGR = total return
        #expect(m.netProfit == Money("8.9"))
    }

    @Test("max drawdown is the largest fall from a running peak, starting cash included")
    func drawdown() {
        let m = metrics(["110", "88", "120", "108"])
        #expect(abs(m.maxDrawdown - 0.2) < 1e-12)  // 110 → 88
        let fromStart = metrics(["90", "95"])
        #expect(abs(fromStart.maxDrawdown - 0.1) < 1e-12)  // 100 → 90
        #expect(metrics(["101", "102"]).maxDrawdown == 0)
    }

    @Test("win rate and profit factor count closed trades after fees")
    func tradeStatistics() throws {
        let m = metrics(["100"], trades: [trade("30"), trade("-10"), trade("0"), trade("20")])
        #expect(m.winRate == 0.5)  // a zero-PnL trade is not a win
        #expect(m.profitFactor == 5)  // 50 / 10
        #expect(m.averageTradePnL == Money("10"))
        #expect(m.bestTrade == Money("30"))
        #expect(m.worstTrade == Money("-10"))
    }

    @Test("undefined statistics are nil, not made up")
    func undefined() {
        let flat = metrics(["100", "100", "100"])
        #expect(flat.sharpeRatio == nil)
        #expect(flat.winRate == nil)
        #expect(flat.profitFactor == nil)
        let allWins = metrics(["100"], trades: [trade("5")])
        #expect(allWins.profitFactor == nil)
        #expect(allWins.winRate == 1)
    }
}

@Suite("JSON rendering")
struct JSONValueTests {
    @Test("numbers keep their exact text; keys keep their order; strings are escaped")
    func rendering() {
        let value = JSONValue.object([
            ("z", .number(Money("107430.0841").description)),
            ("a", .string("say \"hi\"\n")),
            ("list", .array([.int(1), .null, .bool(true)])),
            ("ratio", .double(0.1)),
            ("nan", .double(.nan)),
        ])
        #expect(value.rendered() == #"{"z":107430.0841,"a":"say \"hi\"\n","list":[1,null,true],"ratio":0.1,"nan":null}"#)
    }

    @Test("pretty printing keeps scalar arrays on one line")
    func pretty() {
        let value = JSONValue.object([("curve", .array([.array([.string("t"), .number("1")])]))])
        #expect(value.rendered(indent: 2) == "{\n  \"curve\": [\n    [\"t\", 1]\n  ]\n}")
    }
}
