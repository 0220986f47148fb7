import HTTPTypes
import Testing
@testable import TradewindServer

/// The middlewares read headers without the joining subscript; what they read must not change.
@Suite("Header reads on the request path")
struct HeaderFieldsTests {
    @Test("a field sent once, absent, or repeated reads exactly as the subscript reads it")
    func valueOf() {
        var fields: HTTPFields = [.contentType: "application/json", .authorization: "Bearer abc.def/ghi"]
        #expect(fields.value(of: .authorization) == "Bearer abc.def/ghi")
        #expect(fields.value(of: .authorization) == fields[.authorization])
        #expect(fields.value(of: .xAPIKey) == nil)
        fields.append(HTTPField(name: .authorization, value: "Bearer second"))
        // Sent twice: the joined text, which no token verifies (as before).
        #expect(fields.value(of: .authorization) == fields[.authorization])
        #expect(fields.value(of: .authorization) == "Bearer abc.def/ghi, Bearer second")
    }

    @Test("setting the request id adds it once, and replaces one already there")
    func set() {
        var fields: HTTPFields = [.contentType: "application/json"]
        fields.set(.xRequestID, to: "a-1")
        #expect(fields[values: .xRequestID] == ["a-1"])
        fields.append(HTTPField(name: .xRequestID, value: "stale"))
        fields.set(.xRequestID, to: "b-2")
        #expect(fields[values: .xRequestID] == ["b-2"])
        #expect(fields[.contentType] == "application/json")
    }
}
