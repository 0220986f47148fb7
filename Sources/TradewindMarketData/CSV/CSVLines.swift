/// Splits CSV bytes into numbered lines and lines into fields.
///
/// Handles `\n` and `\r\n` endings and double-quoted fields (`"a,b"`, `""` for a
/// quote). Quoted fields may not span lines; bar files never need that.
struct CSVLines {
    struct Line {
        var number: Int
        var bytes: ArraySlice<UInt8>
    }

    private let bytes: [UInt8]
    private var position = 0
    private var lineNumber = 0

    init(_ bytes: [UInt8]) {
        // A UTF-8 byte-order mark is not part of the first column's name.
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { position = 3 }
    }

    var isAtEnd: Bool { position >= bytes.count }

    mutating func next() -> Line? {
        guard position < bytes.count else { return nil }
        lineNumber += 1
        let start = position
        var end = start
        while end < bytes.count && bytes[end] != 10 { end += 1 }
        position = end + 1
        var lineEnd = end
        if lineEnd > start && bytes[lineEnd - 1] == 13 { lineEnd -= 1 }
        return Line(number: lineNumber, bytes: bytes[start..<lineEnd])
    }

    /// A header line's column names, trimmed and lower-cased (names match in any letter case).
    static func headerNames(_ line: ArraySlice<UInt8>) -> [String] {
        var names: [ArraySlice<UInt8>] = []
        Self.fields(of: line, into: &names)
        return names.map { String(decoding: $0, as: UTF8.self).trimmed.lowercased() }
    }

    /// Splits `line` into `fields`, replacing its contents (its capacity is reused).
    static func fields(of line: ArraySlice<UInt8>, into fields: inout [ArraySlice<UInt8>]) {
        fields.removeAll(keepingCapacity: true)
        var i = line.startIndex
        var start = i
        var quoted = false
        var hadQuotes = false
        while i < line.endIndex {
            let byte = line[i]
            if byte == 34 {  // '"'
                quoted.toggle()
                hadQuotes = true
            } else if byte == 44 && !quoted {  // ','
                fields.append(unquote(line[start..<i], hadQuotes))
                start = i + 1
                hadQuotes = false
            }
            i += 1
        }
        fields.append(unquote(line[start..<line.endIndex], hadQuotes))
    }

    private static func unquote(_ field: ArraySlice<UInt8>, _ hadQuotes: Bool) -> ArraySlice<UInt8> {
        guard hadQuotes else { return field }
        let trimmed = field.trimmedSpaces
        guard trimmed.count >= 2, trimmed.first == 34, trimmed.last == 34 else { return field }
        let inner = trimmed.dropFirst().dropLast()
        guard inner.contains(34) else { return inner }
        var result: [UInt8] = []
        var i = inner.startIndex
        while i < inner.endIndex {
            result.append(inner[i])
            if inner[i] == 34 { i += 1 }  // "" → "
            i += 1
        }
        return result[...]
    }
}

extension BidirectionalCollection<UInt8> where SubSequence == Self {
    /// Without leading and trailing spaces and tabs.
    var trimmedSpaces: Self {
        var slice = self
        while let first = slice.first, first == 32 || first == 9 { slice.removeFirst() }
        while let last = slice.last, last == 32 || last == 9 { slice.removeLast() }
        return slice
    }
}
