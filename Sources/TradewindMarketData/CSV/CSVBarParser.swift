public import TradewindCore
#if canImport(Glibc)
import Glibc
#endif

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
        if let series = parseInParts(bytes) { return series }
        var rows = RowCollector(limit: 1)
        read(bytes, into: &rows)
        if let issue = rows.issues.first { throw .invalidRow(issue) }
        return try makeSeries(&rows)
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
        let dataRows = rows.dataRows
        let issues = rows.issues
        let series = rows.stamps.isEmpty ? nil : try? makeSeries(&rows)
        return Scan(rowCount: dataRows, issues: issues, series: series)
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
            lines.reserveLarge(count)
            stamps.reserveLarge(count)
            bars.reserveLarge(count)
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
        bytes.withUnsafeBufferPointer { buffer in
            guard let (layout, dataStart) = readHeader(bytes, into: &rows) else { return }
            rows.reserve(Self.newlines(in: buffer, dataStart..<buffer.count) + 1)
            readRows(buffer, dataStart..<buffer.count, firstLine: 2, isFinal: true, layout, into: &rows)
        }
    }

    /// The header's layout and where the data starts; `nil` (with the issue) if the header is unusable.
    func readHeader(_ bytes: [UInt8], into rows: inout RowCollector) -> (Layout, Int)? {
        let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0  // a byte-order mark is not part of the first name
        guard start < bytes.count else {
            rows.issues.append(issue(1, 0, nil, .emptyFile, "the file is empty; expected a header line"))
            return nil
        }
        let newline = bytes[start...].firstIndex(of: 10) ?? bytes.count
        let end = newline > start && bytes[newline - 1] == 13 ? newline - 1 : newline
        let names = CSVLines.headerNames(bytes[start..<end])
        guard let timeColumn = names.firstIndex(where: Self.timestampNames.contains) else {
            rows.issues.append(issue(1, 0, nil, .missingColumn, "header has no 'timestamp' column; found \(names)"))
            return nil
        }
        var valueColumns: [Int] = []
        for name in Self.valueNames {
            guard let index = names.firstIndex(of: name) else {
                rows.issues.append(issue(1, 0, nil, .missingColumn, "header has no '\(name)' column; found \(names)"))
                return nil
            }
            valueColumns.append(index)
        }
        return (Layout(names: names, timeColumn: timeColumn, valueColumns: valueColumns,
                       needed: max(timeColumn, valueColumns.max()!) + 1), min(newline + 1, bytes.count))
    }

    /// Newlines in a part of the buffer: rows are at most the lines, so the collected arrays
    /// are reserved once instead of regrowing (and copying) a dozen times on a large file.
    static func newlines(in buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var count = 0
        for index in range where buffer[index] == 10 { count += 1 }
        return count
    }

    /// Reads the data lines in `range` (whole lines), numbering them from `firstLine`. Only the
    /// file's last part may end in an empty line that is not a row (a trailing newline).
    func readRows(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, firstLine: Int, isFinal: Bool, _ layout: Layout,
                  into rows: inout RowCollector) {
        var previous: (stamp: Timestamp, line: Int)?
        // What each column holds, for the fast path: 0–4 a value (open…volume), 5 the time, -1 nothing read.
        var roles = Array(repeating: -1, count: layout.needed)
        roles[layout.timeColumn] = 5
        for (k, column) in layout.valueColumns.enumerated() { roles[column] = k }
        // Reused across rows so that reading allocates per file, not per line.
        var quotedFields: [ArraySlice<UInt8>] = []
        var plainFields: [Slice<UnsafeBufferPointer<UInt8>>] = []
        var lines = BufferLines(buffer, range, firstLine: firstLine)
        while !rows.full, let (number, line) = lines.next() {
            if line.isEmpty && lines.isAtEnd && isFinal { break }  // a trailing newline is not a row
            rows.dataRows += 1
            if let (stamp, parsed) = Self.fastRow(buffer, line, roles: roles, needed: layout.needed) {
                accept(stamp: stamp, parsed, line: number, layout, previous: &previous, into: &rows)
                continue
            }
            // The common case: fields are pieces of the file buffer, no copies, no reference counting.
            plainFields.removeAll(keepingCapacity: true)
            var start = line.lowerBound
            var quoted = false
            for index in line {
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
                CSVLines.fields(of: ArraySlice(buffer[line]), into: &quotedFields)
                readRow(quotedFields, line: number, layout, previous: &previous, into: &rows)
            } else {
                plainFields.append(buffer[start..<line.upperBound])
                readRow(plainFields, line: number, layout, previous: &previous, into: &rows)
            }
        }
    }

    /// Parses a large file in parts on all cores. Any problem, or parts that do not join
    /// (time going back across a cut, a precision that no longer fits), returns `nil`, and
    /// the caller reads the file in one pass, which names the first problem exactly.
    func parseInParts(_ bytes: [UInt8]) -> BarSeries? {
        let pieces = Parallel.cores
        guard pieces > 1, bytes.count >= Self.partedParseBytes else { return nil }
        var header = RowCollector(limit: 1)
        guard let (layout, dataStart) = readHeader(bytes, into: &header) else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> BarSeries? in
            // Cut after a newline near each even share of the data.
            var cuts = [dataStart]
            for piece in 1..<pieces {
                var cut = max(dataStart + (buffer.count - dataStart) * piece / pieces, cuts[piece - 1])
                while cut < buffer.count && buffer[cut] != 10 { cut += 1 }
                cuts.append(min(cut + 1, buffer.count))
            }
            cuts.append(buffer.count)
            nonisolated(unsafe) let buffer = buffer
            // Line numbers only name problems, and a part with a problem is not used: each part
            // counts from 2.
            let parts = Parallel.map(pieces) { [cuts] piece in
                var rows = RowCollector(limit: 1)
                let range = cuts[piece]..<cuts[piece + 1]
                rows.reserve(Self.newlines(in: buffer, range) + 1)
                readRows(buffer, range, firstLine: 2, isFinal: piece == pieces - 1, layout, into: &rows)
                return rows
            }
            guard parts.allSatisfy(\.issues.isEmpty) else { return nil }
            let priceScale = parts.map(\.priceScale).max()!
            let volumeScale = parts.map(\.volumeScale).max()!
            var stamps: [Timestamp] = []
            stamps.reserveLarge(parts.reduce(0) { $0 + $1.stamps.count })
            var bars: [[Bar]] = []
            for var part in parts where !part.stamps.isEmpty {
                if let last = stamps.last, part.stamps[0] <= last { return nil }
                if part.priceScale < priceScale || part.volumeScale < volumeScale {
                    guard part.rescale(price: priceScale, volume: volumeScale) else { return nil }
                }
                stamps += part.stamps
                bars.append(part.bars)
            }
            return try? makeSeries(stamps: stamps, bars: bars, priceScale: priceScale, volumeScale: volumeScale)
        }
    }

    /// Files at least this large are parsed in parts (``parseInParts(_:)``).
    static let partedParseBytes = 4 << 20

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

    /// The collected rows as a series; their bars are moved out, not copied.
    func makeSeries(_ rows: inout RowCollector) throws(MarketDataError) -> BarSeries {
        var bars: [Bar] = []
        swap(&bars, &rows.bars)
        return try makeSeries(stamps: rows.stamps, bars: [bars], priceScale: rows.priceScale, volumeScale: rows.volumeScale)
    }

    /// A series of bars collected in one or more parts, in time order, with their row stamps.
    func makeSeries(stamps: [Timestamp], bars parts: consuming [[Bar]], priceScale: UInt8, volumeScale: UInt8)
        throws(MarketDataError) -> BarSeries {
        guard !stamps.isEmpty else {
            throw .invalidRow(issue(2, 0, nil, .emptyFile, "the file has a header but no data rows"))
        }
        let instrument: Instrument
        do {
            instrument = try Instrument(id: instrumentID, pricePrecision: priceScale, sizePrecision: volumeScale)
        } catch {
            throw .invalidInstrument(error.description)
        }
        let interval = self.interval ?? BarInterval.detect(stamps)
        let times = BarSeries.assignTimes(stamps: stamps, convention: convention, interval: interval)
        var bars: [Bar]
        if parts.count == 1 {
            bars = []
            swap(&bars, &parts[0])
        } else {
            bars = []
            bars.reserveLarge(stamps.count)
            for part in parts { bars += part }
            parts = []
        }
        for index in bars.indices {
            bars[index].openTime = times[index].open
            bars[index].closeTime = times[index].close
        }
        return BarSeries(instrument: instrument, bars: bars, interval: interval)
    }
}

/// Numbered lines of a part of a byte buffer, as ranges of it (no slices, no reference
/// counting); `\n` or `\r\n` endings. The newline is found with `memchr`.
struct BufferLines {
    let buffer: UnsafeBufferPointer<UInt8>
    private var position: Int
    private let end: Int
    private var number: Int

    init(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, firstLine: Int) {
        self.buffer = buffer
        position = range.lowerBound
        end = range.upperBound
        number = firstLine - 1
    }

    var isAtEnd: Bool { position >= end }

    mutating func next() -> (number: Int, range: Range<Int>)? {
        guard position < end, let base = buffer.baseAddress else { return nil }
        number += 1
        let start = position
        var stop = end
        if let found = memchr(base + start, 10, end - start) {
            stop = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
        }
        position = stop + 1
        let lineEnd = stop > start && buffer[stop - 1] == 13 ? stop - 1 : stop
        return (number, start..<lineEnd)
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
