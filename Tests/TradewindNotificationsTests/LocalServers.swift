import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationCompat
import Synchronization
import Testing
import TradewindNotifications

/// Runs `router` on a free loopback port for the duration of `body`.
func withLocalServer(_ router: Router<BasicRequestContext>, _ body: @Sendable (Int) async throws -> Void) async throws {
    let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
    try await app.test(.live) { client in
        try await body(try #require(client.port))
    }
}

func jsonResponse(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
    let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
    return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
}

func bodyObject(_ request: Request) async throws -> [String: Any] {
    var request = request
    let buffer = try await request.collectBody(upTo: 1 << 20)
    return (try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any]) ?? [:]
}

/// The part of the Telegram Bot API Tradewind uses: `sendMessage` (with its documented
/// 4,096-character limit, its 401/400 errors and 429 `retry_after`) and `getUpdates` (long poll).
final class FakeTelegram: Sendable {
    struct Sent: Sendable { var chat: Int64; var text: String; var parseMode: String? }
    private struct State {
        var sent: [Sent] = []
        /// Pending updates as JSON objects, by id.
        var updates: [(id: Int64, json: Data)] = []
        var nextUpdateID: Int64 = 100
        var rateLimited = 0
        var rejectedLength = 0
    }
    let token: String
    let chats: Set<Int64>
    private let state = Mutex(State())

    init(token: String = "123456:ABC-test-token", chats: Set<Int64> = [42]) {
        self.token = token
        self.chats = chats
    }

    var sent: [Sent] { state.withLock { $0.sent } }
    var rejectedLength: Int { state.withLock { $0.rejectedLength } }
    /// The next `count` sendMessage calls answer 429 with retry_after 1.
    func rateLimit(next count: Int) { state.withLock { $0.rateLimited = count } }

    /// A message as if a user wrote it in `chat`.
    func receive(_ text: String, from chat: Int64) {
        state.withLock { state in
            let update: [String: Any] = ["update_id": state.nextUpdateID,
                                         "message": ["message_id": state.nextUpdateID, "date": 1_800_000_000, "text": text,
                                                     "chat": ["id": chat, "type": "private"], "from": ["id": chat, "is_bot": false, "first_name": "Op"]]]
            state.updates.append((state.nextUpdateID, try! JSONSerialization.data(withJSONObject: update)))
            state.nextUpdateID += 1
        }
    }

    var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("{bot}/{method}") { [self] request, context -> Response in
            guard context.parameters.get("bot") == "bot" + token else {
                return jsonResponse(["ok": false, "error_code": 401, "description": "Unauthorized"], status: .unauthorized)
            }
            let body = try await bodyObject(request)
            switch context.parameters.get("method") {
            case "sendMessage":
                guard let chat = (body["chat_id"] as? NSNumber)?.int64Value, chats.contains(chat) else {
                    return jsonResponse(["ok": false, "error_code": 400, "description": "Bad Request: chat not found"], status: .badRequest)
                }
                let text = body["text"] as? String ?? ""
                if text.utf16.count > 4_096 || text.isEmpty {
                    state.withLock { $0.rejectedLength += 1 }
                    return jsonResponse(["ok": false, "error_code": 400, "description": "Bad Request: message is too long"], status: .badRequest)
                }
                let limited = state.withLock { state -> Bool in
                    guard state.rateLimited > 0 else { return false }
                    state.rateLimited -= 1
                    return true
                }
                if limited {
                    return jsonResponse(["ok": false, "error_code": 429, "description": "Too Many Requests: retry after 1",
                                         "parameters": ["retry_after": 1]], status: .tooManyRequests)
                }
                let id = state.withLock { state -> Int in
                    state.sent.append(Sent(chat: chat, text: text, parseMode: body["parse_mode"] as? String))
                    return state.sent.count
                }
                return jsonResponse(["ok": true, "result": ["message_id": id, "date": 1_800_000_000, "chat": ["id": chat, "type": "private"], "text": text]])
            case "getUpdates":
                let offset = (body["offset"] as? NSNumber)?.int64Value ?? 0
                let deadline = ContinuousClock.now + .seconds(min(1, (body["timeout"] as? NSNumber)?.intValue ?? 0))
                while true {
                    // Updates before the offset are confirmed and forgotten, as the API documents.
                    let pending = state.withLock { state -> [Data] in
                        state.updates.removeAll { $0.id < offset }
                        return state.updates.map(\.json)
                    }
                    if !pending.isEmpty || ContinuousClock.now >= deadline {
                        return jsonResponse(["ok": true, "result": try pending.map { try JSONSerialization.jsonObject(with: $0) }])
                    }
                    try await Task.sleep(for: .milliseconds(20))
                }
            default:
                return jsonResponse(["ok": false, "error_code": 404, "description": "Not Found"], status: .notFound)
            }
        }
        return router
    }
}

/// A webhook receiver that checks Tradewind's signature and can fail on purpose.
final class FakeWebhook: Sendable {
    struct Received: Sendable { var object: [String: String]; var signatureValid: Bool }
    private struct State {
        var received: [Received] = []
        var failures: [Int] = []
    }
    let secret: String?
    private let state = Mutex(State())

    init(secret: String? = "webhook-secret") { self.secret = secret }

    var received: [Received] { state.withLock { $0.received } }
    /// The next calls answer these statuses (then 200 again).
    func fail(with statuses: [Int]) { state.withLock { $0.failures = statuses } }

    var router: Router<BasicRequestContext> {
        let router = Router()
        router.post("hook") { [self] request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let data = Data(buffer: body)
            let failure = state.withLock { state -> Int? in state.failures.isEmpty ? nil : state.failures.removeFirst() }
            if let failure { return Response(status: .init(code: failure), body: .init(byteBuffer: ByteBuffer(string: "planned failure \(failure)"))) }
            var valid = secret == nil
            if let secret, let header = request.headers[.init("X-Tradewind-Signature")!] {
                let parts = Dictionary(header.split(separator: ",").compactMap { part -> (String, String)? in
                    let pair = part.split(separator: "=", maxSplits: 1).map(String.init)
                    return pair.count == 2 ? (pair[0], pair[1]) : nil
                }, uniquingKeysWith: { a, _ in a })
                if let time = parts["t"], let mac = parts["v1"] {
                    let expected = HMAC<SHA256>.authenticationCode(for: Data((time + ".").utf8) + data, using: SymmetricKey(data: Data(secret.utf8)))
                    valid = expected.map { String(format: "%02x", $0) }.joined() == mac
                }
            }
            let object = ((try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]).compactMapValues { value -> String? in
                if let text = value as? String { return text }
                if let number = value as? NSNumber { return number.stringValue }
                return nil
            }
            state.withLock { $0.received.append(Received(object: object, signatureValid: valid)) }
            return Response(status: .noContent)
        }
        return router
    }
}

/// Waits until `condition` holds or `timeout` passes; returns whether it held (a throwing
/// condition counts as not yet).
func eventually(timeout: Duration = .seconds(120), _ condition: () async throws -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if (try? await condition()) == true { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return (try? await condition()) == true
}
