import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// JSON in and out in the API's wire format (snake_case, sorted keys).
enum Wire {
    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = jsonType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder.stream.encode(value))))
    }

    static let jsonType = "application/json; charset=utf-8"

    static func text(_ text: String, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        bytes(ByteBuffer(string: text), contentType: contentType, status: status)
    }

    /// A body already encoded (and often kept: buffers are shared, not copied, per response).
    static func bytes(_ body: ByteBuffer, contentType: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: body))
    }

    static let maxBody = 1 << 20

    static func body(_ request: Request) async throws -> ByteBuffer {
        do { return try await request.body.collect(upTo: maxBody) } catch {
            throw APIError(.contentTooLarge, code: "body_too_large", "the request body is larger than \(maxBody) bytes")
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let buffer = try await body(request)
        guard buffer.readableBytes > 0 else { throw APIError.badJSON("a JSON body is required") }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do { return try decoder.decode(T.self, from: Data(buffer.readableBytesView)) } catch let error as DecodingError {
            if case .dataCorrupted(let context) = error, context.codingPath.isEmpty { throw APIError.badJSON("the body is not valid JSON") }
            throw APIError.invalid(APIError.describe(error))
        }
    }

    static func limit(_ request: Request, default fallback: Int = 100, maximum: Int = 10_000) throws -> Int {
        guard let text = request.uri.queryParameters.get("limit") else { return fallback }
        guard let value = Int(text), (1...maximum).contains(value) else {
            throw APIError.invalid("limit must be a whole number from 1 to \(maximum)", details: .object(["field": .string("limit")]))
        }
        return value
    }
}
