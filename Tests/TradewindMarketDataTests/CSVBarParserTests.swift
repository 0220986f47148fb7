import Testing
import Foundation
import TradewindCore
@testable import TradewindMarketData
import TradewindTesting

@Suite("CSV bar import")
struct CSVBarParserTests {
    let parser = CSVBarParser(fileName: "bars.csv", instrumentID: InstrumentID(symbol: "X", venue: "CSV"))
    let header = "timestamp,open,high,low,close,volume\n"

    func parse(_ text: String) throws(MarketDataError) -> BarSeries { try parser.parse(Array(text.utf8)) }

    /// Parses `text` expecting one error, and returns it.
    func issue(_ text: String) throws -> CSVIssue {
        do {
            _ = try parse(text)
        } catch let MarketDataError.invalidRow(issue) {
            return issue
        }
        Issue.record("expected an error for:\n\(text)")
        throw CancellationError()
    }

    @Test("a valid file gives exact bars with detected precision and interval")
    func valid() throws {
        let series = try parse(header + "2024-01-02,10.5,11.25,10,11,1200\n2024-01-03,11,12,10.75,11.5,900.5\n")
        #expect(series.bars.count == 2)
        #expect(series.instrument.pricePrecision == 2)
        #expect(series.instrument.sizePrecision == 1)
        #expect(series.bars[0].high == Price("11.25"))
        #expect(series.bars[1].volume == Quantity("900.5"))
        #expect(series.interval == .fixed(.days(1)))
        #expect(series.bars[0].openTime.iso8601 == "2024-01-02T00:00:00Z")
        #expect(series.bars[0].closeTime.iso8601 == "2024-01-03T00:00:00Z")
        #expect(series.bars[1].closeTime.iso8601 == "2024-01-04T00:00:00Z")
    }

    @Test("header names are case-insensitive, in any order, and extra columns are ignored")
    func flexibleHeader() throws {
        let text = "Symbol,Volume,Close,Low,High,Open,Date,Adj Close\r\nX,100,2,1,3,1.5,2024-01-02,9\r\n"
        let series = try parse(text)
        #expect(series.bars[0].open == Price("1.5"))
        #expect(series.bars[0].close == Price("2"))
        #expect(series.bars[0].volume == Quantity("100"))
    }

    @Test("epoch seconds, milliseconds and ISO-8601 with offsets name the same instant", arguments: [
        "1704153600", "1704153600000", "1704153600.0", "2024-01-02T00:00:00Z", "2024-01-02T01:00:00+01:00", "2024-01-02 00:00:00",
    ])
    func timestampForms(_ stamp: String) throws {
        let series = try parse(header + "\(stamp),1,1,1,1,1\n")
        #expect(series.bars[0].openTime.iso8601 == "2024-01-02T00:00:00Z")
    }

    @Test("quoted fields are unquoted")
    func quoted() throws {
        let series = try parse(header + "\"2024-01-02\",\"1.5\",2,1,\"1.75\",10\n")
        #expect(series.bars[0].close == Price("1.75"))
    }

    // One test per error kind; each asserts the file, line and column in the message.

    @Test("a row with too few fields is malformed")
    func malformedRow() throws {
        let issue = try issue(header + "2024-01-02,1,1,1,1,1\n2024-01-03,1,2\n")
        #expect(issue.kind == .malformedRow)
        #expect(issue.line == 3)
        #expect(issue.column == 4)
        #expect(issue.description.hasPrefix("bars.csv:3:4: row has 3 fields, expected 6"))
    }

    @Test("a non-numeric price names its column")
    func notANumber() throws {
        let issue = try issue(header + "2024-01-02,1,1,1,1,1\n2024-01-03,1,abc,1,1,1\n")
        #expect(issue.kind == .notANumber)
        #expect((issue.line, issue.column) == (3, 3))
        #expect(issue.description == "bars.csv:3:3: 'abc' is not a decimal number (column 'high')")
    }

    @Test("NaN and infinity are not numbers", arguments: ["NaN", "inf", "-Infinity", "1e3"])
    func nonFinite(_ value: String) throws {
        let issue = try issue(header + "2024-01-02,1,1,1,\(value),1\n")
        #expect(issue.kind == .notANumber)
        #expect((issue.line, issue.column) == (2, 5))
    }

    @Test("an unreadable timestamp names its column")
    func badTimestamp() throws {
        let issue = try issue(header + "02/01/2024,1,1,1,1,1\n")
        #expect(issue.kind == .invalidTimestamp)
        #expect(issue.description.hasPrefix("bars.csv:2:1: '02/01/2024' is not an ISO-8601 date-time or epoch number"))
    }

    @Test("high below low is refused at the high column")
    func highBelowLow() throws {
        let issue = try issue(header + "2024-01-02,1,1,1,1,1\n2024-01-03,5,4,4.5,5,1\n")
        #expect(issue.kind == .inconsistentPrices)
        #expect((issue.line, issue.column) == (3, 3))
        #expect(issue.description == "bars.csv:3:3: high 4 is below low 4.5 (column 'high')")
    }

    @Test("a close above the high is refused")
    func closeAboveHigh() throws {
        let issue = try issue(header + "2024-01-02,1,2,1,2.5,1\n")
        #expect(issue.kind == .inconsistentPrices)
        #expect(issue.description == "bars.csv:2:3: high 2 is below close 2.5 (column 'high')")
    }

    @Test("a duplicate timestamp points at the first occurrence")
    func duplicate() throws {
        let issue = try issue(header + "2024-01-02,1,1,1,1,1\n2024-01-03,1,1,1,1,1\n2024-01-03,1,1,1,1,1\n")
        #expect(issue.kind == .duplicateTimestamp)
        #expect((issue.line, issue.column) == (4, 1))
        #expect(issue.description == "bars.csv:4:1: duplicate timestamp 2024-01-03T00:00:00Z (first on line 3) (column 'timestamp')")
    }

    @Test("an out-of-order timestamp names the row it should follow")
    func outOfOrder() throws {
        let issue = try issue(header + "2024-01-03,1,1,1,1,1\n2024-01-02,1,1,1,1,1\n")
        #expect(issue.kind == .outOfOrderTimestamp)
        #expect((issue.line, issue.column) == (3, 1))
        #expect(issue.message.contains("is before 2024-01-03T00:00:00Z on line 2"))
    }

    @Test("negative volume and non-positive prices are refused")
    func signs() throws {
        let volume = try issue(header + "2024-01-02,1,1,1,1,-5\n")
        #expect(volume.kind == .negativeVolume)
        #expect(volume.column == 6)
        let price = try issue(header + "2024-01-02,0,1,0,1,5\n")
        #expect(price.kind == .nonPositivePrice)
        #expect(price.column == 2)
    }

    @Test("a header without a required column is refused on line 1")
    func missingColumn() throws {
        let issue = try issue("timestamp,open,high,low,close\n2024-01-02,1,1,1,1\n")
        #expect(issue.kind == .missingColumn)
        #expect(issue.line == 1)
        #expect(issue.message.contains("'volume'"))
    }

    @Test("an empty file and a header-only file are errors")
    func empty() throws {
        #expect(try issue("").kind == .emptyFile)
        #expect(try issue(header).kind == .emptyFile)
    }

    @Test("blank lines inside the data are rows with missing fields, not skipped")
    func blankLine() throws {
        let issue = try issue(header + "2024-01-02,1,1,1,1,1\n\n2024-01-04,1,1,1,1,1\n")
        #expect(issue.kind == .malformedRow)
        #expect(issue.line == 3)
    }

    @Test("scan reports every problem and keeps the good rows")
    func scanCollects() {
        let text = header + "2024-01-02,1,1,1,1,1\n2024-01-02,1,1,1,1,1\nbad,1,1,1,1,1\n2024-01-04,1,1,1,1,1\n2024-01-03,1,1,1,1,1\n"
        let scan = parser.scan(Array(text.utf8))
        #expect(scan.rowCount == 5)
        #expect(scan.issues.map(\.kind) == [.duplicateTimestamp, .invalidTimestamp, .outOfOrderTimestamp])
        #expect(scan.series?.bars.count == 2)
    }

    @Test("the shipped data sets load cleanly", arguments: ["GOOG-1d.csv", "SP500-1d.csv", "BTCUSD-1M.csv"])
    func shippedData(_ name: String) throws {
        let series = try CSVBarFile.load(path: Fixtures.exampleData(name))
        #expect(series.bars.count > 100)
        #expect(series.bars.allSatisfy { $0.isConsistent })
        for (a, b) in zip(series.bars, series.bars.dropFirst()) { #expect(a.closeTime <= b.openTime) }
    }

    @Test("a missing file is reported with its path")
    func missingFile() {
        #expect(throws: MarketDataError.unreadable(path: "/nonexistent/x.csv", reason: "no such file")) {
            try CSVBarFile.load(path: "/nonexistent/x.csv")
        }
    }
}

@Suite("Intervals and inspection")
struct IntervalTests {
    @Test("monthly data is recognised as calendar months and bars close at the next open")
    func monthly() throws {
        let series = try CSVBarFile.load(path: Fixtures.exampleData("BTCUSD-1M.csv"))
        #expect(series.interval == .months(1))
        #expect(series.bars[0].openTime.iso8601 == "2012-01-31T00:00:00Z")
        #expect(series.bars[0].closeTime.iso8601 == "2012-02-29T00:00:00Z")
        #expect(series.bars.last!.closeTime.iso8601 == "2025-01-31T00:00:00Z")
    }

    @Test("daily equity data counts missing weekdays as gaps, not weekends")
    func tradingDayGaps() throws {
        let parser = CSVBarParser(fileName: "x", instrumentID: InstrumentID(symbol: "X", venue: "CSV"))
        // Fri 5th, Mon 8th (weekend is fine), Wed 10th (Tue 9th missing).
        let text = "timestamp,open,high,low,close,volume\n2024-01-05,1,1,1,1,1\n2024-01-08,1,1,1,1,1\n2024-01-09,1,1,1,1,1\n2024-01-11,1,1,1,1,1\n"
        let inspection = DataInspection(scan: parser.scan(Array(text.utf8)))
        #expect(inspection.tradingDays)
        #expect(inspection.gaps.count == 1)
        #expect(inspection.gaps[0].missingBars == 1)
        #expect(inspection.gaps[0].from.iso8601 == "2024-01-09T00:00:00Z")
    }

    @Test("minute data with a hole reports the missing bars")
    func minuteGaps() {
        let parser = CSVBarParser(fileName: "x", instrumentID: InstrumentID(symbol: "X", venue: "CSV"))
        let text = "timestamp,open,high,low,close,volume\n" + [0, 60, 120, 300, 360].map { "\(1_704_153_600 + $0),1,1,1,1,1" }.joined(separator: "\n")
        let inspection = DataInspection(scan: parser.scan(Array(text.utf8)))
        #expect(inspection.interval == .fixed(.minutes(1)))
        #expect(inspection.gaps.map(\.missingBars) == [2])
    }

    @Test("month-end stamps are not gaps; a skipped month is")
    func monthlyGaps() {
        let parser = CSVBarParser(fileName: "x", instrumentID: InstrumentID(symbol: "X", venue: "CSV"))
        let text = "timestamp,open,high,low,close,volume\n" + ["2024-01-31", "2024-02-29", "2024-03-31", "2024-05-31"].map { "\($0),1,1,1,1,1" }.joined(separator: "\n")
        let inspection = DataInspection(scan: parser.scan(Array(text.utf8)))
        #expect(inspection.interval == .months(1))
        #expect(inspection.gaps.map(\.missingBars) == [1])
    }

    @Test("the random walk is deterministic per seed and consistent")
    func randomWalk() {
        let a = RandomWalk(seed: 7).bars(count: 1_000)
        let b = RandomWalk(seed: 7).bars(count: 1_000)
        let c = RandomWalk(seed: 8).bars(count: 1_000)
        #expect(a == b)
        #expect(a != c)
        #expect(a.allSatisfy { $0.isConsistent })
        #expect(zip(a, a.dropFirst()).allSatisfy { $0.closeRaw == $1.openRaw })
    }
}

/// The reader takes plain rows in one fused pass and sends everything else through the general
/// splitter. A quoted column before the values forces the general path for a row, so the same
/// rows with and without quotes must read to the same bars and the same problems.
@Suite("CSV fast path agrees with the general reader")
struct CSVFastPathTests {
    static func field(_ random: inout SplitMix64, price: Int64, decimals: Int) -> String {
        let text = FixedPoint.format(price, precision: decimals)
        switch random.next() % 40 {
        case 0: return " " + text                 // padded
        case 1: return "+" + text                 // signed
        case 2: return "0"                        // not a positive price
        case 3: return "-" + text
        case 4: return "1e3"                      // not a plain decimal
        case 5: return ""                         // empty
        case 6: return text + "0"                 // one more decimal (the file's precision grows)
        default: return text
        }
    }

    static func time(_ random: inout SplitMix64, minute: Int64) -> String {
        let seconds = 1_700_000_000 + minute * 60
        switch random.next() % 30 {
        case 0: return String(seconds * 1_000)                       // milliseconds
        case 1: return String(seconds * 1_000_000)                   // microseconds
        case 2: return String(seconds * 1_000_000_000)               // nanoseconds (19 digits)
        case 3: return Timestamp(secondsSinceEpoch: seconds).iso8601 // ISO-8601
        case 4: return String(seconds - 120)                         // out of order
        case 5: return "yesterday"
        case 6: return String(seconds) + ".5"                        // a fraction of a second
        default: return String(seconds)
        }
    }

    static func file(seed: UInt64, rows: Int, quoted: Bool) -> [UInt8] {
        var random = SplitMix64(seed: seed)
        var text = "timestamp,note,open,high,low,close,volume,extra\n"
        var price: Int64 = 10_000
        for minute in 0..<Int64(rows) {
            price = max(100, price + Int64(random.next() % 201) - 100)
            let decimals = 2
            let note = quoted ? "\"n,\(minute)\"" : "n;\(minute)"
            var fields = [time(&random, minute: minute), note,
                          field(&random, price: price, decimals: decimals), field(&random, price: price + 50, decimals: decimals),
                          field(&random, price: price - 50, decimals: decimals), field(&random, price: price + 10, decimals: decimals),
                          String(random.next() % 1_000), "x"]
            if random.next() % 50 == 0 { fields.removeLast(3) }                 // too few fields
            if random.next() % 50 == 0 { fields[3] = FixedPoint.format(price - 500, precision: decimals) }   // high below low
            text += fields.joined(separator: ",") + (random.next() % 10 == 0 ? "\r\n" : "\n")
        }
        // The note column holds no value: quoted or not, only the path each row takes differs.
        return Array(text.utf8)
    }

    @Test("random rows, with and without a quoted column, read to the same bars and problems", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func agrees(seed: UInt64) {
        let parser = CSVBarParser(fileName: "bars.csv", instrumentID: InstrumentID(symbol: "X", venue: "CSV"))
        let fast = parser.scan(Self.file(seed: seed, rows: 2_000, quoted: false), issueLimit: 10_000)
        let general = parser.scan(Self.file(seed: seed, rows: 2_000, quoted: true), issueLimit: 10_000)
        #expect(fast.rowCount == general.rowCount)
        #expect(fast.issues.map { "\($0.line):\($0.column):\($0.kind):\($0.message)" } == general.issues.map { "\($0.line):\($0.column):\($0.kind):\($0.message)" })
        #expect(fast.issues.count > 100, "the generator makes problems")
        #expect(fast.series?.bars == general.series?.bars)
        #expect((fast.series?.bars.count ?? 0) > 1_000)
    }
}

/// Files of 4 MB and more are parsed in parts on all cores and joined; anything wrong sends the
/// file through the one-pass reader. Either way the result must be what the one-pass reader
/// (``CSVBarParser/scan(_:issueLimit:)``) gives.
@Suite("CSV parsing in parts agrees with the one-pass reader")
struct CSVPartedParseTests {
    static let rows = 120_000

    /// One-minute rows, 2 decimals; later rows may carry more decimals (the precision grows
    /// after the cut, so earlier parts are rescaled when joined).
    static func lines(extraDecimalsFrom: Int? = nil) -> [String] {
        var random = SplitMix64(seed: 7)
        var price: Int64 = 10_000
        return (0..<rows).map { row in
            price = max(1_000, price + Int64(random.next() % 201) - 100)
            let decimals = extraDecimalsFrom.map { row >= $0 ? 4 : 2 } ?? 2
            let scale: Int64 = decimals == 4 ? 100 : 1
            func value(_ raw: Int64) -> String { FixedPoint.format(raw * scale + (decimals == 4 ? 7 : 0), precision: decimals) }
            let stamp = row % 1_000 == 0 ? Timestamp(secondsSinceEpoch: 1_700_000_000 + Int64(row) * 60).iso8601
                : String(1_700_000_000 + Int64(row) * 60)
            return "\(stamp),\(value(price)),\(value(price + 50)),\(value(price - 50)),\(value(price + 10)),\(random.next() % 1_000)"
        }
    }

    static func file(_ lines: [String], trailingNewline: Bool = true) -> [UInt8] {
        Array(("timestamp,open,high,low,close,volume\n" + lines.joined(separator: "\n") + (trailingNewline ? "\n" : "")).utf8)
    }

    static func replacing(_ line: String, fields: ClosedRange<Int>, with value: String) -> String {
        var parts = line.split(separator: ",").map(String.init)
        for index in fields { parts[index] = value }
        return parts.joined(separator: ",")
    }

    let parser = CSVBarParser(fileName: "big.csv", instrumentID: InstrumentID(symbol: "X", venue: "CSV"))

    @Test("a clean file reads to the same series", arguments: [nil, 10, 90_000] as [Int?])
    func clean(extraDecimalsFrom: Int?) throws {
        let bytes = Self.file(Self.lines(extraDecimalsFrom: extraDecimalsFrom))
        #expect(bytes.count >= CSVBarParser.partedParseBytes, "large enough to be parsed in parts")
        let parted = try parser.parse(bytes)
        let oneByOne = try #require(parser.scan(bytes).series)
        if Parallel.cores > 1 {
            #expect(parser.parseInParts(bytes)?.bars == oneByOne.bars, "the parts themselves joined, not the fallback")
        }
        #expect(parted.bars == oneByOne.bars)
        #expect(parted.bars.count == Self.rows)
        #expect(parted.instrument == oneByOne.instrument)
        #expect(parted.interval == oneByOne.interval)
    }

    @Test("without a trailing newline, and with CRLF endings")
    func endings() throws {
        for bytes in [Self.file(Self.lines(), trailingNewline: false),
                      Array(String(decoding: Self.file(Self.lines()), as: UTF8.self).replacingOccurrences(of: "\n", with: "\r\n").utf8)] {
            #expect(try parser.parse(bytes).bars == parser.scan(bytes).series?.bars)
        }
    }

    /// Each broken file must throw the one-pass reader's first problem, wherever the cut falls.
    @Test("a problem anywhere is reported as the one-pass reader reports it", arguments: [
        "duplicate in the middle", "out of order at the end", "empty line in the middle", "overflow after rescaling", "bad number early",
    ])
    func problems(kind: String) {
        var lines = Self.lines()
        let middle = Self.rows / 2
        switch kind {
        case "duplicate in the middle":
            for row in middle - 3...middle + 3 { lines[row] = lines[row - 1] }
        case "out of order at the end":
            lines[Self.rows - 1] = lines[0]
        case "empty line in the middle":
            for row in [middle - 2, middle, middle + 2] { lines[row] = "" }
        case "overflow after rescaling":
            // Fits 64 bits at 2 decimals, not at the 4 a row after the cut brings.
            lines[1] = "1700000060," + Array(repeating: "90000000000000000.00", count: 4).joined(separator: ",") + ",1"
            lines[middle] = Self.replacing(lines[middle], fields: 1...4, with: "100.0001")
        default:
            lines[3] = Self.replacing(lines[3], fields: 1...1, with: "oops")
        }
        let bytes = Self.file(lines)
        let expected = parser.scan(bytes, issueLimit: 1).issues.first
        #expect(expected != nil, "the file is broken")
        #expect(parser.parseInParts(bytes) == nil, "parts with a problem fall back to the one-pass reader")
        #expect(throws: MarketDataError.invalidRow(expected!)) { try parser.parse(bytes) }
    }
}
