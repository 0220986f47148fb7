/// Reads the flat JSON objects a bot's journal holds (``JournalJSON``'s, or `JSONEncoder`'s for
/// the same values) without Foundation's decoder. A restart reads every order's entries, and
/// `JSONDecoder` (a container per object, a box per value) was two thirds of its time.
///
/// Only members whose values are strings, integers, `true`, `false` or `null` are read. Any other
/// shape (a nested value, a fraction or an exponent, a leading zero, a repeated key, text that is
/// not valid JSON) gives `nil`, and the caller decodes with `JSONDecoder`, whose answer or error
/// stands: this reader only ever agrees with it or steps aside.
enum JournalJSONReader {
    enum Value: Equatable {
        case string(String)
        case integer(Int64)
        case bool(Bool)
        case null
    }

    /// A flat object's members in the order written. A journal payload has a dozen at most, so
    /// finding one by comparing keys costs less than hashing them into a dictionary.
    struct Members {
        fileprivate var entries: [(key: String, value: Value)] = []

        subscript(key: String) -> Value? { entries.first { $0.key == key }?.value }
    }

    /// The object's members, or `nil` if the text is anything but a flat object of the values
    /// above with each key once.
    static func members(of text: String) -> Members? {
        var text = text
        return text.withUTF8 { bytes in
            var cursor = Cursor(bytes: bytes)
            return cursor.object()
        }
    }

    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var at = 0

        mutating func object() -> Members? {
            skipSpace()
            guard take(UInt8(ascii: "{")) else { return nil }
            var members = Members()
            skipSpace()
            if take(UInt8(ascii: "}")) { return atEnd() ? members : nil }
            while true {
                skipSpace()
                guard let key = string() else { return nil }
                skipSpace()
                guard take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                // A repeated key is left to `JSONDecoder` to judge.
                guard let value = value(), members[key] == nil else { return nil }
                members.entries.append((key, value))
                skipSpace()
                if take(UInt8(ascii: ",")) { continue }
                guard take(UInt8(ascii: "}")) else { return nil }
                return atEnd() ? members : nil
            }
        }

        private mutating func value() -> Value? {
            guard at < bytes.count else { return nil }
            switch bytes[at] {
            case UInt8(ascii: "\""): return string().map(Value.string)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return integer().map(Value.integer)
            case UInt8(ascii: "t"): return literal("true") ? .bool(true) : nil
            case UInt8(ascii: "f"): return literal("false") ? .bool(false) : nil
            case UInt8(ascii: "n"): return literal("null") ? .null : nil
            default: return nil
            }
        }

        private mutating func integer() -> Int64? {
            let negative = take(UInt8(ascii: "-"))
            let start = at
            var magnitude: Int64 = 0
            while at < bytes.count, bytes[at] >= UInt8(ascii: "0"), bytes[at] <= UInt8(ascii: "9") {
                let (times, overflowTimes) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflowSum) = times.addingReportingOverflow(Int64(bytes[at] - UInt8(ascii: "0")))
                guard !overflowTimes, !overflowSum else { return nil }
                magnitude = sum
                at += 1
            }
            let digits = at - start
            guard digits > 0, !(digits > 1 && bytes[start] == UInt8(ascii: "0")) else { return nil }
            if at < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[at]) { return nil }
            return negative ? -magnitude : magnitude
        }

        private mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = at
            // Text with no escape (ids, symbols, decimals) is taken whole.
            while at < bytes.count, bytes[at] != UInt8(ascii: "\""), bytes[at] != UInt8(ascii: "\\") {
                guard bytes[at] >= 0x20 else { return nil }
                at += 1
            }
            guard at < bytes.count else { return nil }
            // The bytes are a Swift string's (valid UTF-8) cut at ASCII quotes and backslashes, so
            // every piece is valid UTF-8 too: decoding repairs nothing.
            if bytes[at] == UInt8(ascii: "\"") {
                defer { at += 1 }
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<at]), as: UTF8.self)
            }
            var utf8 = Array(bytes[start..<at])
            while at < bytes.count {
                let byte = bytes[at]
                at += 1
                switch byte {
                case UInt8(ascii: "\""): return String(decoding: utf8, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard at < bytes.count else { return nil }
                    let escaped = bytes[at]
                    at += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escaped)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"):
                        guard let scalar = unicodeEscape() else { return nil }
                        utf8.append(contentsOf: String(Character(scalar)).utf8)
                    default: return nil
                    }
                case 0..<0x20: return nil
                default: utf8.append(byte)
                }
            }
            return nil
        }

        /// After `\u`: four hex digits, and for a high surrogate the `\uXXXX` of its low half.
        private mutating func unicodeEscape() -> Unicode.Scalar? {
            guard let unit = hex4() else { return nil }
            switch unit {
            case 0xD800...0xDBFF:
                guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hex4(), (0xDC00...0xDFFF).contains(low) else { return nil }
                return Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
            case 0xDC00...0xDFFF:
                return nil
            default:
                return Unicode.Scalar(unit)
            }
        }

        private mutating func hex4() -> UInt32? {
            guard at + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[at]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
                at += 1
            }
            return value
        }

        private mutating func literal(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard at + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[at + offset] != word.utf8Start[offset] { return false }
            at += count
            return true
        }

        private mutating func take(_ byte: UInt8) -> Bool {
            guard at < bytes.count, bytes[at] == byte else { return false }
            at += 1
            return true
        }

        private mutating func skipSpace() {
            while at < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[at]) { at += 1 }
        }

        private mutating func atEnd() -> Bool {
            skipSpace()
            return at == bytes.count
        }
    }
}

extension JournalJSONReader {
    /// A member that must be a string: `nil` when absent or of another type.
    static func string(_ members: Members, _ key: String) -> String? {
        if case .string(let text)? = members[key] { text } else { nil }
    }

    /// An optional string member: `.some(nil)` when absent or null, `nil` when of another type.
    static func optionalString(_ members: Members, _ key: String) -> String?? {
        switch members[key] {
        case nil, .null?: .some(nil)
        case .string(let text)?: .some(text)
        default: nil
        }
    }

    /// An optional integer member: `.some(nil)` when absent or null, `nil` when of another type.
    static func optionalInteger(_ members: Members, _ key: String) -> Int64?? {
        switch members[key] {
        case nil, .null?: .some(nil)
        case .integer(let value)?: .some(value)
        default: nil
        }
    }
}
