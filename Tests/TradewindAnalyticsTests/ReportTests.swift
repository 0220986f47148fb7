import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import TradewindCore
@testable import TradewindAnalytics

@Suite("Reports: JSON reading, derived series, HTML, workbook")
struct ReportTests {
    /// A hand-made results document: three months of equity and one trade.
    static let results = """
        {"strategy": "sma-cross", "parameters": "fast=1 slow=2", "instruments": ["ABC.CSV"],
         "start": "2020-01-30T00:00:00Z", "end": "2020-03-31T00:00:00Z", "bars": 4,
         "starting_cash": 1000, "final_equity": 1100.25, "fees_paid": 0.5,
         "trades": [{"instrument": "ABC.CSV", "side": "long", "entry_time": "2020-01-31T00:00:00Z", "entry_price": 10.123456789012,
                     "exit_time": "2020-03-31T00:00:00Z", "exit_price": 11, "size": 100, "pnl": 87.6543210988, "fees": 0.5}],
         "equity_curve": [["2020-01-30T00:00:00Z", 1000], ["2020-01-31T00:00:00Z", 1010], ["2020-02-28T00:00:00Z", 909],
                          ["2020-03-31T00:00:00Z", 1100.25]],
         "metrics": {"total_return": 0.10025, "sharpe_ratio": null, "trade_count": 1, "bars_per_year": 252},
         "monte_carlo": null,
         "price_chart": [{"instrument": "ABC.CSV", "points": [["2020-01-31T00:00:00Z", 10.5], ["2020-03-31T00:00:00Z", 11]]}]}
        """

    @Test("JSON reads back exactly what was written, numbers as their decimal text")
    func jsonRoundTrip() throws {
        let value = try JSONValue.parse(Array(Self.results.utf8))
        #expect(value["trades"]?.arrayValue?.first?["entry_price"]?.numberText == "10.123456789012")
        #expect(value["monte_carlo"] == .null)
        let again = try JSONValue.parse(value.renderedBytes(indent: 2))
        #expect(again.rendered() == value.rendered())
        let escaped = try JSONValue.parse(Array(#"["a\"b\\c\n\u00e9\ud83d\ude00"]"#.utf8))
        #expect(escaped.arrayValue?.first?.stringValue == "a\"b\\c\né😀")
    }

    @Test("malformed JSON is refused with the byte where it goes wrong", arguments: [
        ("{\"a\": 1,}", 8), ("[1 2]", 3), ("01", 0), ("{\"a\" 1}", 5), ("\"open", 5), ("[1] x", 4),
    ])
    func jsonErrors(text: String, offset: Int) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(Array(text.utf8)) }
        do { _ = try JSONValue.parse(Array(text.utf8)) } catch { #expect(error.offset == offset, "\(text): \(error)") }
    }

    @Test("monthly returns chain from month-end equity; drawdown from the running peak")
    func derivedSeries() throws {
        let data = try ReportData(results: try JSONValue.parse(Array(Self.results.utf8)))
        let months = data.monthlyReturns
        #expect(months.map(\.month) == [1, 2, 3])
        #expect(abs(months[0].value - 0.01) < 1e-12)          // 1000 → 1010
        #expect(abs(months[1].value - (909.0 / 1010 - 1)) < 1e-12)
        #expect(abs(months[2].value - (1100.25 / 909 - 1)) < 1e-12)
        #expect(abs(data.drawdown[2].value - (909.0 / 1010 - 1)) < 1e-12)
        #expect(data.drawdown[3].value == 0)
        #expect(data.tradesCSV == """
            instrument,side,entry_time,entry_price,exit_time,exit_price,size,pnl,fees
            ABC.CSV,long,2020-01-31T00:00:00Z,10.123456789012,2020-03-31T00:00:00Z,11,100,87.6543210988,0.5

            """)
    }

    @Test("a results document without its fields is refused by name")
    func missingField() throws {
        #expect(throws: ReportDataError.missing("equity_curve")) {
            try ReportData(results: try JSONValue.parse(Array(#"{"strategy": "x", "parameters": "", "instruments": [], "start": "2020-01-01T00:00:00Z", "end": "2020-01-02T00:00:00Z", "bars": 1, "starting_cash": 1, "final_equity": 1, "fees_paid": 0, "metrics": {}}"#.utf8)))
        }
    }

    @Test("rolling Sharpe matches a direct computation over each window")
    func rollingSharpe() throws {
        var curve: [(Timestamp, Double)] = []
        var equity = 1_000.0
        for day in 0..<60 {
            equity *= 1 + Double((day * 37) % 11 - 5) / 1_000
            curve.append((Timestamp(secondsSinceEpoch: Int64(day) * 86_400), equity))
        }
        var data = try ReportData(results: try JSONValue.parse(Array(Self.results.utf8)))
        data.equity = curve.map { (time: $0.0, value: $0.1) }
        let rolling = data.rollingSharpe(window: 20)
        #expect(rolling.count == 60 - 20)
        let last = (40..<60).map { curve[$0].1 / curve[$0 - 1].1 - 1 }
        let mean = last.reduce(0, +) / 20
        let sd = (last.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 19).squareRoot()
        #expect(abs(rolling.last!.value - mean / sd * 252.0.squareRoot()) < 1e-9)
    }

    @Test("the HTML page is self-contained: inline SVG charts, no script, no external reference")
    func html() throws {
        let html = HTMLReport.render(try ReportData(results: try JSONValue.parse(Array(Self.results.utf8))))
        for id in ["equity", "drawdown", "price-0", "rolling-sharpe"] { #expect(html.contains("<svg class=\"chart\" id=\"\(id)\"")) }
        #expect(html.contains("id=\"monthly-returns\""))
        #expect(html.contains("10.123456789012"))
        #expect(!html.contains("<script"))
        #expect(!html.contains("http://") || !html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"))
        #expect(!html.contains("https://"))
    }

    @Test("the workbook is a valid zip of well-formed XML parts with CRC-32 checksums that match")
    func workbook() throws {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        let book = Workbook(sheets: [.init(name: "Trades/all", rows: [[.text("a <b>"), .number("1.5")], [.time(Timestamp(secondsSinceEpoch: 86_400)), .empty]])])
        let entries = try Self.unzip(book.bytes())
        #expect(entries.map(\.name) == ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                        "xl/styles.xml", "xl/worksheets/sheet1.xml"])
        for entry in entries {
            let parser = XMLParser(data: Data(entry.bytes))
            #expect(parser.parse(), "\(entry.name) is not well-formed XML")
        }
        let sheet = String(decoding: entries.last!.bytes, as: UTF8.self)
        #expect(sheet.contains("<t xml:space=\"preserve\">a &lt;b&gt;</t>"))
        #expect(sheet.contains("<c r=\"B1\" s=\"1\"><v>1.5</v></c>"))
        #expect(sheet.contains("<c r=\"A2\" s=\"2\"><v>25570.0</v></c>"))  // 1970-01-02 as a spreadsheet serial day
        #expect(String(decoding: entries[2].bytes, as: UTF8.self).contains("name=\"Tradesall\""))
        #expect(Workbook.columnName(0) == "A" && Workbook.columnName(25) == "Z" && Workbook.columnName(26) == "AA" && Workbook.columnName(701) == "ZZ")
    }

    /// Reads a zip through its central directory, checking every stored entry's CRC-32.
    static func unzip(_ bytes: [UInt8]) throws -> [(name: String, bytes: [UInt8])] {
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        let end = bytes.count - 22
        try #require(u32(end) == 0x0605_4B50, "no end-of-central-directory record")
        var cursor = u32(end + 16)
        var entries: [(name: String, bytes: [UInt8])] = []
        for _ in 0..<u16(end + 10) {
            try #require(u32(cursor) == 0x0201_4B50)
            let size = u32(cursor + 20), nameLength = u16(cursor + 28), local = u32(cursor + 42)
            let name = String(decoding: bytes[cursor + 46 ..< cursor + 46 + nameLength], as: UTF8.self)
            try #require(u32(local) == 0x0403_4B50 && u16(local + 8) == 0)
            let start = local + 30 + u16(local + 26) + u16(local + 28)
            let content = Array(bytes[start ..< start + size])
            #expect(CRC32.checksum(content) == UInt32(u32(cursor + 16)), "\(name): CRC mismatch")
            entries.append((name, content))
            cursor += 46 + nameLength + u16(cursor + 30) + u16(cursor + 32)
        }
        return entries
    }

    @Test("ticks are round numbers inside the range")
    func ticks() {
        #expect(SVGChart.niceTicks(0.3, 9.7, count: 5) == [2, 4, 6, 8])
        #expect(SVGChart.niceTicks(-0.031, 0.004, count: 5) == [-0.03, -0.02, -0.01, 0])
        let years = SVGChart.timeTicks(from: 1_100_000_000, to: 1_360_000_000)
        #expect(years.map { SVGChart.timeLabel($0, span: 260_000_000) }.first == "2006")
    }
}

/// Long arrays are written straight to bytes, in pieces on all cores; the bytes must be those
/// of the same array built as nodes.
@Suite("JSON rows")
struct JSONRowsTests {
    struct Points: JSONRows {
        let count: Int
        var bytesPerRow: Int { 20 }
        func write(_ index: Int, to output: inout [UInt8], layout: JSONLayout) {
            output += Array("[\(index),\(layout.indent > 0 ? " " : "")\"p\(index)\"]".utf8)
        }
        func node(_ index: Int) -> JSONValue { .array([.int(index), .string("p\(index)")]) }
    }

    struct Objects: JSONRows {
        let count: Int
        var bytesPerRow: Int { 60 }
        func write(_ index: Int, to output: inout [UInt8], layout: JSONLayout) {
            layout.beginObject(to: &output)
            layout.member("index", first: true, to: &output)
            output += Array(String(index).utf8)
            layout.member("name \"quoted\"", first: false, to: &output)
            JSONValue.writeString("n\(index)", to: &output)
            layout.endObject(to: &output)
        }
        func node(_ index: Int) -> JSONValue { .object([("index", .int(index)), ("name \"quoted\"", .string("n\(index)"))]) }
    }

    @Test("rows, long and short, pretty and compact, give the bytes of the same nodes",
          arguments: [0, 1, 3, JSONValue.parallelRows - 1, JSONValue.parallelRows * 3 + 7])
    func sameBytes(count: Int) {
        for indent in [0, 2] {
            let points = Points(count: count)
            let objects = Objects(count: count)
            let written = JSONValue.object([("points", .rows(points)), ("objects", .rows(objects)), ("after", .bool(true))])
            let built = JSONValue.object([("points", .array((0..<count).map(points.node))),
                                          ("objects", .array((0..<count).map(objects.node))), ("after", .bool(true))])
            #expect(written.renderedBytes(indent: indent) == built.renderedBytes(indent: indent), "indent \(indent)")
        }
    }
}
