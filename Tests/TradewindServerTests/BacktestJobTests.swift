import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TradewindAnalytics
import TradewindCore
import TradewindMarketData
import TradewindResearch
import TradewindServer
import TradewindSimulation
import TradewindStorage
import TradewindTesting

@Suite("API: backtests as background jobs")
struct BacktestJobTests {
    @Test("a submitted backtest runs in the background and gives the same result as the CLI's composition; its report is HTML")
    func submitAndFollow() async throws {
        let harness = try await ServerHarness.make()
        let series = try CSVBarFile.load(path: Fixtures.exampleData("GOOG-1d.csv"), instrumentID: InstrumentID(symbol: "GOOG", venue: "XNAS"))
        _ = try await harness.server.store.register(series.instrument)
        _ = try await harness.server.store.insertCandles(series.bars, instrument: series.instrument.id, timeframe: "1d")
        let trader = try await harness.token("trader")
        let viewer = try await harness.token("viewer")
        let app = harness.server.application(host: "127.0.0.1", port: 0)
        try await app.test(.live) { client in
            let body = """
                {"strategy": "sma-cross", "parameters": {"fast": "10", "slow": "30", "size": "10"}, "instrument": "GOOG.XNAS",
                 "timeframe": "1d", "starting_cash": "100000", "commission": "0.001"}
                """
            #expect(try await client.call(.post, "/api/v1/backtests", token: viewer, body: body).status == 403)
            let submitted = try await client.call(.post, "/api/v1/backtests", token: trader, body: body)
            #expect(submitted.status == 202, "\(submitted.text)")
            let id = try #require(field(submitted.json, "id") as? Int)
            #expect(submitted.headers[.location] == "/api/v1/backtests/\(id)")

            var job: Any?
            let deadline = ContinuousClock.now + .seconds(60)
            repeat {
                try await Task.sleep(for: .milliseconds(100))
                job = try await client.call(.get, "/api/v1/backtests/\(id)", token: viewer).json
            } while !["succeeded", "failed"].contains(field(job, "status") as? String ?? "") && ContinuousClock.now < deadline
            #expect(field(job, "status") as? String == "succeeded", "\(String(describing: job))")

            let expected = try Tradewind.runBacktest(BacktestRequest(
                dataPaths: [], strategyName: "sma-cross", parameters: [("fast", "10"), ("size", "10"), ("slow", "30")],
                startingCash: Money("100000"), execution: ExecutionSettings(fees: FeeModel(rate: Rate("0.001"))), series: [series]))
            #expect(field(job, "final_equity") as? String == expected.result.finalEquity.description)
            #expect(field(job, "trade_count") as? Int == expected.metrics.tradeCount)

            let result = try await client.call(.get, "/api/v1/backtests/\(id)/result", token: viewer)
            #expect(result.status == 200)
            #expect(field(result.json, "strategy") != nil || field(result.json, "metrics") != nil)
            let report = try await client.call(.get, "/api/v1/backtests/\(id)/report", token: viewer)
            #expect(report.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(report.text.contains("<svg"))
        }
    }

    @Test("a backtest that cannot run is refused at once with every problem")
    func refused() async throws {
        let harness = try await ServerHarness.make()
        let trader = try await harness.token("trader")
        try await Application(router: harness.server.router()).test(.router) { client in
            let refused = try await client.call(.post, "/api/v1/backtests", token: trader, body: """
                {"strategy": "no-such", "instrument": "NOPE", "starting_cash": "lots", "from": "yesterday"}
                """)
            #expect(refused.status == 422)
            let fields = (field(refused.json, "error", "details") as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
            #expect(Set(fields) == ["strategy", "instrument", "starting_cash", "from"])
            #expect(try await client.call(.get, "/api/v1/backtests/999/result", token: trader).status == 404)
        }
    }
}
