public import TradewindCore

/// Parses OHLCV bars from CSV bytes. Pure: file reading lives in ``CSVBarFile``.
///
/// The header must name `timestamp` (or `date`, `datetime`, `time`), `open`,
/// `high`, `low`, `close` and `volume`, in any order and letter case; other columns
/// are ignored. Timestamps are ISO-8601 (UTC unless an offset is given) or epoch
/// numbers, read by magnitude: below 10^11 seconds, below 10^14 milliseconds,
/// below 10^17 microseconds, else nanoseconds. Numbers are read as exact decimals.
/// Rows must ascend strictly in time. Nothing is skipped: in strict mode the first
/// problem is thrown; ``scan(_:)`` reports every problem.
public struct CSVBarParser: Sendable {
    /// Name used in error messages (usually the file path).
    public var fileName: String
    public var instrumentID: InstrumentID
    public var convention: BarTimestampConvention
    /// Overrides interval detection.
    public var interval: BarInterval?

    public init(fileName: String, instrumentID: InstrumentID, convention: BarTimestampConvention = .open, interval: BarInterval? = nil) {
        self.fileName = fileName
        self.instrumentID = instrumentID
        self.convention = convention
        self.interval = interval
    }

    /// Parses the whole input or throws the first problem.
    /// - Throws: ``MarketDataError/invalidRow(_:)`` naming file, line and column.
    public func parse(_ bytes: [UInt8]) throws(MarketDataError) -> BarSeries {
        var rows = RowCollector(limit: 1)
        read(bytes, into: &rows)
        if let issue = rows.issues.first { throw .invalidRow(issue) }
        return try makeSeries(rows)
    }

    /// The result of a lenient read: every problem, plus the rows that had none.
    public struct Scan: Sendable {
        /// Data rows in the file (excluding the header).
        public var rowCount: Int
        public var issues: [CSVIssue]
        /// Series of the rows without problems; `nil` if no row was usable.
        public var series: BarSeries?
    }

    /// Reads everything, collecting up to `issueLimit` problems instead of stopping at the first.
    public func scan(_ bytes: [UInt8], issueLimit: Int = 1_000) -> Scan {
        var rows = RowCollector(limit: issueLimit)
        read(bytes, into: &rows)
        let series = rows.stamps.isEmpty ? nil : try? makeSeries(rows)
        return Scan(rowCount: rows.dataRows, issues: rows.issues, series: series)
    }

    // MARK: - Reading

    struct RowCollector {
        let limit: Int
        var issues: [CSVIssue] = []
        var dataRows = 0
        var lines: [Int] = []
        var stamps: [Timestamp] = []
        /// The accepted rows as bars at the precisions seen so far (times are the row stamps
        /// until ``makeSeries`` applies the timestamp convention).
        var bars: [Bar] = []
        var priceScale: UInt8 = 0
        var volumeScale: UInt8 = 0

        /// Brings every bar so far to larger precisions (a row with more decimals arrived);
        /// `false` if a value would no longer fit 64 bits.
        mutating func rescale(price: UInt8, volume: UInt8) -> Bool {
            let priceFactor = FixedPoint.pow10(price - priceScale)
            let volumeFactor = FixedPoint.pow10(volume - volumeScale)
            for index in bars.indices {
                var bar = bars[index]
                var overflow = false
                func scaled(_ raw: Int64, _ factor: Int64) -> Int64 {
                    let (value, over) = raw.multipliedReportingOverflow(by: factor)
                    overflow = overflow || over
                    return value
                }
                bar.openRaw = scaled(bar.openRaw, priceFactor)
                bar.highRaw = scaled(bar.highRaw, priceFactor)
                bar.lowRaw = scaled(bar.lowRaw, priceFactor)
                bar.closeRaw = scaled(bar.closeRaw, priceFactor)
                bar.volumeRaw = scaled(bar.volumeRaw, volumeFactor)
                bar.pricePrecision = price
                bar.sizePrecision = volume
                if overflow { return false }
                bars[index] = bar
            }
            priceScale = price
            volumeScale = volume
            return true
        }
        var full: Bool { issues.count >= limit }

        mutating func reserve(_ count: Int) {
            lines.reserveCapacity(count)
            stamps.reserveCapacity(count)
            bars.reserveCapacity(count)
        }

        /// The line of an accepted row with this timestamp; accepted stamps ascend, so a binary search finds it.
        func line(of stamp: Timestamp) -> Int? {
            var low = 0
            var high = stamps.count
            while low < high {
                let mid = (low + high) / 2
                if stamps[mid] < stamp { low = mid + 1 } else { high = mid }
            }
            return low < stamps.count && stamps[low] == stamp ? lines[low] : nil
        }
    }

    static let timestampNames: Set<String> = ["timestamp", "date", "datetime", "time"]
    static let valueNames = ["open", "high", "low", "close", "volume"]

    /// The header's meaning: which column holds what.
    struct Layout {
        var names: [String]
        var timeColumn: Int
        var valueColumns: [Int]
        var needed: Int
    }

    func read(_ bytes: [UInt8], into rows: inout RowCollector) {
        var lines = CSVLines(bytes)
        guard let header = lines.next() else {
            rows.issues.append(issue(1, 0, nil, .emptyFile, "the file is empty; expected a header line"))
            return
        }
        let names = CSVLines.headerNames(header.bytes)
        guard let timeColumn = names.firstIndex(where: Self.timestampNames.contains) else {
            rows.issues.append(issue(1, 0, nil, .missingColumn, "header has no 'timestamp' column; found \(names)"))
            return
        }
        var valueColumns: [Int] = []
        for name in Self.valueNames {
            guard let index = names.firstIndex(of: name) else {
                rows.issues.append(issue(1, 0, nil, .missingColumn, "header has no '\(name)' column; found \(names)"))
                return
            }
            valueColumns.append(index)
        }
        let layout = Layout(names: names, timeColumn: timeColumn, valueColumns: valueColumns,
                            needed: max(timeColumn, valueColumns.max()!) + 1)
        var previous: (stamp: Timestamp, line: Int)?
        // Rows are at most the lines left: reserving once saves regrowing (and copying) the
        // collected arrays a dozen times on a large file.
        var newlines = 0
        bytes.withUnsafeBufferPointer { buffer in
            for byte in buffer where byte == 10 { newlines += 1 }
        }
        rows.reserve(newlines + 1)
        // What each column holds, for the fast path: 0–4 a value (open…volume), 5 the time, -1 nothing read.
        var roles = Array(repeating: -1, count: layout.needed)
        roles[timeColumn] = 5
        for (k, column) in valueColumns.enumerated() { roles[column] = k }
        // Reused across rows so that reading allocates per file, not per line.
        var quotedFields: [ArraySlice<UInt8>] = []
        var plainFields: [Slice<UnsafeBufferPointer<UInt8>>] = []
        bytes.withUnsafeBufferPointer { buffer in
            while !rows.full, let line = lines.next() {
                if line.bytes.isEmpty && lines.isAtEnd { break }  // a trailing newline is not a row
                rows.dataRows += 1
                let range = line.bytes.startIndex..<line.bytes.endIndex
                if let (stamp, parsed) = Self.fastRow(buffer, range, roles: roles, needed: layout.needed) {
                    accept(stamp: stamp, parsed, line: line.number, layout, previous: &previous, into: &rows)
                    continue
                }
                // The common case: fields are pieces of the file buffer, no copies, no reference counting.
                plainFields.removeAll(keepingCapacity: true)
                var start = range.lowerBound
                var quoted = false
                for index in range {
                    let byte = buffer[index]
                    if byte == 44 {
                        plainFields.append(buffer[start..<index])
                        start = index + 1
                    } else if byte == 34 {
                        quoted = true
                        break
                    }
                }
                if quoted {
                    // Quoted fields (rare in bar files) may need unescaping: the general splitter.
                    CSVLines.fields(of: line.bytes, into: &quotedFields)
                    readRow(quotedFields, line: line.number, layout, previous: &previous, into: &rows)
                } else {
                    plainFields.append(buffer[start..<range.upperBound])
                    readRow(plainFields, line: line.number, layout, previous: &previous, into: &rows)
                }
            }
        }
    }

    /// Checks and collects one data row.
    func readRow<Field: BidirectionalCollection<UInt8>>(_ fields: [Field], line: Int, _ layout: Layout, previous: inout (stamp: Timestamp, line: Int)?,
                                           into rows: inout RowCollector) where Field.SubSequence == Field {
        let names = layout.names
        guard fields.count >= layout.needed else {
            let missing = fields.count
            rows.issues.append(issue(line, missing + 1, names[missing], .malformedRow,
                                     "row has \(fields.count) field\(fields.count == 1 ? "" : "s"), expected \(names.count)"))
            return
        }
        let timeColumn = layout.timeColumn
        guard let stamp = Self.parseTimestamp(fields[timeColumn]) else {
            rows.issues.append(issue(line, timeColumn + 1, names[timeColumn], .invalidTimestamp,
                                     "'\(text(fields[timeColumn]))' is not an ISO-8601 date-time or epoch number"))
            return
        }
        var parsed = RowValues(repeating: ParsedDecimal(mantissa: 0, scale: 0))
        for k in 0..<5 {
            let column = layout.valueColumns[k]
            guard let value = ParsedDecimal.parse(utf8: fields[column].trimmedSpaces) else {
                rows.issues.append(issue(line, column + 1, names[column], .notANumber, "'\(text(fields[column]))' is not a decimal number"))
                return
            }
            if k < 4 && value.mantissa <= 0 {
                rows.issues.append(issue(line, column + 1, names[column], .nonPositivePrice, "price \(text(fields[column])) must be positive"))
                return
            }
            if k == 4 && value.mantissa < 0 {
                rows.issues.append(issue(line, column + 1, names[column], .negativeVolume, "volume \(text(fields[column])) is negative"))
                return
            }
            parsed[k] = value
        }
        accept(stamp: stamp, parsed, line: line, layout, previous: &previous, into: &rows)
    }

    /// Checks what needs the row as a whole (price consistency, ascending time, the file's
    /// precision) and collects it. Shared by the general and the fast path.
    func accept(stamp: Timestamp, _ parsed: RowValues<ParsedDecimal>, line: Int, _ layout: Layout,
                previous: inout (stamp: Timestamp, line: Int)?, into rows: inout RowCollector) {
        let timeColumn = layout.timeColumn
        if let problem = Self.inconsistency(parsed.open, parsed.high, parsed.low, parsed.close) {
            let column = layout.valueColumns[problem.index]
            rows.issues.append(issue(line, column + 1, layout.names[column], .inconsistentPrices, problem.message))
            return
        }
        if let last = previous, stamp <= last.stamp {
            if let firstLine = rows.line(of: stamp) {
                rows.issues.append(issue(line, timeColumn + 1, layout.names[timeColumn], .duplicateTimestamp,
                                         "duplicate timestamp \(stamp) (first on line \(firstLine))"))
            } else {
                rows.issues.append(issue(line, timeColumn + 1, layout.names[timeColumn], .outOfOrderTimestamp,
                                         "timestamp \(stamp) is before \(last.stamp) on line \(last.line); rows must ascend"))
            }
            return
        }
        let price = max(rows.priceScale, parsed.open.scale, parsed.high.scale, parsed.low.scale, parsed.close.scale)
        let volume = max(rows.volumeScale, parsed.volume.scale)
        if price > rows.priceScale || volume > rows.volumeScale, !rows.rescale(price: price, volume: volume) {
            rows.issues.append(issue(line, 0, nil, .valueOutOfRange,
                                     "with \(price) price decimals, earlier values no longer fit 64 bits"))
            return
        }
        var raws = RowValues<Int64>(repeating: 0)
        for k in 0..<5 {
            guard let raw = parsed[k].raw(atPrecision: k < 4 ? rows.priceScale : rows.volumeScale) else {
                let column = layout.valueColumns[k]
                rows.issues.append(issue(line, column + 1, layout.names[column], .valueOutOfRange,
                                         "\(Self.valueNames[k]) does not fit 64 bits at the file's precision"))
                return
            }
            raws[k] = raw
        }
        previous = (stamp, line)
        rows.lines.append(line)
        rows.stamps.append(stamp)
        rows.bars.append(Bar(openTime: stamp, closeTime: stamp, openRaw: raws.open, highRaw: raws.high, lowRaw: raws.low, closeRaw: raws.close,
                             volumeRaw: raws.volume, pricePrecision: rows.priceScale, sizePrecision: rows.volumeScale))
    }

    /// One pass over a plain row: fields split and numbers read together, straight from the
    /// file buffer. Takes only the common shape (no quotes, no spaces or signs, epoch or
    /// ISO-8601 times, plain decimals, positive prices); anything else returns `nil` and the
    /// row goes through the general path, which names the problem if there is one.
    @inline(__always)
    static func fastRow(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, roles: [Int], needed: Int)
        -> (Timestamp, RowValues<ParsedDecimal>)? {
        var values = RowValues(repeating: ParsedDecimal(mantissa: 0, scale: 0))
        var stamp: Timestamp?
        var index = range.lowerBound
        let end = range.upperBound
        for column in 0..<needed {
            guard index <= end else { return nil }          // fewer fields than needed
            let role = roles[column]
            let start = index
            if role < 0 || role == 5 {
                while index < end && buffer[index] != 44 {
                    if buffer[index] == 34 { return nil }
                    index += 1
                }
                if role == 5 {
                    stamp = fastTimestamp(UnsafeBufferPointer(rebasing: buffer[start..<index]))
                    if stamp == nil { return nil }
                }
            } else {
                // digits[.digits], at most 18 digits: fits Int64 without overflow checks.
                var mantissa: Int64 = 0
                var digits = 0
                var scale: UInt8 = 0
                var point = false
                while index < end {
                    let byte = buffer[index]
                    if byte == 44 { break }
                    if byte &- 48 < 10 {
                        mantissa = mantissa &* 10 &+ Int64(byte &- 48)
                        digits += 1
                        if point { scale += 1 }
                    } else if byte == 46 && !point {
                        point = true
                    } else {
                        return nil
                    }
                    index += 1
                }
                guard digits > 0 && digits <= 18 else { return nil }
                // Prices must be positive: a zero goes through the general path for its message.
                if role < 4 && mantissa == 0 { return nil }
                values[role] = ParsedDecimal(mantissa: mantissa, scale: scale)
            }
            index += 1   // past the comma (or past the end after the last field)
        }
        guard let stamp else { return nil }
        return (stamp, values)
    }

    /// An epoch number of whole units (seconds … nanoseconds by magnitude) or an ISO-8601 time.
    @inline(__always)
    static func fastTimestamp(_ field: UnsafeBufferPointer<UInt8>) -> Timestamp? {
        guard !field.isEmpty, field.count <= 18 else { return field.isEmpty ? nil : Timestamp(iso8601UTF8: field) }
        var whole: Int64 = 0
        for byte in field {
            guard byte &- 48 < 10 else { return Timestamp(iso8601UTF8: field) }
            whole = whole &* 10 &+ Int64(byte &- 48)
        }
        let (nanoseconds, overflow) = whole.multipliedReportingOverflow(by: FixedPoint.pow10(epochUnitScale(whole)))
        return overflow ? nil : Timestamp(nanosecondsSinceEpoch: nanoseconds)
    }

    /// Which value breaks `low ≤ open, close ≤ high`, by index into open/high/low/close.
    static func inconsistency(_ open: ParsedDecimal, _ high: ParsedDecimal, _ low: ParsedDecimal, _ close: ParsedDecimal)
        -> (index: Int, message: String)? {
        func less(_ a: ParsedDecimal, _ b: ParsedDecimal) -> Bool { a.isLess(than: b) }
        func show(_ d: ParsedDecimal) -> String { FixedPoint.format(d.mantissa, precision: Int(d.scale)) }
        if less(high, low) { return (1, "high \(show(high)) is below low \(show(low))") }
        if less(high, open) { return (1, "high \(show(high)) is below open \(show(open))") }
        if less(high, close) { return (1, "high \(show(high)) is below close \(show(close))") }
        if less(open, low) { return (2, "low \(show(low)) is above open \(show(open))") }
        if less(close, low) { return (2, "low \(show(low)) is above close \(show(close))") }
        return nil
    }

    /// Decimal digits from an epoch number's unit to nanoseconds, by its magnitude: seconds (9)
    /// below 10^11, milliseconds (6) below 10^14, microseconds (3) below 10^17, else nanoseconds.
    @inline(__always)
    static func epochUnitScale(_ whole: Int64) -> UInt8 {
        whole < 100_000_000_000 ? 9 : whole < 100_000_000_000_000 ? 6 : whole < 100_000_000_000_000_000 ? 3 : 0
    }

    static func parseTimestamp<Field: BidirectionalCollection<UInt8>>(_ field: Field) -> Timestamp? where Field.SubSequence == Field {
        let trimmed = field.trimmedSpaces
        guard let first = trimmed.first else { return nil }
        let isNumber = trimmed.allSatisfy { ($0 >= 48 && $0 <= 57) || $0 == 46 } && first != 46
        guard isNumber else { return trimmed.withContiguousStorageIfAvailable { Timestamp(iso8601UTF8: $0) } ?? Timestamp(iso8601UTF8: ArraySlice(trimmed)) }
        guard let value = ParsedDecimal.parse(utf8: trimmed) else { return nil }
        let whole = value.mantissa / FixedPoint.pow10(value.scale)
        // The fraction (if any) is kept to nanoseconds.
        let unitScale = epochUnitScale(whole)
        if value.scale > unitScale {
            let divisor = FixedPoint.pow10(value.scale - unitScale)
            guard value.mantissa % divisor == 0 else { return nil }  // finer than a nanosecond
            return Timestamp(nanosecondsSinceEpoch: value.mantissa / divisor)
        }
        let (ns, overflow) = value.mantissa.multipliedReportingOverflow(by: FixedPoint.pow10(unitScale - value.scale))
        return overflow ? nil : Timestamp(nanosecondsSinceEpoch: ns)
    }

    func issue(_ line: Int, _ column: Int, _ name: String?, _ kind: CSVIssueKind, _ message: String) -> CSVIssue {
        CSVIssue(file: fileName, line: line, column: column, columnName: name, kind: kind, message: message)
    }

    func text<Field: Collection<UInt8>>(_ field: Field) -> String { String(decoding: field, as: UTF8.self) }

    // MARK: - Building the series

    func makeSeries(_ rows: RowCollector) throws(MarketDataError) -> BarSeries {
        guard !rows.stamps.isEmpty else {
            throw .invalidRow(issue(2, 0, nil, .emptyFile, "the file has a header but no data rows"))
        }
        let instrument: Instrument
        do {
            instrument = try Instrument(id: instrumentID, pricePrecision: rows.priceScale, sizePrecision: rows.volumeScale)
        } catch {
            throw .invalidInstrument(error.description)
        }
        let interval = self.interval ?? BarInterval.detect(rows.stamps)
        let times = BarSeries.assignTimes(stamps: rows.stamps, convention: convention, interval: interval)
        var bars = rows.bars
        for index in bars.indices {
            bars[index].openTime = times[index].open
            bars[index].closeTime = times[index].close
        }
        return BarSeries(instrument: instrument, bars: bars, interval: interval)
    }
}

/// A row's open, high, low, close and volume, also addressed by column role (0…4): the
/// readers fill them by role, the checks read them by name. A struct, not an array: no
/// allocation per row.
struct RowValues<Value> {
    var open, high, low, close, volume: Value

    init(repeating value: Value) {
        (open, high, low, close, volume) = (value, value, value, value, value)
    }

    subscript(role: Int) -> Value {
        get {
            switch role {
            case 0: open
            case 1: high
            case 2: low
            case 3: close
            default: volume
            }
        }
        set {
            switch role {
            case 0: open = newValue
            case 1: high = newValue
            case 2: low = newValue
            case 3: close = newValue
            default: volume = newValue
            }
        }
    }
}

extension String {
    var trimmed: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" || c == "\u{FEFF}" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return String(s)
    }
}
