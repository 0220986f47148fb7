import Foundation
import HTTPTypes
public import Hummingbird
import TradewindConfiguration
import TradewindLive
import TradewindMarketData
import TradewindStorage

/// The one error shape of the API: `{"error": {"code": "…", "message": "…", "details": …}}`
/// with the HTTP status that says what the client must do. `code` is stable and documented;
/// `message` is for people.
public struct APIError: HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var details: JSONDetails?
    /// Seconds, for 429 and 503.
    public var retryAfter: Int?

    public init(_ status: HTTPResponse.Status, code: String, _ message: String, details: JSONDetails? = nil, retryAfter: Int? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.retryAfter = retryAfter
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = Wire.jsonType
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"tradewind\"" }
        let body = Envelope(error: .init(code: code, message: message, details: details))
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder.api.encode(body))))
    }

    struct Envelope: Encodable {
        struct Body: Encodable {
            var code: String
            var message: String
            var details: JSONDetails?
        }
        var error: Body
    }

    // MARK: - The codes

    public static func unauthenticated(_ message: String = "a valid bearer token or API key is required") -> APIError {
        APIError(.unauthorized, code: "unauthenticated", message)
    }
    public static func forbidden(_ role: Role) -> APIError {
        APIError(.forbidden, code: "forbidden", "this needs the \(role.rawValue) role", details: .object(["required_role": .string(role.rawValue)]))
    }
    public static func notFound(_ what: String) -> APIError { APIError(.notFound, code: "not_found", "\(what) not found") }
    public static func invalid(_ message: String, details: JSONDetails? = nil) -> APIError {
        APIError(.unprocessableContent, code: "invalid_request", message, details: details)
    }
    public static func badJSON(_ message: String) -> APIError { APIError(.badRequest, code: "malformed_json", message) }
    public static func conflict(_ message: String) -> APIError { APIError(.conflict, code: "conflict", message) }
    public static func rateLimited(retryAfter: Int) -> APIError {
        APIError(.tooManyRequests, code: "rate_limited", "too many requests: retry after \(retryAfter) s", retryAfter: retryAfter)
    }
    public static func unavailable(_ message: String) -> APIError { APIError(.serviceUnavailable, code: "unavailable", message, retryAfter: 5) }

    /// Maps any error once, at the edge: typed errors of the modules keep their meaning.
    public static func from(_ error: any Error) -> APIError {
        switch error {
        case let error as APIError: return error
        case let error as StorageError:
            switch error {
            case .notFound(let what): return .notFound(what)
            case .constraintViolation(let detail): return .conflict(detail)
            case .invalidInput(let detail): return .invalid(detail)
            case .unavailable, .readOnly, .diskFull: return .unavailable("the database is unavailable")
            default: return APIError(.internalServerError, code: "storage_error", "the database failed the request")
            }
        case let error as ConfigurationError:
            return APIError(.unprocessableContent, code: "invalid_configuration", "the configuration is invalid; the running one stays",
                            details: .array(error.problems.map { problem in
                                .object(["path": .string(problem.path), "value": problem.value.map(JSONDetails.string) ?? .null,
                                         "reason": .string(problem.reason), "source": problem.source.map(JSONDetails.string) ?? .null])
                            }))
        case let error as DecodingError: return .badJSON(describe(error))
        case let error as BotFileError: return .invalid("the bot file is invalid", details: .array(error.problems.map(JSONDetails.string)))
        case let error as MarketDataError: return .invalid(error.description)
        case let error as VenueError:
            return APIError(.badGateway, code: "venue_error", error.description)
        case let error as HTTPError:
            return APIError(error.status, code: error.status == .notFound ? "not_found" : "http_\(error.status.code)", error.body ?? error.status.reasonPhrase)
        default: return APIError(.internalServerError, code: "internal", "the server failed the request")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String { keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): required field is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "the body could not be decoded"
        }
    }
}

/// Free-form details of an error, as JSON.
public indirect enum JSONDetails: Encodable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case array([JSONDetails])
    case object([String: JSONDetails])
    case null

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}

extension JSONEncoder {
    /// Sorted keys, so the same answer is the same bytes (and diffable).
    static let api: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
