import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// The outermost middleware: gives every request a correlation id (`X-Request-ID`, taken from
/// the client when it sends a sane one), puts it on every log line the request causes, and
/// turns every error into the API's JSON envelope with the right status.
struct EdgeMiddleware: RouterMiddleware {
    typealias Context = ServerContext

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        var context = context
        let given = request.headers.value(of: .xRequestID).flatMap { $0.count <= 64 && $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" } ? $0 : nil }
        context.requestID = given ?? RequestIDs.next()
        context.logger[metadataKey: "request.id"] = .string(context.requestID)
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            let apiError = APIError.from(error)
            if apiError.status.code >= 500 {
                context.logger.error("request failed", metadata: ["http.path": .string(request.uri.path), "error": .string("\(error)")])
            }
            response = try apiError.response(from: request, context: context)
        }
        response.headers.set(.xRequestID, to: context.requestID)
        return response
    }
}

/// Resolves the caller from `Authorization: Bearer …` or `X-API-Key`, then applies their rate
/// limit. Routes decide what the caller may do (``ServerContext/require(_:)``).
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let auth: AuthService
    let limiter: RateLimiter

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        var context = context
        var authorization = request.headers.value(of: .authorization)
        // Browsers cannot set headers on a WebSocket: the stream takes the token in the query.
        if authorization == nil, request.uri.path.hasSuffix("/stream"), let token = request.uri.queryParameters.get("access_token") {
            authorization = "Bearer " + String(token)
        }
        context.identity = try await auth.authenticate(authorization: authorization, apiKey: request.headers.value(of: .xAPIKey))
        if let identity = context.identity {
            context.logger[metadataKey: "user"] = .string(identity.user)
            if case .limited(let retryAfter) = limiter.take(identity.credential == "token" ? "user:" + identity.user : identity.credential) {
                throw APIError.rateLimited(retryAfter: retryAfter)
            }
        }
        return try await next(request, context)
    }
}

/// Writes every mutation (any method but GET/HEAD/OPTIONS) to the audit log: who, what, on
/// which path, with which outcome. Failed and refused attempts are recorded too.
struct AuditMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let recorder: AuditRecorder

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response) async throws -> Response {
        guard ![.get, .head, .options].contains(request.method) else { return try await next(request, context) }
        do {
            let response = try await next(request, context)
            await recorder.record(actor: context.identity?.user ?? "anonymous", action: "\(request.method.rawValue) \(request.uri.path)",
                                  target: request.uri.path, details: "status \(response.status.code); request \(context.requestID)")
            return response
        } catch {
            let status = APIError.from(error).status.code
            await recorder.record(actor: context.identity?.user ?? "anonymous", action: "\(request.method.rawValue) \(request.uri.path)",
                                  target: request.uri.path, details: "status \(status); request \(context.requestID)")
            throw error
        }
    }
}

/// Request ids unique across restarts and servers without a random draw per request: a random
/// prefix chosen at start, then a counter.
enum RequestIDs {
    static let prefix = AuthService.randomToken(length: 8)
    static let counter = Atomic<UInt64>(0)
    static func next() -> String { prefix + "-" + String(counter.add(1, ordering: .relaxed).newValue, radix: 36) }
}

extension HTTPField.Name {
    static let xRequestID = Self("X-Request-ID")!
    static let xAPIKey = Self("X-API-Key")!
}

extension HTTPFields {
    /// The field's value as `self[name]` gives it, without its cost on every request: the
    /// subscript joins the values into a new string even when there is one (a 200-byte bearer
    /// token copied per request). A field sent more than once still reads as the joined text.
    func value(of name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            if found != nil { return self[name] }
            found = field.value
        }
        return found
    }

    /// `self[name] = value` for a field usually absent: appended unless already there.
    mutating func set(_ name: HTTPField.Name, to value: String) {
        if contains(where: { $0.name == name }) { self[name] = value } else { append(HTTPField(name: name, value: value)) }
    }
}
