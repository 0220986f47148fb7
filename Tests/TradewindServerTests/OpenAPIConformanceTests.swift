import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TradewindCore
import TradewindMarketData
import TradewindServer
import TradewindStorage
import TradewindTesting

/// The OpenAPI document is true: schemathesis (PyPI; `.ci/run` installs it) generates requests
/// for every operation from the document and checks every response against it. The server is
/// seeded so the examples in the document (bot `paper-goog`, backtest 1) exist.
@Suite("OpenAPI document against the live server")
struct OpenAPIConformanceTests {
    static var schemathesis: String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") + ["/root/.pyenv/shims", "/usr/local/bin"] {
            let path = "\(directory)/st"
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    @Test("every response of every operation matches the document (schemathesis)")
    func conformance() async throws {
        guard let st = Self.schemathesis else {
            if ProcessInfo.processInfo.environment["TRADEWIND_REQUIRE_SCHEMATHESIS"] != nil { Issue.record("schemathesis (st) is not installed") }
            return
        }
        let harness = try await ServerHarness.make(config: "  rate_limit:\n    requests_per_second: 1000000\n    burst: 1000000\n")
        let series = try CSVBarFile.load(path: Fixtures.exampleData("GOOG-1d.csv"), instrumentID: InstrumentID(symbol: "GOOG", venue: "XNAS"))
        _ = try await harness.server.store.register(series.instrument)
        _ = try await harness.server.store.insertCandles(series.bars, instrument: series.instrument.id, timeframe: "1d")
        let admin = try await harness.token("admin")
        let app = harness.server.application(host: "127.0.0.1", port: 0)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            #expect(try await client.call(.post, "/api/v1/bots", token: admin, body: paperBotFile(name: "paper-goog")).status == 201)
            #expect(try await client.call(.post, "/api/v1/backtests", token: admin, body: """
                {"strategy": "sma-cross", "parameters": {"fast": "10", "slow": "30"}, "instrument": "GOOG.XNAS"}
                """).status == 202)
            let document = try await client.call(.get, "/api/v1/openapi.json")
            #expect(field(document.json, "openapi") as? String == "3.1.0")

            let process = Process()
            process.executableURL = URL(fileURLWithPath: st)
            process.arguments = ["run", "http://127.0.0.1:\(port)/api/v1/openapi.json", "-H", "Authorization: Bearer \(admin)",
                                 "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance",
                                 "--max-examples", "15", "--seed", "1", "--no-color"]
            // schemathesis keeps a cache in its working directory: not in the repository.
            process.currentDirectoryURL = URL(fileURLWithPath: harness.directory)
            let log = URL(fileURLWithPath: harness.directory).appendingPathComponent("schemathesis.log")
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
            let output = try FileHandle(forWritingTo: log)
            process.standardOutput = output
            process.standardError = output
            try await process.runToExit()
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            #expect(process.terminationStatus == 0, "schemathesis found mismatches:\n\(text.suffix(6_000))")
            #expect(text.contains("passed"))
        }
    }
}
