import Crypto
public import TradewindCore

/// Signs Binance SIGNED (TRADE and USER_DATA) requests: HMAC-SHA256 of the exact query string
/// (or form body), keyed by the API secret, appended as `signature` in lower-case hex. The API
/// key travels in the `X-MBX-APIKEY` header; the secret never leaves this type.
public struct BinanceSigner: Sendable, CustomStringConvertible {
    private let key: SymmetricKey
    /// Milliseconds the request stays valid after `timestamp` (Binance's default is 5,000, at most 60,000).
    public var receiveWindow: Int

    public init(secret: String, receiveWindow: Int = 5_000) {
        key = SymmetricKey(data: Array(secret.utf8))
        self.receiveWindow = receiveWindow
    }

    /// The hex signature of a payload.
    public func signature(of payload: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Array(payload.utf8), using: key)
        return mac.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
    }

    /// The signed query: parameters in the order given, form-encoded, then `recvWindow`,
    /// `timestamp` (milliseconds, already corrected by the server-time offset) and `signature`.
    public func signedQuery(_ parameters: [(String, String)], timestamp: Timestamp) -> String {
        let millis = timestamp.nanosecondsSinceEpoch / 1_000_000
        let payload = (parameters + [("recvWindow", String(receiveWindow)), ("timestamp", String(millis))])
            .map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return payload + "&signature=" + signature(of: payload)
    }

    /// `application/x-www-form-urlencoded` value encoding (RFC 3986 unreserved characters kept).
    public static func encode(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF")
                result += "%" + String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
            }
        }
        return result
    }

    /// Never shows the secret.
    public var description: String { "BinanceSigner(recvWindow: \(receiveWindow), secret: <redacted>)" }
}
