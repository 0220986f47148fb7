import TradewindCore

/// A flat JSON object written straight to bytes, exactly as `JSONEncoder` with `.sortedKeys`
/// writes the same `Codable` value: the payloads of the entries a live bot journals on every bar
/// and every order. Encoding them through `JSONEncoder` took a sixth of a node's CPU (a
/// containers-and-boxes encoder per entry); this writes ≈ 100 bytes with one buffer.
///
/// Members must be added in the order `JSONEncoder` sorts their keys in; absent optionals are
/// left out, as synthesised `Codable` leaves them out. A differential test checks every payload
/// type against `JSONEncoder`, escapes included.
struct JournalJSON {
    private var bytes: [UInt8]
    private static let hexDigits = Array("0123456789abcdef".utf8)

    init() {
        bytes = [UInt8(ascii: "{")]
        bytes.reserveCapacity(192)
    }

    mutating func string(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        self.key(key)
        append(quoted: value)
    }

    mutating func integer(_ key: StaticString, _ value: Int64?) {
        guard let value else { return }
        self.key(key)
        FixedPoint.appendFormatted(value, precision: 0, to: &bytes)
    }

    /// A decimal as its exact text, quoted (as its `description` is encoded), without building the text.
    mutating func decimal(_ key: StaticString, _ value: (some DecimalValue)?) {
        guard let value else { return }
        self.key(key)
        bytes.append(UInt8(ascii: "\""))
        value.appendDecimal(to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// An instrument as its `description` (`SYMBOL.VENUE`), quoted, without building the text.
    mutating func instrument(_ key: StaticString, _ id: InstrumentID) {
        self.key(key)
        bytes.append(UInt8(ascii: "\""))
        appendEscaped(id.symbol)
        bytes.append(UInt8(ascii: "."))
        appendEscaped(id.venue)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func bool(_ key: StaticString, _ value: Bool) {
        self.key(key)
        bytes.append(contentsOf: value ? "true".utf8 : "false".utf8)
    }

    /// The object's text; the writer is spent.
    consuming func finish() -> String {
        bytes.append(UInt8(ascii: "}"))
        return String(decoding: bytes, as: UTF8.self)
    }

    private mutating func key(_ key: StaticString) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: "\":".utf8)
    }

    /// `JSONEncoder`'s escapes: quote, backslash and slash get a backslash, the usual control
    /// characters their letter, other control characters `\u00XX`; everything else is copied.
    private mutating func append(quoted text: String) {
        bytes.append(UInt8(ascii: "\""))
        appendEscaped(text)
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscaped(_ text: String) {
        // Ids, symbols and decimal text need no escape: copied whole, not byte by byte.
        var text = text
        let copied = text.withUTF8 { utf8 -> Bool in
            guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "/") }) else {
                return false
            }
            bytes.append(contentsOf: utf8)
            return true
        }
        if copied { return }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(byte)
            case 0x0A: bytes.append(contentsOf: "\\n".utf8)
            case 0x0D: bytes.append(contentsOf: "\\r".utf8)
            case 0x09: bytes.append(contentsOf: "\\t".utf8)
            case 0x08: bytes.append(contentsOf: "\\b".utf8)
            case 0x0C: bytes.append(contentsOf: "\\f".utf8)
            case 0..<0x20:
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0x0F)])
            default:
                bytes.append(byte)
            }
        }
    }
}
