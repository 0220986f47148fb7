import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing
import TradewindTesting

@Suite("tradewind serve and tradewind config, as a user runs them")
struct ServeCLITests {
    func request(_ url: String, method: String = "GET", token: String? = nil, body: String? = nil) async throws -> (Int, Any?) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body { request.httpBody = Data(body.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, try? JSONSerialization.jsonObject(with: data))
    }

    @Test("in an empty directory: embedded SQLite, a generated admin printed once, the API answers, SIGTERM stops it cleanly")
    func emptyDirectory() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tradewind-serve-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try BackgroundCLI(["serve", "--port", "0"], in: directory, environment: ["TRADEWIND_AUTH_BCRYPT_COST": "4"])
        await server.waitForLines(3, timeout: 60)
        let output = server.output
        let password = try #require(output.firstMatch(of: /password ([A-Za-z0-9]+)/)?.1)
        let port = try #require(output.firstMatch(of: /http:\/\/127\.0\.0\.1:([0-9]+)/)?.1)
        #expect(FileManager.default.fileExists(atPath: directory + "/tradewind.db"))

        let (status, login) = try await request("http://127.0.0.1:\(port)/api/v1/auth/login", method: "POST",
                                                body: "{\"username\":\"admin\",\"password\":\"\(password)\"}")
        #expect(status == 200)
        let token = try #require((login as? [String: Any])?["token"] as? String)
        let (botsStatus, bots) = try await request("http://127.0.0.1:\(port)/api/v1/bots", token: token)
        #expect(botsStatus == 200)
        #expect(((bots as? [String: Any])?["items"] as? [Any])?.isEmpty == true)
        #expect(try await request("http://127.0.0.1:\(port)/health/ready").0 == 200)
        #expect(server.errors.contains("\"level\":\"warning\""), "logs are JSON lines")

        kill(server.process.processIdentifier, SIGTERM)
        await server.exited()
        #expect(server.process.terminationStatus == 0, "\(server.errors)")

        // A second start finds the admin: no new password is printed
        let again = try BackgroundCLI(["serve", "--port", "0"], in: directory)
        await again.waitForLines(1, timeout: 60)
        #expect(!again.output.contains("password"))
        kill(again.process.processIdentifier, SIGTERM)
        await again.exited()
    }

    @Test("an invalid configuration is refused at start-up with every field, value and reason (exit 78)")
    func invalidConfiguration() async throws {
        let file = try CLIRunner.temporaryFile(named: "tradewind.yaml", "server:\n  port: 99999\n  hots: x\nauth:\n  token_ttl: soon\n")
        let result = try await CLIRunner.run(["serve", "--config", file.path])
        #expect(result.status == 78)
        #expect(result.stderr.contains("server.port = \"99999\""))
        #expect(result.stderr.contains("server.hots"))
        #expect(result.stderr.contains("auth.token_ttl = \"soon\""))
        #expect(result.stderr.contains("3 problems"))
    }

    @Test("config init writes a template that validates; show redacts secrets and names sources")
    func configCommands() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tradewind-config-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/tradewind.yaml"
        let written = try await CLIRunner.run(["config", "init", "--template", "research", "--output", file])
        #expect(written.status == 0, "\(written.stderr)")
        let validated = try await CLIRunner.run(["config", "validate", file])
        #expect(validated.status == 0, "\(validated.stderr)")
        #expect(try await CLIRunner.run(["config", "init", "--output", file]).status != 0, "an existing file is not replaced without --force")

        let secret = directory + "/jwt"
        try Data("a-signing-key-of-at-least-thirty-two-bytes".utf8).write(to: URL(fileURLWithPath: secret))
        let shown = try await CLIRunner.run(["config", "show", "--config", file, "--set", "auth.jwt_secret_file=\(secret)", "--set", "server.port=9100"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("auth.jwt_secret: <redacted>"))
        #expect(!shown.stdout.contains("thirty-two"))
        #expect(shown.stdout.contains("server.port: 9100    # command line"))
        #expect(shown.stdout.contains("auth.token_ttl: 1h    # \(file)"))
        #expect(try await CLIRunner.run(["config", "show", "--set", "auth.jwt_secret=plain"]).status == 78)
    }
}
