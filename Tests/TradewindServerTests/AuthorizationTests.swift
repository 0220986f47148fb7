import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTKit
import Testing
import TradewindServer

@Suite("API: errors, authentication, roles, rate limits, audit")
struct AuthorizationTests {
    @Test("every error has the one envelope with the right status")
    func envelope() async throws {
        let harness = try await ServerHarness.make()
        let admin = try await harness.token("admin")
        try await Application(router: harness.server.router()).test(.router) { client in
            let missing = try await client.call(.get, "/api/v1/nothing-here", token: admin)
            #expect(missing.status == 404)
            #expect(field(missing.json, "error", "code") as? String == "not_found")
            let malformed = try await client.call(.post, "/api/v1/users", token: admin, body: "{not json")
            #expect(malformed.status == 400)
            #expect(field(malformed.json, "error", "code") as? String == "malformed_json")
            let incomplete = try await client.call(.post, "/api/v1/users", token: admin, body: "{\"name\":\"x\"}")
            #expect(incomplete.status == 422)
            #expect((field(incomplete.json, "error", "message") as? String)?.contains("password") == true)
            let shortPassword = try await client.call(.post, "/api/v1/users", token: admin, body: "{\"name\":\"x\",\"password\":\"1\",\"role\":\"viewer\"}")
            #expect(shortPassword.status == 422)
            let badRole = try await client.call(.post, "/api/v1/users", token: admin, body: "{\"name\":\"x\",\"password\":\"12345678\",\"role\":\"root\"}")
            #expect(badRole.status == 422)
            let taken = try await client.call(.post, "/api/v1/users", token: admin, body: "{\"name\":\"trader\",\"password\":\"12345678\",\"role\":\"viewer\"}")
            #expect(taken.status == 409)
            #expect(field(taken.json, "error", "code") as? String == "conflict")
            #expect(missing.headers[HTTPField.Name("X-Request-ID")!] != nil)
        }
    }

    @Test("missing, tampered, expired and wrongly signed tokens get 401")
    func badTokens() async throws {
        let harness = try await ServerHarness.make()
        let good = try await harness.token("viewer")
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: ServerHarness.jwtSecret), digestAlgorithm: .sha256)
        let expired = try await keys.sign(TestPayload(sub: .init(value: "admin"), role: "admin", exp: .init(value: Date(timeIntervalSinceNow: -60)),
                                                      iat: .init(value: Date(timeIntervalSinceNow: -120))))
        let otherKeys = JWTKeyCollection()
        await otherKeys.add(hmac: HMACKey(from: "another-secret-another-secret-another-secret"), digestAlgorithm: .sha256)
        let forged = try await otherKeys.sign(TestPayload(sub: .init(value: "admin"), role: "admin", exp: .init(value: Date(timeIntervalSinceNow: 600)),
                                                          iat: .init(value: Date())))
        // Tampering: the payload says admin, the signature is the viewer's.
        let parts = good.split(separator: ".")
        let adminClaims = Data("{\"sub\":\"admin\",\"role\":\"admin\",\"exp\":9999999999,\"iat\":0}".utf8).base64EncodedString()
            .replacingOccurrences(of: "=", with: "").replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        let tampered = "\(parts[0]).\(adminClaims).\(parts[2])"
        try await Application(router: harness.server.router()).test(.router) { client in
            #expect(try await client.call(.get, "/api/v1/bots").status == 401)
            #expect(try await client.call(.get, "/api/v1/bots", token: good).status == 200)
            let old = try await client.call(.get, "/api/v1/bots", token: expired)
            #expect(old.status == 401)
            #expect((field(old.json, "error", "message") as? String)?.contains("expired") == true)
            #expect(try await client.call(.get, "/api/v1/bots", token: forged).status == 401)
            #expect(try await client.call(.get, "/api/v1/audit", token: tampered).status == 401)
            #expect(try await client.call(.get, "/api/v1/bots", token: "garbage").status == 401)
            #expect(try await client.call(.post, "/api/v1/auth/login", body: "{\"username\":\"admin\",\"password\":\"wrong-password\"}").status == 401)
            #expect(try await client.call(.post, "/api/v1/auth/login", body: "{\"username\":\"nobody\",\"password\":\"wrong-password\"}").status == 401)
        }
    }

    struct Probe: Sendable {
        var method: HTTPRequest.Method
        var path: String
        var body: String?
        /// Lowest role allowed.
        var role: String
    }

    static let probes: [Probe] = [
        Probe(method: .get, path: "/api/v1/auth/me", role: "viewer"),
        Probe(method: .get, path: "/api/v1/bots", role: "viewer"),
        Probe(method: .get, path: "/api/v1/studies", role: "viewer"),
        Probe(method: .get, path: "/api/v1/data/instruments", role: "viewer"),
        Probe(method: .get, path: "/api/v1/auth/keys", role: "viewer"),
        Probe(method: .post, path: "/api/v1/bots", body: "name: x", role: "trader"),
        Probe(method: .post, path: "/api/v1/bots/none/start", role: "trader"),
        Probe(method: .get, path: "/api/v1/alerts", role: "viewer"),
        Probe(method: .post, path: "/api/v1/alerts/9999/ack", role: "trader"),
        Probe(method: .post, path: "/api/v1/alerts/9999/resolve", role: "trader"),
        Probe(method: .get, path: "/api/v1/notifications", role: "admin"),
        Probe(method: .get, path: "/api/v1/users", role: "admin"),
        Probe(method: .post, path: "/api/v1/users", body: "{\"name\":\"n\",\"password\":\"12345678\",\"role\":\"viewer\"}", role: "admin"),
        Probe(method: .get, path: "/api/v1/audit", role: "admin"),
        Probe(method: .get, path: "/api/v1/config", role: "admin"),
        Probe(method: .get, path: "/api/v1/config/versions", role: "admin"),
        Probe(method: .post, path: "/api/v1/config/reload", role: "admin"),
    ]

    @Test("each role can do exactly what it should: allowed routes pass the role check, the others get 403", arguments: ["viewer", "trader", "admin"])
    func roles(_ role: String) async throws {
        let harness = try await ServerHarness.make()
        let token = try await harness.token(role)
        let rank = ["viewer": 0, "trader": 1, "admin": 2]
        try await Application(router: harness.server.router()).test(.router) { client in
            for probe in Self.probes {
                let result = try await client.call(probe.method, probe.path, token: token, body: probe.body)
                if rank[role]! >= rank[probe.role]! {
                    #expect(result.status != 403 && result.status != 401, "\(role) \(probe.method) \(probe.path): \(result.text)")
                } else {
                    #expect(result.status == 403, "\(role) \(probe.method) \(probe.path) should be refused: \(result.status)")
                    #expect(field(result.json, "error", "code") as? String == "forbidden")
                }
            }
        }
    }

    @Test("an API key works as a header or a bearer token, is shown once, and stops working when revoked")
    func apiKeys() async throws {
        let harness = try await ServerHarness.make()
        let trader = try await harness.token("trader")
        try await Application(router: harness.server.router()).test(.router) { client in
            let created = try await client.call(.post, "/api/v1/auth/keys", token: trader, body: "{\"name\":\"ci\"}")
            #expect(created.status == 201)
            let key = try #require(field(created.json, "key") as? String)
            let id = try #require(field(created.json, "id") as? Int)
            let me = try await client.call(.get, "/api/v1/auth/me", apiKey: key)
            #expect(field(me.json, "user") as? String == "trader")
            #expect(field(me.json, "role") as? String == "trader")
            #expect(try await client.call(.get, "/api/v1/auth/me", token: key).status == 200)
            let listed = try await client.call(.get, "/api/v1/auth/keys", token: trader)
            #expect(field(listed.json, "items", "0", "key") == nil)
            #expect(try await client.call(.get, "/api/v1/auth/me", apiKey: key + "x").status == 401)
            #expect(try await client.call(.delete, "/api/v1/auth/keys/\(id)", token: trader).status == 204)
            #expect(try await client.call(.get, "/api/v1/auth/me", apiKey: key).status == 401)
        }
    }

    @Test("a caller over the rate limit gets 429 with Retry-After; others are not affected")
    func rateLimit() async throws {
        let harness = try await ServerHarness.make(config: "  rate_limit:\n    requests_per_second: 0.5\n    burst: 3\n")
        let viewer = try await harness.token("viewer")
        let trader = try await harness.token("trader")
        try await Application(router: harness.server.router()).test(.router) { client in
            for _ in 0..<3 { #expect(try await client.call(.get, "/api/v1/bots", token: viewer).status == 200) }
            let limited = try await client.call(.get, "/api/v1/bots", token: viewer)
            #expect(limited.status == 429)
            #expect(field(limited.json, "error", "code") as? String == "rate_limited")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            #expect(try await client.call(.get, "/api/v1/bots", token: trader).status == 200)
        }
    }

    @Test("every mutation is in the audit log, refused ones included, with the request id")
    func audit() async throws {
        let harness = try await ServerHarness.make()
        let admin = try await harness.token("admin")
        let viewer = try await harness.token("viewer")
        try await Application(router: harness.server.router()).test(.router) { client in
            let created = try await client.call(.post, "/api/v1/users", token: admin, body: "{\"name\":\"ops\",\"password\":\"12345678\",\"role\":\"viewer\"}")
            #expect(created.status == 201)
            #expect(try await client.call(.post, "/api/v1/users", token: viewer, body: "{}").status == 403)
            let log = try await client.call(.get, "/api/v1/audit", token: admin)
            let entries = try #require(field(log.json, "items") as? [[String: Any]])
            #expect(entries.contains { $0["actor"] as? String == "admin" && $0["action"] as? String == "POST /api/v1/users"
                && ($0["details"] as? String)?.contains("status 201") == true
                && ($0["details"] as? String)?.contains(created.headers[HTTPField.Name("X-Request-ID")!] ?? "?") == true })
            #expect(entries.contains { $0["actor"] as? String == "viewer" && ($0["details"] as? String)?.contains("status 403") == true })
        }
    }
}

struct TestPayload: JWTPayload {
    var sub: SubjectClaim
    var role: String
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    func verify(using algorithm: some JWTAlgorithm) throws {}
}
