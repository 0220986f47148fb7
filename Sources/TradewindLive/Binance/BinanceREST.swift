public import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import Metrics
public import TradewindCore
import TradewindStorage

/// Where a Binance-compatible venue lives and who we are there. Secrets never print.
public struct BinanceEndpoint: Sendable, CustomStringConvertible {
    /// REST base, e.g. `https://api.binance.com` (or a local fake exchange's `http://127.0.0.1:PORT`).
    public var restBase: String
    /// WebSocket base, e.g. `wss://stream.binance.com:9443`.
    public var streamBase: String
    public var apiKey: String
    public var secret: String
    public var receiveWindow: Int

    public init(restBase: String, streamBase: String, apiKey: String, secret: String, receiveWindow: Int = 5_000) {
        self.restBase = restBase.hasSuffix("/") ? String(restBase.dropLast()) : restBase
        self.streamBase = streamBase.hasSuffix("/") ? String(streamBase.dropLast()) : streamBase
        self.apiKey = apiKey
        self.secret = secret
        self.receiveWindow = receiveWindow
    }

    public var description: String { "BinanceEndpoint(rest: \(restBase), stream: \(streamBase), key: <redacted>, secret: <redacted>)" }
}

/// Binance's REST API with what a production client needs around each call: request weights
/// charged to a token bucket (corrected by `X-MBX-USED-WEIGHT-1M`), signing with the server-time
/// offset and `recvWindow`, a circuit breaker, and retries with jittered back-off — only for
/// calls that are safe to repeat (reads, cancels by client id) or that the venue certainly did
/// not execute (-1021, 429, 418).
public actor BinanceRESTClient {
    public enum Method: String, Sendable { case get = "GET", post = "POST", put = "PUT", delete = "DELETE" }

    public let endpoint: BinanceEndpoint
    private let signer: BinanceSigner
    private let http: HTTPClient
    private var limiter: WeightedRateLimiter
    private var breaker: CircuitBreaker {
        didSet {
            if breaker.state != oldValue.state {
                breakerGauge.record(Self.gaugeValue(breaker.state))
                VenueHealth.shared.circuit(venue: "binance", open: breaker.state == .open)
            }
        }
    }
    /// `tradewind_circuit_breaker_state{venue="binance"}`: 0 closed, 1 half-open, 2 open.
    private let breakerGauge = Gauge(label: "tradewind_circuit_breaker_state", dimensions: [("venue", "binance")])

    static func gaugeValue(_ state: CircuitBreaker.State) -> Int {
        switch state {
        case .closed: 0
        case .halfOpen: 1
        case .open: 2
        }
    }
    private var backoff: Backoff
    private var clock = ServerClockOffset()
    private var bannedUntil: Timestamp?
    /// Calls made and failures seen, for metrics and tests.
    public private(set) var requests = 0
    public private(set) var retries = 0

    public init(endpoint: BinanceEndpoint, weightPerMinute: Int = 6_000, breaker: CircuitBreaker = CircuitBreaker(),
                backoff: Backoff = Backoff(maxAttempts: 4, seed: 0x7457_6E64), http: HTTPClient = BinanceRESTClient.sharedHTTP) {
        self.endpoint = endpoint
        self.signer = BinanceSigner(secret: endpoint.secret, receiveWindow: endpoint.receiveWindow)
        self.http = http
        self.limiter = WeightedRateLimiter(capacity: weightPerMinute, per: .minutes(1))
        self.breaker = breaker
        self.backoff = backoff
    }

    public var circuitState: CircuitBreaker.State { breaker.state }

    /// One connection pool for the process, with a short connect timeout: a venue that refuses
    /// connections fails the call quickly and the back-off (not the pool) decides when to retry.
    public static let sharedHTTP = HTTPClient(eventLoopGroupProvider: .singleton,
                                              configuration: HTTPClient.Configuration(timeout: .init(connect: .seconds(2), read: .seconds(10))))

    /// Measures the server-time offset from a few round trips (smallest delay wins).
    public func synchroniseClock(samples: Int = 3) async throws(VenueError) {
        clock.reset()
        for _ in 0..<samples {
            let sent = WallClock.now()
            let body = try await call(.get, "/api/v3/time", weight: 1, mayRetry: true)
            let received = WallClock.now()
            guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
                  let server = (object["serverTime"] as? NSNumber)?.int64Value else { throw .unavailable("GET /api/v3/time: no serverTime") }
            clock.record(sent: sent, server: Timestamp(nanosecondsSinceEpoch: server * 1_000_000), received: received)
        }
    }

    /// One call. `mayRetry`: the call is idempotent, so a transient failure is retried.
    /// Rejections the venue certainly did not act on (-1021, 429, 418) are retried either way.
    public func call(_ method: Method, _ path: String, _ parameters: [(String, String)] = [], signed: Bool = false,
                     apiKey: Bool = false, weight: Int, mayRetry: Bool) async throws(VenueError) -> Data {
        var attempt = 0
        var resynchronised = false
        while true {
            attempt += 1
            let now = WallClock.now()
            if let bannedUntil, now < bannedUntil { throw .unavailable("IP banned by the venue until \(bannedUntil)") }
            guard breaker.allowsCall(at: now) else {
                throw .unavailable("circuit open after \(breaker.consecutiveFailures) failures; probing again at \(breaker.reopensAt.map(\.description) ?? "soon")")
            }
            let wait = limiter.acquire(weight: weight, at: now)
            if wait > .zero { await sleep(wait); continue }
            let query = signed ? signer.signedQuery(parameters, timestamp: clock.serverTime(at: WallClock.now()))
                               : parameters.map { "\(BinanceSigner.encode($0.0))=\(BinanceSigner.encode($0.1))" }.joined(separator: "&")
            var request = HTTPClientRequest(url: endpoint.restBase + path + (query.isEmpty ? "" : "?" + query))
            request.method = HTTPMethod(rawValue: method.rawValue)
            if signed || apiKey { request.headers.add(name: "X-MBX-APIKEY", value: endpoint.apiKey) }
            requests += 1
            let status: Int, body: Data, headers: HTTPHeaders
            do {
                let response = try await http.execute(request, timeout: .seconds(5))
                var buffer = try await response.body.collect(upTo: 16 << 20)
                body = Data(buffer.readBytes(length: buffer.readableBytes) ?? [])
                status = Int(response.status.code)
                headers = response.headers
            } catch {
                breaker.recordFailure(at: WallClock.now())
                if mayRetry, let delay = backoff.delay(beforeRetry: attempt) {
                    retries += 1
                    await sleep(delay)
                    continue
                }
                throw mayRetry ? .unavailable("\(method.rawValue) \(path): \(error)") : .unknownOutcome("\(method.rawValue) \(path): \(error)")
            }
            if let used = headers.first(name: "X-MBX-USED-WEIGHT-1M").flatMap(Int.init) {
                limiter.observeUsedWeight(used, at: WallClock.now())
            }
            if (200..<300).contains(status) {
                breaker.recordSuccess()
                return body
            }
            let (code, message) = Self.errorBody(body)
            let retryAfter = headers.first(name: "Retry-After").flatMap(Int64.init).map { TimeSpan.seconds($0) }
            let failure = BinanceFailure.classify(status: status, code: code, message: message, retryAfter: retryAfter)
            let described = "\(method.rawValue) \(path): HTTP \(status)\(code.map { " code \($0)" } ?? ""): \(message)"
            switch failure {
            case .clockSkew:
                breaker.recordSuccess()
                if !resynchronised {
                    resynchronised = true
                    try await synchroniseClock()
                    continue
                }
                throw .rejected(described)
            case .rateLimited(let after), .banned(let after):
                breaker.recordSuccess()
                if case .banned = failure { bannedUntil = WallClock.now() + (after ?? .minutes(2)) }
                if case .rateLimited = failure, let delay = backoff.delay(beforeRetry: attempt, retryAfter: after) {
                    retries += 1
                    await sleep(delay)
                    continue
                }
                throw .unavailable(described)
            case .transient:
                breaker.recordFailure(at: WallClock.now())
                if mayRetry, let delay = backoff.delay(beforeRetry: attempt) {
                    retries += 1
                    await sleep(delay)
                    continue
                }
                // A 5xx on a new order means Binance does not know whether it executed.
                throw mayRetry ? .unavailable(described) : .unknownOutcome(described)
            case .unknownOutcome:
                breaker.recordFailure(at: WallClock.now())
                throw .unknownOutcome(described)
            case .unauthorized:
                breaker.recordSuccess()
                throw .unauthorized(described)
            case .rejected:
                breaker.recordSuccess()
                throw .rejected(described)
            }
        }
    }

    static func errorBody(_ body: Data) -> (code: Int?, message: String) {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else {
            return (nil, String(decoding: body.prefix(200), as: UTF8.self))
        }
        return ((object["code"] as? NSNumber)?.intValue, object["msg"] as? String ?? "")
    }

    private func sleep(_ span: TimeSpan) async {
        try? await Task.sleep(nanoseconds: UInt64(max(0, span.nanoseconds)))
    }
}
