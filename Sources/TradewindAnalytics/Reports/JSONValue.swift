/// A JSON document built in memory with keys in insertion order.
///
/// Numbers are kept as their exact decimal text, so money printed from a
/// `Money` is the exact amount, not a binary-floating-point approximation.
public indirect enum JSONValue: Hashable, Sendable {
    case object([(String, JSONValue)])
    case array([JSONValue])
    case string(String)
    /// Decimal text that is a valid JSON number.
    case number(String)
    case bool(Bool)
    case null
    /// A long array of small rows (an equity curve), each written straight to bytes by `row`
    /// as one complete JSON value on one line, so a million points need no million nodes.
    case rows(count: Int, row: @Sendable (Int, inout [UInt8]) -> Void)

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.rendered() == rhs.rendered() }
    public func hash(into hasher: inout Hasher) { hasher.combine(rendered()) }

    /// A JSON number from a `Double`; non-finite values become `null`.
    public static func double(_ value: Double?) -> JSONValue {
        guard let value, value.isFinite else { return .null }
        return .number(value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)")
    }

    public static func int(_ value: Int) -> JSONValue { .number(String(value)) }

    /// Serialises the value; `indent` > 0 pretty-prints with that many spaces per level.
    public func rendered(indent: Int = 0) -> String {
        String(decoding: renderedBytes(indent: indent), as: UTF8.self)
    }

    /// The UTF-8 bytes of ``rendered(indent:)``.
    public func renderedBytes(indent: Int = 0) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(4096)
        write(to: &output, indent: indent, level: 0)
        return output
    }

    private func write(to output: inout [UInt8], indent: Int, level: Int) {
        func newline() { if indent > 0 { output.append(0x0A) } }
        func pad(_ level: Int) { output.append(contentsOf: repeatElement(0x20, count: indent * level)) }
        switch self {
        case .object(let members):
            guard !members.isEmpty else { output += Array("{}".utf8); return }
            output.append(UInt8(ascii: "{"))
            newline()
            for (index, (key, value)) in members.enumerated() {
                pad(level + 1)
                JSONValue.writeString(key, to: &output)
                output.append(UInt8(ascii: ":"))
                if indent > 0 { output.append(0x20) }
                value.write(to: &output, indent: indent, level: level + 1)
                if index + 1 < members.count { output.append(UInt8(ascii: ",")) }
                newline()
            }
            pad(level)
            output.append(UInt8(ascii: "}"))
        case .array(let elements):
            guard !elements.isEmpty else { output += Array("[]".utf8); return }
            // Scalar arrays (an equity point, a parameter pair) stay on one line.
            if indent == 0 || !elements.contains(where: \.isContainer) {
                output.append(UInt8(ascii: "["))
                for (index, element) in elements.enumerated() {
                    if index > 0 {
                        output.append(UInt8(ascii: ","))
                        if indent > 0 { output.append(0x20) }
                    }
                    element.write(to: &output, indent: 0, level: 0)
                }
                output.append(UInt8(ascii: "]"))
                return
            }
            output.append(UInt8(ascii: "["))
            newline()
            for (index, element) in elements.enumerated() {
                pad(level + 1)
                element.write(to: &output, indent: indent, level: level + 1)
                if index + 1 < elements.count { output.append(UInt8(ascii: ",")) }
                newline()
            }
            pad(level)
            output.append(UInt8(ascii: "]"))
        case .rows(let count, let row):
            guard count > 0 else { output += Array("[]".utf8); return }
            // Rows are short and many: size the buffer once rather than doubling it repeatedly.
            output.reserveCapacity(output.count + count * (48 + indent * (level + 1)))
            output.append(UInt8(ascii: "["))
            newline()
            for index in 0..<count {
                pad(level + 1)
                row(index, &output)
                if index + 1 < count { output.append(UInt8(ascii: ",")) }
                newline()
            }
            pad(level)
            output.append(UInt8(ascii: "]"))
        case .string(let text): JSONValue.writeString(text, to: &output)
        case .number(let text): output.append(contentsOf: text.utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .null: output.append(contentsOf: "null".utf8)
        }
    }

    private var isContainer: Bool {
        switch self {
        case .object, .array, .rows: true
        default: false
        }
    }

    /// A JSON string: quotes, backslashes and control characters escaped, the rest as UTF-8.
    public static func writeString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): output += [0x5C, 0x22]
            case UInt8(ascii: "\\"): output += [0x5C, 0x5C]
            case 0x0A: output += [0x5C, UInt8(ascii: "n")]
            case 0x0D: output += [0x5C, UInt8(ascii: "r")]
            case 0x09: output += [0x5C, UInt8(ascii: "t")]
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                output += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: output.append(byte)
            }
        }
        output.append(UInt8(ascii: "\""))
    }
}
