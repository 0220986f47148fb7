import Foundation
import NIOPosix
public import TradewindAlerts
public import TradewindCore

/// Notices as plain-text e-mail through an SMTP server.
public struct EmailChannel: NotificationChannel {
    public let name = "email"
    public var client: SMTPClient
    public var from: String
    public var to: [String]

    public init(client: SMTPClient, from: String, to: [String]) {
        self.client = client
        self.from = from
        self.to = to
    }

    public func send(_ notice: Notice) async throws(DeliveryError) {
        var body = notice.body
        body += (body.isEmpty ? "" : "\n\n") + "Time: \(notice.time.iso8601)"
        if let bot = notice.bot { body += "\nBot: \(bot)" }
        if let alert = notice.alertID { body += "\nAcknowledge: tradewind alerts ack \(alert)" }
        let message = MailMessage(from: from, to: to, subject: "[Tradewind] " + notice.plainHeadline, body: body,
                                  date: notice.time, headers: ["X-Tradewind-Severity": notice.severity.rawValue])
        do {
            try await client.send(from: from, to: to, data: message.rendered())
        } catch {
            switch error {
            case .refused(_, let reply) where reply.isTransient: throw .retryable(error.description, retryAfter: nil)
            case .refused, .unsupported: throw .permanent(error.description)
            case .tls(let reason) where reason.lowercased().contains("certificate"): throw .permanent(error.description)
            case .connection, .tls, .timedOut: throw .retryable(error.description, retryAfter: nil)
            }
        }
    }
}

/// An RFC 5322 message: UTF-8 text, base64 body (safe through any server), encoded subject.
public struct MailMessage: Sendable {
    public var from: String
    public var to: [String]
    public var subject: String
    public var body: String
    public var date: Timestamp
    public var headers: [String: String]

    public init(from: String, to: [String], subject: String, body: String, date: Timestamp, headers: [String: String] = [:]) {
        self.from = from
        self.to = to
        self.subject = subject
        self.body = body
        self.date = date
        self.headers = headers
    }

    public func rendered() -> String {
        var lines = [
            "Date: " + Self.rfc5322Date(date),
            "From: " + Self.clean(from),
            "To: " + to.map(Self.clean).joined(separator: ", "),
            "Subject: " + Self.encodedWord(Self.clean(subject)),
            "Message-ID: <\(UUID().uuidString.lowercased())@tradewind>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: base64",
        ]
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { lines.append(name + ": " + Self.clean(value)) }
        lines.append("")
        let encoded = Data(body.utf8).base64EncodedString()
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            lines.append(String(encoded[index..<end]))
            index = end
        }
        return lines.joined(separator: "\r\n")
    }

    /// Header values lose line breaks (each CR, LF or CRLF becomes a space), so a title cannot
    /// inject headers.
    static func clean(_ value: String) -> String {
        String(String.UnicodeScalarView(value.unicodeScalars.map { $0 == "\r" || $0 == "\n" ? " " : $0 }))
    }

    /// RFC 2047 `=?UTF-8?B?…?=` when the text is not plain ASCII.
    static func encodedWord(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { !$0.isASCII }) else { return text }
        return "=?UTF-8?B?" + Data(text.utf8).base64EncodedString() + "?="
    }

    static func rfc5322Date(_ time: Timestamp) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss +0000"
        return formatter.string(from: Date(timeIntervalSince1970: Double(time.nanosecondsSinceEpoch) / 1e9))
    }
}
