public import TradewindCore

/// A spreadsheet workbook in the Office Open XML format (`.xlsx`): a zip of XML parts that
/// Excel, LibreOffice and Google Sheets open. Only what reports need: text, numbers and
/// date-times in plain sheets, the first row bold.
public struct Workbook: Sendable {
    public enum Cell: Sendable, Equatable {
        case text(String)
        /// A decimal number's exact text (`107430.0841`), written as is.
        case number(String)
        case time(Timestamp)
        case empty
    }

    public struct Sheet: Sendable {
        public var name: String
        public var rows: [[Cell]]

        public init(name: String, rows: [[Cell]]) {
            self.name = name
            self.rows = rows
        }
    }

    public var sheets: [Sheet]

    public init(sheets: [Sheet]) { self.sheets = sheets }

    /// The `.xlsx` file's bytes.
    public func bytes() -> [UInt8] {
        var archive = ZipArchive()
        let sheetEntries = sheets.indices.map { index in
            "<Override PartName=\"/xl/worksheets/sheet\(index + 1).xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        }.joined()
        archive.add("[Content_Types].xml", Self.header + """
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
            <Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
            \(sheetEntries)</Types>
            """)
        archive.add("_rels/.rels", Self.header + """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>\
            </Relationships>
            """)
        let sheetList = sheets.enumerated().map { index, sheet in
            "<sheet name=\"\(escape(Self.sheetName(sheet.name)))\" sheetId=\"\(index + 1)\" r:id=\"rId\(index + 1)\"/>"
        }.joined()
        archive.add("xl/workbook.xml", Self.header + """
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
            xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>\(sheetList)</sheets></workbook>
            """)
        let relationships = sheets.indices.map { index in
            "<Relationship Id=\"rId\(index + 1)\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet\(index + 1).xml\"/>"
        }.joined()
        archive.add("xl/_rels/workbook.xml.rels", Self.header + """
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\(relationships)\
            <Relationship Id="rId\(sheets.count + 1)" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>\
            </Relationships>
            """)
        // Style 1: bold (header row); style 2: date-time yyyy-mm-dd hh:mm:ss.
        archive.add("xl/styles.xml", Self.header + """
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
            <numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/></numFmts>\
            <fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
            <fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
            <borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
            <cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
            <cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
            <xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
            <xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
            <cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
            </styleSheet>
            """)
        for (index, sheet) in sheets.enumerated() {
            archive.add("xl/worksheets/sheet\(index + 1).xml", Self.worksheet(sheet))
        }
        return archive.finish()
    }

    static let header = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

    /// Sheet names are at most 31 characters without `[]:*?/\`.
    static func sheetName(_ name: String) -> String {
        String(name.filter { !"[]:*?/\\".contains($0) }.prefix(31))
    }

    static func worksheet(_ sheet: Sheet) -> String {
        var xml = header + "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
        for (rowIndex, row) in sheet.rows.enumerated() {
            xml += "<row r=\"\(rowIndex + 1)\">"
            for (columnIndex, cell) in row.enumerated() {
                let reference = columnName(columnIndex) + String(rowIndex + 1)
                let bold = rowIndex == 0 ? " s=\"1\"" : ""
                switch cell {
                case .text(let text):
                    xml += "<c r=\"\(reference)\" t=\"inlineStr\"\(bold)><is><t xml:space=\"preserve\">\(escape(text))</t></is></c>"
                case .number(let text): xml += "<c r=\"\(reference)\"\(bold)><v>\(text)</v></c>"
                case .time(let time):
                    // Spreadsheet serial days count from 1899-12-30; 25,569 of them reach 1970-01-01.
                    let serial = Double(time.nanosecondsSinceEpoch) / 86_400e9 + 25_569
                    xml += "<c r=\"\(reference)\" s=\"2\"><v>\(serial)</v></c>"
                case .empty: continue
                }
            }
            xml += "</row>"
        }
        return xml + "</sheetData></worksheet>"
    }

    /// A, B, …, Z, AA, AB, …
    static func columnName(_ index: Int) -> String {
        var name = ""
        var n = index + 1
        while n > 0 {
            let remainder = (n - 1) % 26
            name = String(UnicodeScalar(UInt8(65 + remainder))) + name
            n = (n - 1) / 26
        }
        return name
    }
}

/// A zip archive of stored (uncompressed) entries, enough for `.xlsx` containers: local
/// headers, CRC-32 and a central directory, no zip64, no timestamps (1980-01-01, so the
/// bytes depend only on the content).
struct ZipArchive {
    private var output: [UInt8] = []
    private var central: [UInt8] = []
    private var count = 0

    mutating func add(_ name: String, _ text: String) { add(name, Array(text.utf8)) }

    mutating func add(_ name: String, _ content: [UInt8]) {
        let nameBytes = Array(name.utf8)
        let crc = CRC32.checksum(content)
        let offset = UInt32(output.count)
        // Local file header.
        output += le32(0x0403_4B50) + le16(20) + le16(0x0800) + le16(0) + le16(0) + le16(0x21)
        output += le32(crc) + le32(UInt32(content.count)) + le32(UInt32(content.count)) + le16(UInt16(nameBytes.count)) + le16(0)
        output += nameBytes
        output += content
        // Its central directory record.
        central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0x0800) + le16(0) + le16(0) + le16(0x21)
        central += le32(crc) + le32(UInt32(content.count)) + le32(UInt32(content.count)) + le16(UInt16(nameBytes.count))
        central += le16(0) + le16(0) + le16(0) + le16(0) + le32(0) + le32(offset)
        central += nameBytes
        count += 1
    }

    consuming func finish() -> [UInt8] {
        let directoryOffset = UInt32(output.count)
        output += central
        output += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(count)) + le16(UInt16(count))
        output += le32(UInt32(central.count)) + le32(directoryOffset) + le16(0)
        return output
    }

    private func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    private func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) } }
}

/// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zip and PNG use.
enum CRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    static func checksum(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
