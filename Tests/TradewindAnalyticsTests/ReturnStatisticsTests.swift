import Foundation
import Testing
import TradewindAnalytics
import TradewindTesting

/// Every statistic against empyrical-reloaded 0.7.1 and pandas, computed by
/// Tests/Fixtures/empyrical/generate.py (its output is committed).
@Suite("Return-series statistics match empyrical")
struct ReturnStatisticsTests {
    static let directory = Fixtures.repositoryRoot + "/Tests/Fixtures/empyrical/"

    static func expected() throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "expected.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("each statistic agrees to 1e-9 relative error", arguments: ["sp500", "synthetic"])
    func agreement(_ name: String) throws {
        let series = try #require((try Self.expected()["series"] as? [String: Any])?[name] as? [String: Any])
        let reference = try #require(series["stats"] as? [String: Double])
        let text = try String(contentsOfFile: Self.directory + "\(name)-returns.csv", encoding: .utf8)
        let returns = try ReturnSeries(csv: text, fileName: name)
        #expect(returns.returns.count == series["count"] as? Int)
        #expect(returns.periodsPerYear == 252)
        let s = ReturnStatistics(returns: returns.returns, periodsPerYear: 252)
        let ours: [String: Double] = [
            "cumulative_return": s.cumulativeReturn, "annual_return": s.annualReturn, "annual_volatility": s.annualVolatility,
            "sharpe": s.sharpe, "sortino": s.sortino, "calmar": s.calmar, "omega": s.omega, "tail_ratio": s.tailRatio,
            "stability": s.stability, "max_drawdown": s.maxDrawdown, "var_95": s.var95, "cvar_95": s.cvar95, "var_99": s.var99,
            "cvar_99": s.cvar99, "skew": s.skew, "kurtosis": s.kurtosis,
        ]
        #expect(Set(ours.keys) == Set(reference.keys))
        for (key, value) in reference {
            let mine = try #require(ours[key])
            let error = abs(mine - value) / max(abs(value), 1e-12)
            #expect(error <= 1e-9, "\(name) \(key): \(mine) vs empyrical \(value)")
        }
    }

    @Test("drawdowns: the first period's loss counts, recoveries close a drawdown")
    func drawdowns() {
        let summary = DrawdownSummary(returns: [-0.1, 0.05, 0.1, -0.2, 0.1])
        #expect(summary.drawdowns.count == 2)
        #expect(abs(summary.drawdowns[0].depth - -0.1) < 1e-12)
        #expect(summary.drawdowns[0].peak == 0 && summary.drawdowns[0].trough == 1 && summary.drawdowns[0].recovery == 3)
        #expect(summary.drawdowns[1].recovery == nil)
        #expect(abs(summary.maxDrawdown - -0.2) < 1e-12)
    }

    @Test("undefined statistics are nan, never made up")
    func degenerate() {
        let flat = ReturnStatistics(returns: [0.01, 0.01, 0.01], periodsPerYear: 252)
        #expect(flat.calmar.isNaN)          // no drawdown
        #expect(flat.omega.isNaN)           // no losses
        #expect(flat.sharpe.isInfinite)     // zero dispersion, positive mean (empyrical: inf)
        let one = ReturnStatistics(returns: [0.02], periodsPerYear: 252)
        #expect(one.sharpe.isNaN && one.annualVolatility.isNaN && one.skew.isNaN)
    }

    @Test("a bad row names its file and line")
    func badInput() {
        #expect(throws: ReturnSeriesError.invalid(file: "r.csv", line: 3, reason: "return 'abc' must be a finite number above -1")) {
            try ReturnSeries(csv: "timestamp,return\n2024-01-02,0.01\n2024-01-03,abc\n", fileName: "r.csv")
        }
        #expect(throws: ReturnSeriesError.self) { try ReturnSeries(csv: "timestamp,return\n2024-01-03,0.01\n2024-01-02,0.01\n", fileName: "r.csv") }
    }
}
