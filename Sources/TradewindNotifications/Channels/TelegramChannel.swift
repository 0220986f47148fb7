public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
public import TradewindAlerts
import TradewindCore

/// The Telegram Bot API as Tradewind uses it: `sendMessage` to one chat, and `getUpdates` for
/// the control commands. `apiBase` is `https://api.telegram.org` unless a test points it at a
/// local server.
public struct TelegramBotAPI: Sendable {
    public var token: String
    public var apiBase: String
    let http: HTTPClient

    public init(token: String, apiBase: String = "https://api.telegram.org", http: HTTPClient = .shared) {
        self.token = token
        self.apiBase = apiBase.hasSuffix("/") ? String(apiBase.dropLast()) : apiBase
        self.http = http
    }

    struct Answer<Result: Decodable>: Decodable {
        struct Parameters: Decodable { var retry_after: Int64? }
        var ok: Bool
        var result: Result?
        var error_code: Int?
        var description: String?
        var parameters: Parameters?
    }

    /// Calls a method with a JSON body; the token never appears in an error.
    func call<Result: Decodable>(_ method: String, _ body: [String: Any], timeout: TimeAmount, as: Result.Type) async throws(DeliveryError) -> Result {
        var request = HTTPClientRequest(url: apiBase + "/bot" + token + "/" + method)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let data: Data
        do { data = try JSONSerialization.data(withJSONObject: body) } catch { throw .permanent("cannot encode the \(method) request") }
        request.body = .bytes(ByteBuffer(data: data))
        let response: HTTPClientResponse
        do { response = try await http.execute(request, timeout: timeout) } catch {
            throw .retryable("Telegram unreachable (\(method)): \(Self.redact(error, token: token))", retryAfter: nil)
        }
        let bytes: ByteBuffer
        do { bytes = try await response.body.collect(upTo: 4 << 20) } catch {
            throw .retryable("Telegram answer to \(method) cut short", retryAfter: nil)
        }
        let answer = try? JSONDecoder().decode(Answer<Result>.self, from: Data(buffer: bytes))
        if let answer, answer.ok, let result = answer.result { return result }
        let code = answer?.error_code ?? Int(response.status.code)
        let description = answer?.description ?? "HTTP \(response.status.code)"
        switch code {
        case 429:
            throw .retryable("Telegram \(method): \(description)", retryAfter: .seconds(answer?.parameters?.retry_after ?? 1))
        case 500..<600:
            throw .retryable("Telegram \(method): \(code) \(description)", retryAfter: nil)
        default:
            throw .permanent("Telegram \(method): \(code) \(description)")
        }
    }

    static func redact(_ error: any Error, token: String) -> String {
        "\(error)".replacingOccurrences(of: token, with: "<token>")
    }

    /// Sends one message (already escaped for `mode`) to a chat.
    public func sendMessage(chat: Int64, text: String, mode: TelegramText.Mode?) async throws(DeliveryError) {
        var body: [String: Any] = ["chat_id": chat, "text": text, "link_preview_options": ["is_disabled": true]]
        if let mode { body["parse_mode"] = mode.rawValue }
        struct Sent: Decodable { var message_id: Int64 }
        _ = try await call("sendMessage", body, timeout: .seconds(15), as: Sent.self)
    }

    public struct Update: Decodable, Sendable {
        public struct Message: Decodable, Sendable {
            public struct Chat: Decodable, Sendable { public var id: Int64 }
            public var message_id: Int64
            public var chat: Chat
            public var text: String?
        }
        public var update_id: Int64
        public var message: Message?
    }

    /// Long-polls for updates after `offset`, waiting up to `timeout` seconds on the server.
    public func updates(offset: Int64?, timeout: Int) async throws(DeliveryError) -> [Update] {
        var body: [String: Any] = ["timeout": timeout, "allowed_updates": ["message"]]
        if let offset { body["offset"] = offset }
        return try await call("getUpdates", body, timeout: .seconds(Int64(timeout) + 10), as: [Update].self)
    }
}

/// Messages to one Telegram chat: a bold headline and the body, escaped, split at 4,096 characters.
public struct TelegramChannel: NotificationChannel {
    public let name = "telegram"
    public var api: TelegramBotAPI
    public var chat: Int64
    public var mode: TelegramText.Mode

    public init(api: TelegramBotAPI, chat: Int64, mode: TelegramText.Mode = .html) {
        self.api = api
        self.chat = chat
        self.mode = mode
    }

    public func send(_ notice: Notice) async throws(DeliveryError) {
        let marker = switch notice.severity {
        case .critical: "🚨 "
        case .warning: "⚠️ "
        case .info: ""
        }
        let (headline, body) = TelegramText.format(title: marker + notice.title, body: notice.body, mode: mode)
        for part in TelegramText.split(headline: headline, body: body) {
            try await api.sendMessage(chat: chat, text: part, mode: mode)
        }
    }
}
