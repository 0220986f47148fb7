import Testing
import TradewindCore
import TradewindMarketData
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
