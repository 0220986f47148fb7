import TradewindCore

/// A backtest report as one self-contained HTML page: inline CSS and SVG, no script and no
/// external asset, so it opens from disk, attaches to an e-mail and prints.
public enum HTMLReport {
    static let blue = "#2563eb", red = "#dc2626", green = "#16a34a", grey = "#6b7280"

    public static func render(_ data: ReportData) -> String {
        let startSeconds = seconds(data.start), endSeconds = seconds(data.end)
        let span = endSeconds - startSeconds
        let ticks = SVGChart.timeTicks(from: startSeconds, to: endSeconds)
        func timeChart(_ id: String, _ title: String, format: @escaping (Double) -> String) -> SVGChart {
            SVGChart(id: id, title: title, formatX: { SVGChart.timeLabel($0, span: span) }, formatY: format, xTicks: ticks)
        }
        let money: (Double) -> String = { compact($0) }
        let percent: (Double) -> String = { BacktestReport.fixed($0 * 100, abs($0) < 0.1 ? 1 : 0) + "%" }

        var equity = timeChart("equity", "Equity", format: money)
        equity.lines = [.init(points: thin(data.equity).map { (seconds($0.time), $0.value) }, color: blue)]

        var drawdown = timeChart("drawdown", "Drawdown", format: percent)
        drawdown.height = 180
        drawdown.includeZero = true
        drawdown.lines = [.init(points: thin(data.drawdown).map { (seconds($0.time), $0.value) }, color: red, fillToZero: true)]

        let perYear = data.barsPerYear ?? 252
        let window = max(20, Int((perYear / 2).rounded()))
        var sharpe = timeChart("rolling-sharpe", "Rolling Sharpe (\(window) bars ≈ 6 months, annualised)", format: { BacktestReport.fixed($0, 1) })
        sharpe.height = 180
        sharpe.includeZero = true
        sharpe.lines = [.init(points: thin(data.rollingSharpe(window: window)).map { (seconds($0.time), $0.value) }, color: "#7c3aed")]

        var priceCharts: [String] = []
        for chart in data.prices {
            var price = timeChart("price-\(priceCharts.count)", "\(chart.instrument) close with trades (▲ entry, ▼ exit)", format: money)
            price.lines = [.init(points: chart.points.map { (seconds($0.time), $0.close) }, color: grey, width: 1.2)]
            let trades = data.trades.filter { $0.instrument == chart.instrument }
            // Hundreds of markers stay readable; thousands become noise, so only the latest are drawn.
            for trade in trades.suffix(400) {
                let isLong = trade.side == "long"
                if let entry = Double(trade.entryPrice) {
                    price.markers.append(.init(x: seconds(trade.entryTime), y: entry, up: isLong, color: isLong ? green : red,
                                               title: "\(trade.side) entry \(trade.entryTime.iso8601) at \(trade.entryPrice)"))
                }
                if let exit = Double(trade.exitPrice) {
                    price.markers.append(.init(x: seconds(trade.exitTime), y: exit, up: !isLong, color: grey,
                                               title: "exit \(trade.exitTime.iso8601) at \(trade.exitPrice), PnL \(trade.pnl)"))
                }
            }
            priceCharts.append(price.render())
        }

        var fanChart = ""
        if !data.fan.isEmpty {
            let start = Double(data.startingCash) ?? 0
            var fan = SVGChart(id: "monte-carlo", title: "Monte Carlo equity fan (5–95 % and 25–75 % of paths, median)",
                               formatX: { "\(Int($0)) trades" }, formatY: money)
            let x = [0.0] + data.fan.map { Double($0.trades) }
            fan.bands = [
                .init(x: x, lower: [start] + data.fan.map(\.p5), upper: [start] + data.fan.map(\.p95), color: blue, opacity: 0.15),
                .init(x: x, lower: [start] + data.fan.map(\.p25), upper: [start] + data.fan.map(\.p75), color: blue, opacity: 0.3),
            ]
            fan.lines = [.init(points: zip(x, [start] + data.fan.map(\.p50)).map { ($0, $1) }, color: blue)]
            fanChart = fan.render()
        }

        let title = "\(data.strategy) on \(data.instruments.joined(separator: ", "))"
        var html = """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) — Tradewind backtest</title>
            <style>\(style)</style></head><body>
            <header><h1>\(escape(title))</h1>
            <p class="sub">\(escape(data.parameters)) · \(day(data.start)) → \(day(data.end)) · \(BacktestReport.grouped(data.bars)) bars</p>
            <div class="cards">
            \(card("Final equity", money(Double(data.finalEquity) ?? 0)))\(card("Total return", metric(data, "total_return")))\
            \(card("Sharpe", metric(data, "sharpe_ratio")))\(card("Max drawdown", metric(data, "max_drawdown")))\
            \(card("Trades", metric(data, "trade_count")))
            </div></header>
            <main>
            <section>\(equity.render())</section>
            <section>\(drawdown.render())</section>
            \(priceCharts.map { "<section>\($0)</section>" }.joined(separator: "\n"))
            <section>\(sharpe.render())</section>
            <section><h2>Monthly returns</h2>\(monthlyTable(data))</section>
            """
        if !fanChart.isEmpty {
            html += "<section>\(fanChart)\(keyValueTable(data.monteCarloSummary, id: "monte-carlo-table"))</section>\n"
        }
        let metricRows = [("Starting cash", data.startingCash), ("Final equity", data.finalEquity), ("Fees paid", data.feesPaid)]
            + data.metrics.map { (ReportData.label($0.key), ReportData.display($0.key, $0.value)) }
        html += "<section><h2>Metrics</h2>\(keyValueTable(metricRows, id: "metrics"))</section>\n"
        html += "<section><h2>Trades</h2>\(tradesTable(data))</section>\n"
        html += "</main><footer>Tradewind · money is exact decimal; ratios are conventions of docs/METRICS.md</footer></body></html>\n"
        return html
    }

    public static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#111827;background:#f9fafb}
        header{background:#111827;color:#f9fafb;padding:20px 32px}h1{margin:0;font-size:22px}.sub{margin:4px 0 12px;color:#d1d5db}
        .cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:#1f2937;border-radius:8px;padding:8px 14px;min-width:120px}
        .card b{display:block;font-size:18px}.card span{color:#9ca3af;font-size:12px}
        main{padding:16px 32px;max-width:1000px}section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;margin:0 0 16px;padding:12px}
        h2{font-size:15px;margin:4px 0 10px}svg.chart{display:block;max-width:100%;height:auto}
        .chart-title{font-weight:600;font-size:13px;fill:#111827}.grid line{stroke:#e5e7eb}.grid text{font-size:11px;fill:#6b7280}
        .zero{stroke:#9ca3af;stroke-dasharray:3 3}table{border-collapse:collapse;font-variant-numeric:tabular-nums}
        td,th{padding:3px 8px;border-bottom:1px solid #f3f4f6;text-align:right}th{font-weight:600;color:#374151}
        td:first-child,th:first-child{text-align:left}.heat td{min-width:46px;text-align:center;border:1px solid #fff}
        .trades{max-height:420px;overflow:auto;display:block}footer{padding:0 32px 24px;color:#6b7280;font-size:12px}
        """

    static func card(_ label: String, _ value: String) -> String {
        "<div class=\"card\"><span>\(escape(label))</span><b>\(escape(value))</b></div>"
    }

    static func metric(_ data: ReportData, _ key: String) -> String {
        data.metrics.first { $0.key == key }.map { ReportData.display(key, $0.value) } ?? "n/a"
    }

    static func keyValueTable(_ rows: [(String, String)], id: String) -> String {
        "<table id=\"\(id)\">" + rows.map { "<tr><td>\(escape($0.0))</td><td>\(escape($0.1))</td></tr>" }.joined() + "</table>"
    }

    /// Years down, months across, each cell shaded green (gain) or red (loss) by its size.
    static func monthlyTable(_ data: ReportData) -> String {
        let months = data.monthlyReturns
        guard !months.isEmpty else { return "<p>no data</p>" }
        let largest = max(months.map { abs($0.value) }.max() ?? 0, 1e-9)
        var byYear: [Int: [Int: Double]] = [:]
        for month in months { byYear[month.year, default: [:]][month.month] = month.value }
        let names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        var html = "<table class=\"heat\" id=\"monthly-returns\"><tr><th>Year</th>" + names.map { "<th>\($0)</th>" }.joined() + "<th>Year</th></tr>"
        for year in byYear.keys.sorted() {
            html += "<tr><td>\(year)</td>"
            var compounded = 1.0
            for month in 1...12 {
                guard let value = byYear[year]?[month] else { html += "<td></td>"; continue }
                compounded *= 1 + value
                let strength = min(1, abs(value) / largest)
                let colour = value >= 0 ? "22,163,74" : "220,38,38"
                html += "<td style=\"background:rgba(\(colour),\(BacktestReport.fixed(0.1 + 0.8 * strength, 2)))\">\(BacktestReport.fixed(value * 100, 1))</td>"
            }
            html += "<td><b>\(BacktestReport.fixed((compounded - 1) * 100, 1))</b></td></tr>"
        }
        return html + "</table><p class=\"sub\">percent, from month-end equity</p>"
    }

    static func tradesTable(_ data: ReportData) -> String {
        guard !data.trades.isEmpty else { return "<p>no closed trades</p>" }
        var html = "<table class=\"trades\" id=\"trades\"><tr><th>#</th><th>Instrument</th><th>Side</th><th>Entry</th><th>Price</th><th>Exit</th><th>Price</th><th>Size</th><th>PnL</th><th>Fees</th></tr>"
        for (index, trade) in data.trades.enumerated() {
            let cells = ["\(index + 1)", trade.instrument, trade.side, trade.entryTime.iso8601, trade.entryPrice, trade.exitTime.iso8601,
                         trade.exitPrice, trade.size, trade.pnl, trade.fees]
            html += "<tr>" + cells.map { "<td>\(escape($0))</td>" }.joined() + "</tr>"
        }
        return html + "</table>"
    }

    static func seconds(_ time: Timestamp) -> Double { Double(time.nanosecondsSinceEpoch) / 1e9 }

    static func day(_ time: Timestamp) -> String { String(time.iso8601.prefix(10)) }

    /// Keeps a long series to a few thousand points for drawing, each bucket's extremes kept.
    static func thin(_ points: [(time: Timestamp, value: Double)], limit: Int = 3_000) -> [(time: Timestamp, value: Double)] {
        guard points.count > limit else { return points }
        let buckets = limit / 2
        var result: [(time: Timestamp, value: Double)] = []
        for bucket in 0..<buckets {
            let slice = points[points.count * bucket / buckets ..< points.count * (bucket + 1) / buckets]
            guard let low = slice.min(by: { $0.value < $1.value }), let high = slice.max(by: { $0.value < $1.value }) else { continue }
            result += low.time <= high.time ? [low, high] : [high, low]
        }
        return result
    }

    /// 1.2M, 350k, 99.5 — axis labels that fit.
    static func compact(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1e9 { return BacktestReport.fixed(value / 1e9, 2) + "B" }
        if magnitude >= 1e6 { return BacktestReport.fixed(value / 1e6, 2) + "M" }
        if magnitude >= 1e4 { return BacktestReport.fixed(value / 1e3, 1) + "k" }
        return BacktestReport.fixed(value, magnitude >= 100 ? 0 : 2)
    }
}
