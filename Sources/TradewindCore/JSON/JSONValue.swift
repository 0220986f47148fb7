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
    /// A long array (an equity curve, the closed trades) written straight to bytes by its
    /// source, one element per line, so a million points need no million nodes.
    case rows(any JSONRows)

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

    /// Arrays of ``rows(_:)`` at least this long are
    /// written in pieces on all cores and joined in order: the bytes are the same either way.
    static let parallelRows = 16_384

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
        case .rows(let rows):
            JSONValue.writeRows(rows, to: &output, indent: indent, level: level)
        case .string(let text): JSONValue.writeString(text, to: &output)
        case .number(let text): output.append(contentsOf: text.utf8)
        case .bool(let value): output.append(contentsOf: (value ? "true" : "false").utf8)
        case .null: output.append(contentsOf: "null".utf8)
        }
    }

    /// An array written one element per line; long arrays are cut into pieces written
    /// concurrently into their own buffers, then appended in order.
    private static func writeRows<Rows: JSONRows>(_ rows: Rows, to output: inout [UInt8], indent: Int, level: Int) {
        let count = rows.count
        guard count > 0 else { output += Array("[]".utf8); return }
        output.append(UInt8(ascii: "["))
        if indent > 0 { output.append(0x0A) }
        let layout = JSONLayout(indent: indent, level: level + 1)
        let padding = [UInt8](repeating: 0x20, count: indent * (level + 1))
        let estimate = rows.bytesPerRow + padding.count + 2
        let pieces = Parallel.cores > 1 && count >= parallelRows ? Parallel.cores * 4 : 1
        if pieces == 1 {
            // Rows are many: size the buffer once rather than doubling it repeatedly.
            JSONValue.ensureRoom(count * estimate, in: &output)
            writeRange(0..<count, of: rows, padding: padding, layout: layout, to: &output)
        } else {
            let written = Parallel.map(pieces) { piece in
                let range = count * piece / pieces ..< count * (piece + 1) / pieces
                var bytes: [UInt8] = []
                bytes.reserveLarge(range.count * estimate)
                writeRange(range, of: rows, padding: padding, layout: layout, to: &bytes)
                return bytes
            }
            JSONValue.ensureRoom(written.reduce(0) { $0 + $1.count }, in: &output)
            for bytes in written { output.append(contentsOf: bytes) }
        }
        output.append(contentsOf: padding.dropLast(indent))
        output.append(UInt8(ascii: "]"))
    }

    /// Makes room for `extra` more bytes. A larger buffer copies everything written so far, so
    /// it grows with room to spare: capacity that is never written costs no memory.
    private static func ensureRoom(_ extra: Int, in output: inout [UInt8]) {
        guard output.capacity - output.count < extra else { return }
        output.reserveLarge(output.count + extra + output.count / 2 + (64 << 10))
    }

    /// Elements `range` with their indentation, commas and newlines. Everything comes in as
    /// an argument: values captured by the concurrent closure would be retained on every row,
    /// from two threads at once. The padding is appended from a buffer pointer for the same
    /// reason: appending the array itself retained and released it on every row, and the
    /// pieces share one array, so its reference count bounced between the cores.
    private static func writeRange<Rows: JSONRows>(_ range: Range<Int>, of rows: Rows, padding: [UInt8], layout: JSONLayout,
                                                   to output: inout [UInt8]) {
        let last = rows.count - 1
        padding.withUnsafeBufferPointer { padding in
            for index in range {
                output.append(contentsOf: padding)
                rows.write(index, to: &output, layout: layout)
                if index < last { output.append(UInt8(ascii: ",")) }
                if layout.indent > 0 { output.append(0x0A) }
            }
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

/// The elements of a long JSON array, written straight to bytes (``JSONValue/rows(_:)``).
/// Rows may be written concurrently from several threads, so writing must only read.
public protocol JSONRows: Sendable {
    var count: Int { get }
    /// A guess of one element's length, to size buffers once.
    var bytesPerRow: Int { get }
    /// Appends element `index` as one complete JSON value. Scalars and short arrays ignore
    /// `layout`; an object lays itself out with it, as ``JSONValue/object(_:)`` would be.
    func write(_ index: Int, to output: inout [UInt8], layout: JSONLayout)
}

/// Where a value written by ``JSONRows`` sits: spaces per level (0 for compact) and its level.
public struct JSONLayout: Sendable {
    public var indent: Int
    public var level: Int

    /// `{`, then the members (``member(_:first:to:)`` before each value), then ``endObject(to:)``:
    /// the same bytes as ``JSONValue/object(_:)`` of a non-empty object.
    public func beginObject(to output: inout [UInt8]) {
        output.append(UInt8(ascii: "{"))
    }

    /// The separator, indentation and key before a member's value.
    public func member(_ key: String, first: Bool, to output: inout [UInt8]) {
        if !first { output.append(UInt8(ascii: ",")) }
        if indent > 0 {
            output.append(0x0A)
            output.append(contentsOf: repeatElement(0x20, count: indent * (level + 1)))
        }
        JSONValue.writeString(key, to: &output)
        output.append(UInt8(ascii: ":"))
        if indent > 0 { output.append(0x20) }
    }

    public func endObject(to output: inout [UInt8]) {
        if indent > 0 {
            output.append(0x0A)
            output.append(contentsOf: repeatElement(0x20, count: indent * level))
        }
        output.append(UInt8(ascii: "}"))
    }
}
