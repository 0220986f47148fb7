/// What is wrong with a CSV row.
public enum CSVIssueKind: String, Hashable, Sendable, CaseIterable {
    case emptyFile
    case missingColumn
    case malformedRow
    case invalidTimestamp
    case notANumber
    case nonPositivePrice
    case negativeVolume
    case inconsistentPrices
    case valueOutOfRange
    case duplicateTimestamp
    case outOfOrderTimestamp
}

/// One problem in a CSV file, located by file, line and column (both 1-based).
public struct CSVIssue: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// 1-based column number; 0 when the problem concerns the whole row.
    public var column: Int
    /// The header name of that column, if known.
    public var columnName: String?
    public var kind: CSVIssueKind
    public var message: String

    public init(file: String, line: Int, column: Int, columnName: String?, kind: CSVIssueKind, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
        self.kind = kind
        self.message = message
    }

    /// `file:line:column: message (column 'name')`, the format compilers use, so editors can jump to it.
    public var description: String {
        let location = column > 0 ? "\(file):\(line):\(column)" : "\(file):\(line)"
        let name = columnName.map { " (column '\($0)')" } ?? ""
        return "\(location): \(message)\(name)"
    }
}

/// Errors from reading market data.
public enum MarketDataError: Error, Equatable, Sendable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case invalidRow(CSVIssue)
    case invalidInstrument(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .invalidRow(let issue): issue.description
        case .invalidInstrument(let reason): reason
        }
    }
}
