import Foundation
public import TradewindCore

/// Reads bar files from disk: the I/O edge in front of ``CSVBarParser``.
public enum CSVBarFile {
    /// Bars as the files this reads: `timestamp,open,high,low,close,volume`, ISO-8601 open times.
    public static func text(_ bars: some Collection<Bar>) -> String {
        var text = "timestamp,open,high,low,close,volume\n"
        text.reserveCapacity(bars.count * 64)
        for bar in bars { text += "\(bar.openTime.iso8601),\(bar.open),\(bar.high),\(bar.low),\(bar.close),\(bar.volume)\n" }
        return text
    }

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
        // Read straight into the array: going through `Data` would copy every byte once more.
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .unreadable(path: path, reason: "permission denied or I/O error") }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw .unreadable(path: path, reason: "cannot stat") }
        let size = Int(status.st_size)
        var failed = false
        let content = [UInt8](unsafeUninitializedCapacity: size) { buffer, initialized in
            initialized = 0
            if let base = buffer.baseAddress { HugePages.advise(base, bytes: size) }
            while initialized < size {
                let count = read(descriptor, buffer.baseAddress! + initialized, size - initialized)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else {
                    failed = count < 0
                    return
                }
                initialized += count
            }
        }
        guard !failed else { throw .unreadable(path: path, reason: "I/O error while reading") }
        return content
    }

    /// Loads a bar file strictly.
    /// - Throws: ``MarketDataError`` naming the file, line and column of the first problem.
    public static func load(path: String, instrumentID: InstrumentID? = nil, convention: BarTimestampConvention = .open,
                            interval: BarInterval? = nil) throws(MarketDataError) -> BarSeries {
        let parser = CSVBarParser(fileName: path, instrumentID: instrumentID ?? defaultInstrumentID(forPath: path),
                                  convention: convention, interval: interval)
        return try parser.parse(bytes(atPath: path))
    }

    /// Loads a file of bars, quotes or trade prints, whichever its header names.
    /// - Throws: ``MarketDataError`` naming the file, line and column of the first problem.
    public static func loadAny(path: String, instrumentID: InstrumentID? = nil, convention: BarTimestampConvention = .open)
        throws(MarketDataError) -> MarketDataFile {
        let content = try bytes(atPath: path)
        let headerEnd = content.firstIndex(of: 10) ?? content.endIndex
        let start = content.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        let id = instrumentID ?? defaultInstrumentID(forPath: path)
        switch CSVDataKind.detect(header: Array(content[min(start, headerEnd)..<headerEnd])) {
        case .quotes, .trades:
            return .ticks(try CSVTickParser(fileName: path, instrumentID: id).parse(content))
        case .bars, nil:
            // Bars are the default: their parser names the missing columns.
            return .bars(try CSVBarParser(fileName: path, instrumentID: id, convention: convention).parse(content))
        }
    }
}

/// What a market-data file held.
public enum MarketDataFile: Sendable {
    case bars(BarSeries)
    case ticks(TickSeries)

    public var instrument: Instrument {
        switch self {
        case .bars(let series): series.instrument
        case .ticks(let series): series.instrument
        }
    }
}
