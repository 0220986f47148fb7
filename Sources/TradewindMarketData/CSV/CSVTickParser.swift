public import TradewindCore

/// What a market-data CSV file holds, decided by its header.
public enum CSVDataKind: String, Sendable {
    /// `timestamp,open,high,low,close,volume`
    case bars
    /// `timestamp,bid,ask[,bid_size,ask_size]`
    case quotes
    /// `timestamp,price[,size]`
    case trades

    /// The kind a header line names; `nil` if it names none.
    public static func detect(header: [UInt8]) -> CSVDataKind? {
        let names = Set(CSVLines.headerNames(header[...]))
        if names.isSuperset(of: ["open", "high", "low", "close"]) { return .bars }
        if names.isSuperset(of: ["bid", "ask"]) { return .quotes }
        if names.contains("price") { return .trades }
        return nil
    }
}

/// Quotes or trade prints of one instrument, in time order.
public struct TickSeries: Sendable {
    public var instrument: Instrument
    public var quotes: [Quote]
    public var trades: [Tick]

    /// The events, for an instrument at `index` of a run.
    public func events(instrument index: Int) -> [MarketEvent] {
        quotes.isEmpty ? trades.map { .trade(TradeTickEvent(instrument: index, tick: $0)) }
                       : quotes.map { .quote(QuoteEvent(instrument: index, quote: $0)) }
    }
}

/// Parses quote (`timestamp,bid,ask[,bid_size,ask_size]`) or trade-print (`timestamp,price[,size]`)
/// CSV. Column names in any order and case; timestamps as for bars (ISO-8601 or epoch); values
/// exact decimals. Size columns are optional; a missing or zero size means "unknown", and the
/// simulated venue then caps nothing. Rows must not go back in time (equal times keep file
/// order). The first problem is thrown with file, line and column.
public struct CSVTickParser: Sendable {
    public var fileName: String
    public var instrumentID: InstrumentID

    public init(fileName: String, instrumentID: InstrumentID) {
        self.fileName = fileName
        self.instrumentID = instrumentID
    }

    /// - Throws: ``MarketDataError/invalidRow(_:)`` naming file, line and column.
    public func parse(_ bytes: [UInt8]) throws(MarketDataError) -> TickSeries {
        var lines = CSVLines(bytes)
        guard let header = lines.next() else { throw .invalidRow(issue(1, 0, nil, .emptyFile, "the file is empty; expected a header line")) }
        var fields: [ArraySlice<UInt8>] = []
        let names = CSVLines.headerNames(header.bytes)
        guard let time = names.firstIndex(where: CSVBarParser.timestampNames.contains) else {
            throw .invalidRow(issue(1, 0, nil, .missingColumn, "header has no 'timestamp' column; found \(names)"))
        }
        let isQuotes = names.contains("bid") && names.contains("ask")
        let wanted = isQuotes ? ["bid", "ask", "bid_size", "ask_size"] : ["price", "size"]
        let required = isQuotes ? 2 : 1
        let columns: [Int?] = wanted.map { name in names.firstIndex(of: name) ?? (name == "size" ? names.firstIndex(of: "volume") : nil) }
        for k in 0..<required where columns[k] == nil {
            throw .invalidRow(issue(1, 0, nil, .missingColumn, "header has no '\(wanted[k])' column; found \(names)"))
        }

        var quotes: [Quote] = []
        var trades: [Tick] = []
        var priceScale: UInt8 = 0
        var sizeScale: UInt8 = 0
        var rows: [(Timestamp, [ParsedDecimal?], Int)] = []
        var previous: Timestamp?
        while let line = lines.next() {
            if line.bytes.isEmpty && lines.isAtEnd { break }
            CSVLines.fields(of: line.bytes, into: &fields)
            let needed = ([time] + columns.compactMap { $0 }).max()! + 1
            guard fields.count >= needed else {
                throw .invalidRow(issue(line.number, fields.count + 1, nil, .malformedRow, "row has \(fields.count) fields, expected \(names.count)"))
            }
            guard let stamp = CSVBarParser.parseTimestamp(fields[time]) else {
                throw .invalidRow(issue(line.number, time + 1, names[time], .invalidTimestamp,
                                        "'\(String(decoding: fields[time], as: UTF8.self))' is not an ISO-8601 date-time or epoch number"))
            }
            if let previous, stamp < previous {
                throw .invalidRow(issue(line.number, time + 1, names[time], .outOfOrderTimestamp, "timestamp \(stamp) is before \(previous); rows must ascend"))
            }
            previous = stamp
            var values: [ParsedDecimal?] = []
            for (k, column) in columns.enumerated() {
                guard let column else {
                    values.append(nil)
                    continue
                }
                guard let value = ParsedDecimal.parse(utf8: fields[column].trimmedSpaces) else {
                    throw .invalidRow(issue(line.number, column + 1, names[column], .notANumber,
                                            "'\(String(decoding: fields[column], as: UTF8.self))' is not a decimal number"))
                }
                let isPrice = k < required
                if isPrice && value.mantissa <= 0 {
                    throw .invalidRow(issue(line.number, column + 1, names[column], .nonPositivePrice, "price \(value.mantissa) must be positive"))
                }
                if !isPrice && value.mantissa < 0 {
                    throw .invalidRow(issue(line.number, column + 1, names[column], .negativeVolume, "size must not be negative"))
                }
                if isPrice { priceScale = max(priceScale, value.scale) } else { sizeScale = max(sizeScale, value.scale) }
                values.append(value)
            }
            if isQuotes, let bid = values[0], let ask = values[1], ask.isLess(than: bid) {
                throw .invalidRow(issue(line.number, columns[1]! + 1, "ask", .inconsistentPrices, "ask is below bid"))
            }
            rows.append((stamp, values, line.number))
        }
        guard !rows.isEmpty else { throw .invalidRow(issue(2, 0, nil, .emptyFile, "the file has a header but no data rows")) }
        let instrument: Instrument
        do { instrument = try Instrument(id: instrumentID, pricePrecision: priceScale, sizePrecision: sizeScale) } catch {
            throw .invalidInstrument(error.description)
        }
        for (stamp, values, lineNumber) in rows {
            func price(_ k: Int) throws(MarketDataError) -> Price {
                guard let raw = values[k]!.raw(atPrecision: priceScale) else {
                    throw .invalidRow(issue(lineNumber, columns[k]! + 1, wanted[k], .valueOutOfRange, "does not fit 64 bits at the file's precision"))
                }
                return Price(uncheckedRaw: raw, precision: priceScale)
            }
            func size(_ k: Int) throws(MarketDataError) -> Quantity {
                guard let value = values[k] else { return .zero(precision: sizeScale) }
                guard let raw = value.raw(atPrecision: sizeScale) else {
                    throw .invalidRow(issue(lineNumber, columns[k]! + 1, wanted[k], .valueOutOfRange, "does not fit 64 bits at the file's precision"))
                }
                return Quantity(uncheckedRaw: raw, precision: sizeScale)
            }
            if isQuotes {
                quotes.append(Quote(time: stamp, bid: try price(0), ask: try price(1), bidSize: try size(2), askSize: try size(3)))
            } else {
                trades.append(Tick(time: stamp, price: try price(0), size: try size(1)))
            }
        }
        return TickSeries(instrument: instrument, quotes: quotes, trades: trades)
    }

    func issue(_ line: Int, _ column: Int, _ name: String?, _ kind: CSVIssueKind, _ message: String) -> CSVIssue {
        CSVIssue(file: fileName, line: line, column: column, columnName: name, kind: kind, message: message)
    }
}
