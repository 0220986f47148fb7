public import TradewindCore
import TradewindMarketData

/// A series of simple returns read from `timestamp,return` CSV.
public struct ReturnSeries: Sendable {
    public var times: [Timestamp]
    public var returns: [Double]

    /// - Throws: ``ReturnSeriesError`` naming the file and line of the first bad row.
    public init(csv text: String, fileName: String) throws(ReturnSeriesError) {
        var times: [Timestamp] = []
        var returns: [Double] = []
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first?.lowercased().split(separator: ",").map(trimmed),
              header.count >= 2, let returnColumn = header.firstIndex(of: "return") ?? header.firstIndex(of: "returns") else {
            throw .invalid(file: fileName, line: 1, reason: "expected a header with timestamp and return columns")
        }
        for (offset, line) in lines.enumerated().dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(trimmed)
            guard fields.count == header.count else {
                throw .invalid(file: fileName, line: offset + 1, reason: "expected \(header.count) fields, found \(fields.count)")
            }
            guard let time = Timestamp(iso8601: fields[0]) else {
                throw .invalid(file: fileName, line: offset + 1, reason: "timestamp '\(fields[0])' is not ISO-8601")
            }
            guard let value = Double(fields[returnColumn]), value.isFinite, value > -1 else {
                throw .invalid(file: fileName, line: offset + 1, reason: "return '\(fields[returnColumn])' must be a finite number above -1")
            }
            if let last = times.last, time <= last {
                throw .invalid(file: fileName, line: offset + 1, reason: "timestamp \(fields[0]) does not come after \(last.iso8601)")
            }
            times.append(time)
            returns.append(value)
        }
        guard !returns.isEmpty else { throw .invalid(file: fileName, line: 1, reason: "no returns") }
        self.times = times
        self.returns = returns
    }

    /// Periods per year implied by the timestamps (``Annualization``); 252 when they cannot tell.
    public var periodsPerYear: Double { Annualization.periodsPerYear(times: times) ?? 252 }
}

public enum ReturnSeriesError: Error, Equatable, CustomStringConvertible {
    case invalid(file: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .invalid(let file, let line, let reason): "\(file):\(line): \(reason)"
        }
    }
}

private func trimmed(_ text: Substring) -> String {
    String(text.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
}
