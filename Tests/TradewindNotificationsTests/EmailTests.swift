import Foundation
import NIOCore
import NIOPosix
import Testing
import TradewindAlerts
import TradewindCore
import TradewindNotifications
import TradewindTesting

/// aiosmtpd (PyPI) on loopback, in one of the fixture's modes, with a fresh self-signed certificate.
final class LocalSMTPServer {
    let process = Process()
    let port: Int
    let directory: URL
    var certificate: String { directory.appendingPathComponent("cert.pem").path }
    var outbox: URL { directory.appendingPathComponent("out") }

    /// Whether aiosmtpd is importable. Every wait here is asynchronous: a test that blocks a
    /// thread of Swift's cooperative pool (one per core) stalls every test running beside it.
    static func available() async -> Bool {
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["python3", "-c", "import aiosmtpd"]
        check.standardError = FileHandle.nullDevice
        guard (try? await check.runToExit()) != nil else { return false }
        return check.terminationStatus == 0
    }

    init(mode: String) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tw-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("out"), withIntermediateDirectories: true)
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", directory.appendingPathComponent("key.pem").path,
                             "-out", directory.appendingPathComponent("cert.pem").path, "-days", "1", "-subj", "/CN=localhost",
                             "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
        openssl.standardError = FileHandle.nullDevice
        try await openssl.runToExit()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/smtp_server.py").path
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--mode", mode, "--cert", directory.appendingPathComponent("cert.pem").path,
                             "--key", directory.appendingPathComponent("key.pem").path, "--out", directory.appendingPathComponent("out").path]
        // The server prints "ready PORT" once listening: to a file, polled, not a pipe read that blocks.
        let log = directory.appendingPathComponent("stdout")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now + .seconds(60)
        var line = ""
        while ContinuousClock.now < deadline, process.isRunning {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let end = text.firstIndex(of: "\n") {
                line = String(text[..<end])
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        guard line.hasPrefix("ready "), let port = Int(line.dropFirst(6)) else {
            kill(process.processIdentifier, SIGKILL)
            throw CocoaError(.fileReadUnknown)
        }
        self.port = port
    }

    /// The messages accepted so far: the raw text and the envelope.
    func messages() throws -> [(text: String, envelope: [String: Any])] {
        var result: [(String, [String: Any])] = []
        var index = 1
        while let text = try? String(contentsOf: outbox.appendingPathComponent("\(index).eml"), encoding: .utf8) {
            let envelope = try JSONSerialization.jsonObject(with: Data(contentsOf: outbox.appendingPathComponent("\(index).json"))) as? [String: Any] ?? [:]
            result.append((text, envelope))
            index += 1
        }
        return result
    }

    deinit {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Runs `body` with a server when aiosmtpd is installed; without it, skips (or fails in CI).
func withSMTPServer(mode: String, _ body: (LocalSMTPServer) async throws -> Void) async throws {
    guard await LocalSMTPServer.available() else {
        if ProcessInfo.processInfo.environment["TRADEWIND_REQUIRE_SMTP"] != nil { Issue.record("aiosmtpd is not installed (pip install aiosmtpd)") }
        return
    }
    let server = try await LocalSMTPServer(mode: mode)
    try await body(server)
}

@Suite("E-mail over SMTP against aiosmtpd: STARTTLS, implicit TLS, AUTH, refusals")
struct EmailTests {
    func channel(_ server: LocalSMTPServer, security: SMTPSettings.Security, password: String = "s3cret", trust: Bool = true,
                 to: [String] = ["ops@example.com", "oncall@example.com"]) -> EmailChannel {
        EmailChannel(client: SMTPClient(settings: SMTPSettings(host: "127.0.0.1", port: server.port, security: security, username: "bot",
                                                               password: password, trustedCertificates: trust ? server.certificate : nil,
                                                               timeout: .seconds(30))),
                     from: "tradewind@example.com", to: to)
    }

    @Test("STARTTLS then AUTH: the message arrives encrypted, authenticated, with its headers and UTF-8 body intact")
    func startTLS() async throws {
        try await withSMTPServer(mode: "starttls") { server in
            try await channel(server, security: .starttls).send(notice(.critical, "bot-a is HALTED — drawdown 21 %",
                                                                        body: "max_drawdown: 21% > 20%\n.leading dot line\nÜmlauts stay", category: "risk state"))
            let messages = try server.messages()
            #expect(messages.count == 1)
            let (text, envelope) = try #require(messages.first)
            #expect(envelope["tls"] as? Bool == true && envelope["user"] as? String == "bot")
            #expect(envelope["from"] as? String == "tradewind@example.com" && envelope["to"] as? [String] == ["ops@example.com", "oncall@example.com"])
            #expect(text.contains("From: tradewind@example.com") && text.contains("To: ops@example.com, oncall@example.com"))
            #expect(text.contains("X-Tradewind-Severity: critical") && text.contains("Content-Type: text/plain; charset=utf-8"))
            // The subject is not ASCII: an RFC 2047 encoded word that decodes to the headline.
            let subject = try #require(text.split(separator: "\r\n").first { $0.hasPrefix("Subject: ") })
            let encoded = subject.dropFirst("Subject: =?UTF-8?B?".count).dropLast(2)
            #expect(String(data: Data(base64Encoded: String(encoded))!, encoding: .utf8) == "[Tradewind] [CRITICAL] bot-a is HALTED — drawdown 21 %")
            let body = try #require(text.components(separatedBy: "\r\n\r\n").last)
            let decoded = String(data: Data(base64Encoded: body.replacingOccurrences(of: "\r\n", with: ""))!, encoding: .utf8) ?? ""
            #expect(decoded.hasPrefix("max_drawdown: 21% > 20%\n.leading dot line\nÜmlauts stay\n\nTime: "))
            #expect(decoded.contains("Bot: bot-a"))
        }
    }

    @Test("implicit TLS (port 465 style) with AUTH")
    func implicitTLS() async throws {
        try await withSMTPServer(mode: "tls") { server in
            try await channel(server, security: .tls).send(notice(.info, "daily summary"))
            let delivered = try server.messages()
            #expect(delivered.count == 1)
        }
    }

    @Test("a wrong password and an untrusted certificate are permanent failures; a 451 recipient is worth a retry, a 550 is not")
    func refusals() async throws {
        try await withSMTPServer(mode: "starttls") { server in
            await #expect {
                try await channel(server, security: .starttls, password: "wrong").send(notice(.info, "x"))
            } throws: { error in
                guard let error = error as? DeliveryError, case .permanent(let reason) = error else { return false }
                return reason.contains("AUTH PLAIN") && reason.contains("535")
            }
            await #expect {
                try await channel(server, security: .starttls, trust: false).send(notice(.info, "x"))
            } throws: { error in
                guard let error = error as? DeliveryError, case .permanent(let reason) = error else { return false }
                return reason.contains("TLS") && reason.lowercased().contains("certificate")
            }
            await #expect {
                try await channel(server, security: .starttls, to: ["busy@example.com"]).send(notice(.info, "x"))
            } throws: { error in
                guard let error = error as? DeliveryError, case .retryable(let reason, _) = error else { return false }
                return reason.contains("451")
            }
            await #expect {
                try await channel(server, security: .starttls, to: ["reject@example.com"]).send(notice(.info, "x"))
            } throws: { error in
                guard let error = error as? DeliveryError, case .permanent(let reason) = error else { return false }
                return reason.contains("550")
            }
            let delivered = try server.messages()
            #expect(delivered.isEmpty)
        }
    }

    @Test("a password is never sent over an unencrypted connection")
    func plainRefusesPassword() async throws {
        try await withSMTPServer(mode: "plain") { server in
            await #expect(throws: DeliveryError.permanent("refusing to send the SMTP password over an unencrypted connection: set tls to starttls or tls")) {
                try await channel(server, security: .none).send(notice(.info, "x"))
            }
            // Without credentials, plain SMTP delivers.
            let anonymous = EmailChannel(client: SMTPClient(settings: SMTPSettings(host: "127.0.0.1", port: server.port, security: .none)),
                                         from: "tradewind@example.com", to: ["ops@example.com"])
            try await anonymous.send(notice(.info, "plain and simple"))
            let delivered = try server.messages()
            #expect(delivered.first?.envelope["tls"] as? Bool == false)
        }
    }

    @Test("a server that accepts and never answers is a timed-out wait for the greeting, not a hang", .timeLimit(.minutes(1)))
    func silentServer() async throws {
        // A listener that accepts connections and says nothing: no SMTP server needed.
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(listener.localAddress?.port)
        let client = SMTPClient(settings: SMTPSettings(host: "127.0.0.1", port: port, security: .none, timeout: .seconds(3)))
        await #expect {
            try await client.send(from: "a@example.com", to: ["b@example.com"], data: "x")
        } throws: { error in
            guard let error = error as? SMTPError, case .timedOut(let waiting) = error else { return false }
            return waiting == "the greeting"
        }
        try await listener.close()
    }

    @Test("header values cannot inject headers; ASCII subjects stay readable")
    func headers() {
        let message = MailMessage(from: "a@example.com", to: ["b@example.com"], subject: "hi\r\nBcc: evil@example.com", body: "x",
                                  date: Timestamp(secondsSinceEpoch: 1_800_000_000)).rendered()
        #expect(message.contains("Subject: hi  Bcc: evil@example.com") && !message.contains("\r\nBcc:"))
        #expect(message.contains("Date: Fri, 15 Jan 2027 08:00:00 +0000"))
    }
}
