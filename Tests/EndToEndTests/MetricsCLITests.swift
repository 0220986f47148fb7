import Foundation
import Testing

@Suite("tradewind metrics, end to end")
struct MetricsCLITests {
    @Test("--json prints one object with the documented snake_case keys")
    func json() throws {
        let output = try CLIRunner.run(["metrics", "--returns", "Tests/Fixtures/empyrical/sp500-returns.csv", "--json"])
        #expect(output.status == 0, "\(output.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        for key in ["cumulative_return", "annual_return", "annual_volatility", "sharpe", "sortino", "calmar", "omega", "tail_ratio",
                    "stability", "max_drawdown", "var_95", "cvar_95", "var_99", "cvar_99", "skew", "kurtosis", "periods_per_year"] {
            #expect(object[key] is Double, "missing \(key)")
        }
        #expect(abs((object["sharpe"] as? Double ?? 0) - 0.2827392290446074) < 1e-9)
        let weekly = try CLIRunner.run(["metrics", "--returns", "Tests/Fixtures/empyrical/sp500-returns.csv", "--periods-per-year", "52", "--json"])
        #expect(weekly.stdout.contains("\"periods_per_year\": 52"))
    }

    @Test("a malformed file is refused with its line")
    func bad() throws {
        let file = try CLIRunner.temporaryFile(named: "r.csv", "timestamp,return\n2024-01-02,0.01\n2024-01-03,-2\n")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let output = try CLIRunner.run(["metrics", "--returns", file.path])
        #expect(output.status == 65)
        #expect(output.stderr.contains("r.csv:3: return '-2' must be a finite number above -1"))
    }
}
