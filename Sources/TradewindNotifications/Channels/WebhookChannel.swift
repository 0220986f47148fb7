public import AsyncHTTPClient
import Crypto
public import Foundation
public import NIOCore
import NIOFoundationCompat
import NIOHTTP1
public import TradewindAlerts
public import TradewindCore
public import TradewindStorage

/// JSON POSTs to a URL, signed with HMAC-SHA256 when a secret is configured.
///
/// The body carries `text` (what Slack's incoming webhooks show) and `content` (Discord's), so
/// either can be pointed at directly, plus the structured fields for a program. The signature
/// header is `X-Tradewind-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: a
/// receiver recomputes it with the shared secret and rejects old timestamps to stop replays.
public struct WebhookChannel: NotificationChannel {
    public let name = "webhook"
    public var url: String
    public var secret: String?
    public var timeout: TimeAmount
    let http: HTTPClient
    let now: @Sendable () -> Timestamp

    public init(url: String, secret: String?, timeout: TimeAmount = .seconds(10), http: HTTPClient = .shared,
                now: @escaping @Sendable () -> Timestamp = WallClock.now) {
        self.url = url
        self.secret = secret
        self.timeout = timeout
        self.http = http
        self.now = now
    }

    struct Payload: Encodable {
        var text: String
        var content: String
        var title: String
        var body: String
        var severity: String
        var category: String
        var subject: String
        var bot: String?
        var time: String
        var alertId: Int64?
    }

    public static func signature(body: Data, timestamp: Int64, secret: String) -> String {
        var signed = Data("\(timestamp).".utf8)
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Data(secret.utf8)))
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    public func send(_ notice: Notice) async throws(DeliveryError) {
        let text = notice.body.isEmpty ? notice.plainHeadline : notice.plainHeadline + "\n" + notice.body
        let payload = Payload(text: text, content: String(text.prefix(2_000)), title: notice.title, body: notice.body,
                              severity: notice.severity.rawValue, category: notice.category, subject: notice.subject, bot: notice.bot,
                              time: notice.time.iso8601, alertId: notice.alertID)
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body: Data
        do { body = try encoder.encode(payload) } catch { throw .permanent("cannot encode the message: \(error)") }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Tradewind")
        if let secret {
            request.headers.add(name: "X-Tradewind-Signature", value: Self.signature(body: body, timestamp: now().nanosecondsSinceEpoch / 1_000_000_000,
                                                                                     secret: secret))
        }
        request.body = .bytes(ByteBuffer(data: body))
        let response: HTTPClientResponse
        do { response = try await http.execute(request, timeout: timeout) } catch {
            throw .retryable("webhook unreachable: \(error)", retryAfter: nil)
        }
        let answer = (try? await response.body.collect(upTo: 64 * 1024)).map { String(buffer: $0) } ?? ""
        switch response.status.code {
        case 200..<300: return
        case 408, 425, 429, 500..<600:
            let after = response.headers.first(name: "Retry-After").flatMap(Int64.init).map { TimeSpan.seconds($0) }
            throw .retryable("webhook answered \(response.status.code) \(answer.prefix(200))", retryAfter: after)
        default:
            throw .permanent("webhook answered \(response.status.code) \(answer.prefix(200))")
        }
    }
}
