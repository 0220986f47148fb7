import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Prometheus
import TradewindConfiguration
import TradewindCore
import TradewindServer
import TradewindStorage

/// A server on a fresh SQLite file, with an admin, a trader and a viewer, bcrypt at its
/// cheapest cost so tests stay fast.
struct ServerHarness {
    let server: TradewindServer
    let directory: String
    let configFile: String
    static let password = "correct-horse-battery"
    static let jwtSecret = "0123456789abcdef0123456789abcdef-test-signing-key"

    static func make(config: String = "", flags: [String: String] = [:]) async throws -> ServerHarness {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tradewind-server-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let configFile = directory + "/tradewind.yaml"
        _ = FileManager.default.createFile(atPath: configFile, contents: Data(("auth:\n  bcrypt_cost: 4\n" + config).utf8))
        var allFlags = ["database.url": "sqlite:\(directory)/tradewind.db"]
        allFlags.merge(flags) { _, new in new }
        let center = try ConfigurationCenter(loader: ConfigurationLoader(
            file: configFile, flags: allFlags,
            environment: ["TRADEWIND_AUTH_ADMIN_PASSWORD": password, "TRADEWIND_AUTH_JWT_SECRET": jwtSecret]))
        let store = try await openStore(center.current.database.url)
        let server = await TradewindServer.make(configuration: center, store: store, registry: PrometheusCollectorRegistry(),
                                                logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        _ = try await server.auth.bootstrapAdmin(now: .init(secondsSinceEpoch: 1_780_000_000))
        _ = try await server.auth.createUser(name: "trader", password: password, role: .trader, now: .init(secondsSinceEpoch: 1_780_000_000))
        _ = try await server.auth.createUser(name: "viewer", password: password, role: .viewer, now: .init(secondsSinceEpoch: 1_780_000_000))
        return ServerHarness(server: server, directory: directory, configFile: configFile)
    }

    func token(_ user: String) async throws -> String {
        try await server.auth.login(user: user, password: Self.password).token
    }
}

extension TestClientProtocol {
    /// Sends a request and returns status, JSON body (if any) and headers.
    @discardableResult
    func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, apiKey: String? = nil, body: String? = nil)
        async throws -> (status: Int, json: Any?, text: String, headers: HTTPFields) {
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let apiKey { headers[HTTPField.Name("X-API-Key")!] = apiKey }
        return try await execute(uri: uri, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let text = String(buffer: response.body)
            return (Int(response.status.code), try? JSONSerialization.jsonObject(with: Data(text.utf8)), text, response.headers)
        }
    }
}

/// `json["a"]["b"]` without casts at every step.
func field(_ json: Any?, _ path: String...) -> Any? {
    var current = json
    for key in path {
        if let index = Int(key), let array = current as? [Any] { current = array.indices.contains(index) ? array[index] : nil; continue }
        current = (current as? [String: Any])?[key]
    }
    return current
}
