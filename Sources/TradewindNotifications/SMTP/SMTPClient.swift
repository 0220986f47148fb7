import Foundation
public import NIOCore
public import NIOPosix
import NIOSSL

/// How to reach a mail server.
public struct SMTPSettings: Sendable, Equatable {
    /// `none`: plain SMTP (no password is sent); `starttls`: upgrade after EHLO (port 587);
    /// `tls`: TLS from the first byte (port 465).
    public enum Security: String, Sendable { case none, starttls, tls }

    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    /// A PEM bundle to trust instead of the system's roots (a private CA, a test server).
    public var trustedCertificates: String?
    /// The name given in EHLO.
    public var clientName: String
    /// The longest wait for any one reply.
    public var timeout: TimeAmount

    public init(host: String, port: Int, security: Security, username: String? = nil, password: String? = nil,
                trustedCertificates: String? = nil, clientName: String = "tradewind", timeout: TimeAmount = .seconds(30)) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.password = password
        self.trustedCertificates = trustedCertificates
        self.clientName = clientName
        self.timeout = timeout
    }
}

/// One reply: the code and its text lines (a multi-line reply has several).
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    public var code: Int
    public var lines: [String]
    public var description: String { "\(code) " + lines.joined(separator: " / ") }
    /// 4xx: the server asks to try again later.
    public var isTransient: Bool { (400..<500).contains(code) }
}

public enum SMTPError: Error, Sendable, CustomStringConvertible {
    case connection(String)
    /// The server answered `reply` where the exchange needed `expected`.
    case refused(command: String, reply: SMTPReply)
    case tls(String)
    case unsupported(String)
    case timedOut(String)

    public var description: String {
        switch self {
        case .connection(let reason): "cannot reach the mail server: \(reason)"
        case .refused(let command, let reply): "the mail server refused \(command): \(reply)"
        case .tls(let reason): "TLS with the mail server failed: \(reason)"
        case .unsupported(let reason): reason
        case .timedOut(let waiting): "no answer from the mail server while waiting for \(waiting)"
        }
    }
}

/// A small SMTP client (RFC 5321) over SwiftNIO: EHLO, STARTTLS (RFC 3207) or implicit TLS,
/// AUTH PLAIN or LOGIN (RFC 4954), MAIL/RCPT/DATA with dot-stuffing, QUIT. One connection per
/// message: alerts are rare and a fresh connection has no state to go stale.
public struct SMTPClient: Sendable {
    public var settings: SMTPSettings
    let group: any EventLoopGroup

    public init(settings: SMTPSettings, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.settings = settings
        self.group = group
    }

    /// Sends one message (`data` is the RFC 5322 text, headers included) to every recipient.
    public func send(from sender: String, to recipients: [String], data: String) async throws(SMTPError) {
        let session = try await SMTPSession.open(settings, group: group)
        do {
            try await session.deliver(from: sender, to: recipients, data: data)
            await session.quit()
        } catch {
            await session.close()
            throw error
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

/// One connection's exchange; every wait for a reply goes through the pipeline's collector.
struct SMTPSession {
    let channel: any Channel
    let collector: NIOLoopBoundBox<SMTPReplyCollector?>
    let settings: SMTPSettings
    var capabilities: [String] = []

    static func open(_ settings: SMTPSettings, group: any EventLoopGroup) async throws(SMTPError) -> SMTPSession {
        let context: NIOSSLContext?
        do { context = settings.security == .none ? nil : try makeTLSContext(settings) } catch {
            throw .tls("cannot set up TLS: \(error)")
        }
        let implicitTLS = settings.security == .tls ? context : nil
        let host = settings.host
        let timeout = settings.timeout
        // The collector is made by the initializer and kept here, not looked up in the pipeline
        // afterwards: a connection the server closes at once has an empty pipeline by then, and
        // the collector is what knows why it closed.
        let loop = group.next()
        let collector = NIOLoopBoundBox<SMTPReplyCollector?>.makeEmptyBox(valueType: SMTPReplyCollector.self, eventLoop: loop)
        let channel: any Channel
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let implicitTLS {
                            let handler = try NIOSSLClientHandler(context: implicitTLS, serverHostname: SMTPClient.isIPAddress(host) ? nil : host)
                            try channel.pipeline.syncOperations.addHandler(handler)
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                        let handler = SMTPReplyCollector(eventLoop: channel.eventLoop)
                        collector.value = handler
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(host: settings.host, port: settings.port).get()
        } catch {
            throw .connection("\(settings.host):\(settings.port): \(error)")
        }
        var session = SMTPSession(channel: channel, collector: collector, settings: settings)
        do {
            let greeting = try await session.reply("the greeting")
            try session.expect(220, after: "the greeting", greeting)
            try await session.hello()
            if settings.security == .starttls {
                guard session.capabilities.contains(where: { $0.uppercased() == "STARTTLS" }) else {
                    throw SMTPError.unsupported("the mail server does not offer STARTTLS (offered: \(session.capabilities.joined(separator: ", "))); set tls: tls for port 465, or none")
                }
                let ready = try await session.command("STARTTLS")
                try session.expect(220, after: "STARTTLS", ready)
                try await session.startTLS(context!)
                try await session.hello()
            }
            try await session.authenticate()
        } catch {
            await session.close()
            throw (error as? SMTPError) ?? .connection("\(error)")
        }
        return session
    }

    static func makeTLSContext(_ settings: SMTPSettings) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        if let bundle = settings.trustedCertificates {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(bundle))
        }
        return try NIOSSLContext(configuration: configuration)
    }

    func startTLS(_ context: NIOSSLContext) async throws(SMTPError) {
        let host = settings.host
        let channel = self.channel
        do {
            try await channel.eventLoop.submit {
                let handler = try NIOSSLClientHandler(context: context, serverHostname: SMTPClient.isIPAddress(host) ? nil : host)
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            }.get()
        } catch {
            throw .tls("\(error)")
        }
    }

    mutating func hello() async throws(SMTPError) {
        let reply = try await command("EHLO \(settings.clientName)")
        if reply.code == 250 {
            capabilities = reply.lines.dropFirst().map { $0 }
            return
        }
        // A server without ESMTP: HELO, and no extensions (so no STARTTLS and no AUTH).
        try expect(250, after: "HELO", await command("HELO \(settings.clientName)"))
        capabilities = []
    }

    func authenticate() async throws(SMTPError) {
        guard let username = settings.username else { return }
        guard settings.security != .none else {
            throw .unsupported("refusing to send the SMTP password over an unencrypted connection: set tls to starttls or tls")
        }
        let password = settings.password ?? ""
        let mechanisms = capabilities.first { $0.uppercased().hasPrefix("AUTH") }.map {
            $0.uppercased().dropFirst(4).split(whereSeparator: { $0 == " " || $0 == "=" }).map(String.init)
        } ?? []
        if mechanisms.contains("PLAIN") {
            let token = Data(("\0" + username + "\0" + password).utf8).base64EncodedString()
            try expect(235, after: "AUTH PLAIN", await command("AUTH PLAIN " + token, shown: "AUTH PLAIN <credentials>"))
        } else if mechanisms.contains("LOGIN") {
            try expect(334, after: "AUTH LOGIN", await command("AUTH LOGIN"))
            try expect(334, after: "AUTH LOGIN (user)", await command(Data(username.utf8).base64EncodedString(), shown: "<user>"))
            try expect(235, after: "AUTH LOGIN (password)", await command(Data(password.utf8).base64EncodedString(), shown: "<password>"))
        } else {
            throw .unsupported("the mail server offers no AUTH PLAIN or LOGIN (offered: \(mechanisms.joined(separator: " ")))")
        }
    }

    func deliver(from sender: String, to recipients: [String], data: String) async throws(SMTPError) {
        try expect(250, after: "MAIL FROM", await command("MAIL FROM:<\(sender)>"))
        for recipient in recipients {
            let reply = try await command("RCPT TO:<\(recipient)>")
            guard reply.code == 250 || reply.code == 251 else { throw .refused(command: "RCPT TO:<\(recipient)>", reply: reply) }
        }
        try expect(354, after: "DATA", await command("DATA"))
        try expect(250, after: "the message", await command(Self.dotStuffed(data) + "\r\n.", shown: "<message>"))
    }

    /// Lines starting with "." get another "." (RFC 5321 §4.5.2); line ends become CRLF.
    static func dotStuffed(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }.joined(separator: "\r\n")
    }

    func quit() async {
        _ = try? await command("QUIT")
        await close()
    }

    func close() async {
        try? await channel.close()
    }

    func command(_ line: String, shown: String? = nil) async throws(SMTPError) -> SMTPReply {
        do { try await channel.writeAndFlush(ByteBuffer(string: line + "\r\n")) } catch {
            // The connection failed earlier (a TLS handshake, a dropped link): that cause is the
            // one to report, and the collector holds it.
            _ = try await reply(shown ?? line)
            throw .connection("sending \(shown ?? line): \(error)")
        }
        return try await reply(shown ?? line)
    }

    func reply(_ waitingFor: String) async throws(SMTPError) -> SMTPReply {
        let collector = self.collector
        do {
            let timeout = settings.timeout
            return try await channel.eventLoop.flatSubmit { collector.value!.next(within: timeout) }.get()
        } catch let error as SMTPError {
            if case .timedOut = error { throw .timedOut(waitingFor) }
            throw error
        } catch {
            throw .connection("waiting for the reply to \(waitingFor): \(error)")
        }
    }

    func expect(_ code: Int, after command: String, _ reply: SMTPReply) throws(SMTPError) {
        guard reply.code == code else { throw .refused(command: command, reply: reply) }
    }
}

/// Frames replies: `250-first`, `250-second`, `250 last` is one reply of three lines.
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    private var lines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        let view = buffer.readableBytesView
        guard let newline = view.firstIndex(of: UInt8(ascii: "\n")) else { return .needMoreData }
        let length = view.distance(from: view.startIndex, to: newline) + 1
        guard var bytes = buffer.readBytes(length: length) else { return .needMoreData }
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        let line = String(decoding: bytes, as: UTF8.self)
        guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)) else {
            throw SMTPError.connection("malformed reply line '\(line.prefix(80))'")
        }
        let text = bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : ""
        lines.append(text)
        if bytes.count == 3 || bytes[3] != UInt8(ascii: "-") {
            let reply = SMTPReply(code: code, lines: lines)
            lines = []
            context.fireChannelRead(wrapInboundOut(reply))
        }
        return .continue
    }
}

/// Hands replies to whoever waits for the next one, in order.
///
/// The time limit runs from the moment a reply is asked for, on the event loop, not from the
/// last byte read: a busy client that is slow to send its next command has not been kept
/// waiting by the server, and an idle timer would cut the connection under it.
final class SMTPReplyCollector: ChannelInboundHandler {
    typealias InboundIn = SMTPReply
    private var ready = CircularBuffer<SMTPReply>()
    private var waiting = CircularBuffer<EventLoopPromise<SMTPReply>>()
    private var deadline: Scheduled<Void>?
    private var failure: (any Error)?
    private var context: ChannelHandlerContext?
    private let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    func next(within timeout: TimeAmount) -> EventLoopFuture<SMTPReply> {
        let loop = eventLoop
        if !ready.isEmpty { return loop.makeSucceededFuture(ready.removeFirst()) }
        if let failure { return loop.makeFailedFuture(failure) }
        let promise = loop.makePromise(of: SMTPReply.self)
        waiting.append(promise)
        if deadline == nil {
            // The handler lives on its event loop, and so does this call: the timer runs there too.
            deadline = loop.assumeIsolated().scheduleTask(in: timeout) { [self] in
                deadline = nil
                fail(SMTPError.timedOut("a reply"))
                context?.close(promise: nil)
            }
        }
        return promise.futureResult
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = unwrapInboundIn(data)
        guard !waiting.isEmpty else { return ready.append(reply) }
        waiting.removeFirst().succeed(reply)
        if waiting.isEmpty {
            deadline?.cancel()
            deadline = nil
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(error is NIOSSLError ? SMTPError.tls("\(error)") : error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(SMTPError.connection("the mail server closed the connection"))
        context.fireChannelInactive()
    }

    private func fail(_ error: any Error) {
        if failure == nil { failure = error }
        deadline?.cancel()
        deadline = nil
        while !waiting.isEmpty { waiting.removeFirst().fail(failure!) }
    }
}
