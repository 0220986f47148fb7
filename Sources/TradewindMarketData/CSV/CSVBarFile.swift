import Foundation
public import TradewindCore

/// Reads bar files from disk: the I/O edge in front of ``CSVBarParser``.
public enum CSVBarFile {
    /// The instrument a file describes, guessed from its name: `GOOG-1d.csv` → `GOOG.CSV`.
    public static func defaultInstrumentID(forPath path: String) -> InstrumentID {
        let name = (path as NSString).lastPathComponent
        let stem = name.split(separator: ".").first.map(String.init) ?? name
        let symbol = stem.split(separator: "-").first.map(String.init) ?? stem
        return InstrumentID(symbol: symbol.isEmpty ? "DATA" : symbol, venue: "CSV")
    }

    /// The file's bytes.
    /// - Throws: ``MarketDataError/unreadable(path:reason:)``.
    public static func bytes(atPath path: String) throws(MarketDataError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadable(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw .unreadable(path: path, reason: "is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: path, reason: "permission denied or I/O error")
        }
        return [UInt8](data)
    }

    /// Loads a bar file strictly.
    /// - Throws: ``MarketDataError`` naming the file, line and column of the first problem.
    public static func load(path: String, instrumentID: InstrumentID? = nil, convention: BarTimestampConvention = .open,
                            interval: BarInterval? = nil) throws(MarketDataError) -> BarSeries {
        let parser = CSVBarParser(fileName: path, instrumentID: instrumentID ?? defaultInstrumentID(forPath: path),
                                  convention: convention, interval: interval)
        return try parser.parse(bytes(atPath: path))
    }
}
