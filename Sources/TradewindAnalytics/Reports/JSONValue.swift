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
        var output = ""
        write(to: &output, indent: indent, level: 0)
        return output
    }

    private func write(to output: inout String, indent: Int, level: Int) {
        let newline = indent > 0 ? "\n" : ""
        let pad = String(repeating: " ", count: indent * (level + 1))
        let closePad = String(repeating: " ", count: indent * level)
        switch self {
        case .object(let members):
            guard !members.isEmpty else { output += "{}"; return }
            output += "{" + newline
            for (index, (key, value)) in members.enumerated() {
                output += pad
                JSONValue.writeString(key, to: &output)
                output += indent > 0 ? ": " : ":"
                value.write(to: &output, indent: indent, level: level + 1)
                output += (index + 1 < members.count ? "," : "") + newline
            }
            output += closePad + "}"
        case .array(let elements):
            guard !elements.isEmpty else { output += "[]"; return }
            // Scalar arrays (an equity point, a parameter pair) stay on one line.
            if indent == 0 || !elements.contains(where: \.isContainer) {
                output += "["
                for (index, element) in elements.enumerated() {
                    if index > 0 { output += indent > 0 ? ", " : "," }
                    element.write(to: &output, indent: 0, level: 0)
                }
                output += "]"
                return
            }
            output += "[" + newline
            for (index, element) in elements.enumerated() {
                output += pad
                element.write(to: &output, indent: indent, level: level + 1)
                output += (index + 1 < elements.count ? "," : "") + newline
            }
            output += closePad + "]"
        case .string(let text): JSONValue.writeString(text, to: &output)
        case .number(let text): output += text
        case .bool(let value): output += value ? "true" : "false"
        case .null: output += "null"
        }
    }

    private var isContainer: Bool {
        switch self {
        case .object, .array: true
        default: false
        }
    }

    static func writeString(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
