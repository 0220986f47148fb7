import TradewindCore

/// The files of a report directory, all drawn from one `results.json` document:
/// `report.html`, `results.json`, `trades.csv` and `report.xlsx`.
public struct ReportBundle: Sendable {
    public var files: [(name: String, bytes: [UInt8])]

    /// Rows of the workbook's equity sheet at most; longer curves keep every n-th point and the last.
    public static let workbookEquityRows = 50_000

    /// - Throws: ``JSONParseError`` or ``ReportDataError`` when the document is not a run's results.
    public init(results: [UInt8]) throws {
        let data = try ReportData(results: try JSONValue.parse(results))
        files = [
            ("report.html", Array(HTMLReport.render(data).utf8)),
            ("results.json", results),
            ("trades.csv", Array(data.tradesCSV.utf8)),
            ("report.xlsx", Self.workbook(data).bytes()),
        ]
    }

    static func workbook(_ data: ReportData) -> Workbook {
        var metrics: [[Workbook.Cell]] = [[.text("metric"), .text("value")]]
        metrics.append([.text("strategy"), .text(data.strategy)])
        metrics.append([.text("parameters"), .text(data.parameters)])
        metrics.append([.text("instruments"), .text(data.instruments.joined(separator: ", "))])
        metrics.append([.text("start"), .time(data.start)])
        metrics.append([.text("end"), .time(data.end)])
        metrics.append([.text("bars"), .number(String(data.bars))])
        metrics.append([.text("starting_cash"), .number(data.startingCash)])
        metrics.append([.text("final_equity"), .number(data.finalEquity)])
        metrics.append([.text("fees_paid"), .number(data.feesPaid)])
        for (key, value) in data.metrics {
            metrics.append([.text(key), value.numberText.map(Workbook.Cell.number) ?? .empty])
        }
        var trades: [[Workbook.Cell]] = [["instrument", "side", "entry_time", "entry_price", "exit_time", "exit_price", "size", "pnl", "fees"].map(Workbook.Cell.text)]
        for trade in data.trades {
            trades.append([.text(trade.instrument), .text(trade.side), .time(trade.entryTime), .number(trade.entryPrice),
                           .time(trade.exitTime), .number(trade.exitPrice), .number(trade.size), .number(trade.pnl), .number(trade.fees)])
        }
        var equity: [[Workbook.Cell]] = [[.text("time"), .text("equity"), .text("drawdown")]]
        let drawdown = data.drawdown
        let step = max(1, (data.equity.count + workbookEquityRows - 1) / workbookEquityRows)
        var indices = Array(stride(from: 0, to: data.equity.count, by: step))
        if let last = indices.last, last != data.equity.count - 1 { indices.append(data.equity.count - 1) }
        for index in indices {
            equity.append([.time(data.equity[index].time), .number(String(data.equity[index].value)), .number(String(drawdown[index].value))])
        }
        return Workbook(sheets: [Workbook.Sheet(name: "Metrics", rows: metrics), Workbook.Sheet(name: "Trades", rows: trades),
                                 Workbook.Sheet(name: "Equity", rows: equity)])
    }
}
