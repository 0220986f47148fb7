public import TradewindCore

/// What the human-readable reports (HTML, workbook, trades CSV) show, read back from a run's
/// `results.json`. Reports are always drawn from that document, whether the run has just
/// finished or was stored long ago, so the two can never disagree.
public struct ReportData: Sendable {
    public struct TradeRow: Sendable {
        public var instrument: String
        public var side: String
        public var entryTime: Timestamp
        /// Exact decimal text, as in the results.
        public var entryPrice: String
        public var exitTime: Timestamp
        public var exitPrice: String
        public var size: String
        public var pnl: String
        public var fees: String
    }

    public struct FanPoint: Sendable {
        public var trades: Int
        public var p5, p25, p50, p75, p95: Double
    }

    public var strategy: String
    public var parameters: String
    public var instruments: [String]
    public var start: Timestamp
    public var end: Timestamp
    public var bars: Int
    public var startingCash: String
    public var finalEquity: String
    public var feesPaid: String
    /// Metrics in document order: the results key and its value (`nil` when not computable).
    public var metrics: [(key: String, value: JSONValue)]
    public var equity: [(time: Timestamp, value: Double)]
    public var trades: [TradeRow]
    public var prices: [(instrument: String, points: [(time: Timestamp, close: Double)])]
    public var fan: [FanPoint]
    public var monteCarloSummary: [(key: String, value: String)]
    /// Bars per year the run annualised with.
    public var barsPerYear: Double?

    /// - Throws: ``ReportDataError`` naming the first missing or malformed field.
    public init(results document: JSONValue) throws(ReportDataError) {
        func field(_ key: String, in value: JSONValue? = nil) throws(ReportDataError) -> JSONValue {
            guard let found = (value ?? document)[key] else { throw .missing(key) }
            return found
        }
        func string(_ key: String, in value: JSONValue? = nil) throws(ReportDataError) -> String {
            guard let text = try field(key, in: value).stringValue else { throw .malformed(key, "expected a string") }
            return text
        }
        func number(_ key: String, in value: JSONValue? = nil) throws(ReportDataError) -> String {
            guard let text = try field(key, in: value).numberText else { throw .malformed(key, "expected a number") }
            return text
        }
        func time(_ text: String, _ key: String) throws(ReportDataError) -> Timestamp {
            guard let value = Timestamp(iso8601: text) else { throw .malformed(key, "'\(text)' is not an ISO-8601 time") }
            return value
        }
        func pairs(_ value: JSONValue, _ key: String) throws(ReportDataError) -> [(Timestamp, Double)] {
            guard let rows = value.arrayValue else { throw .malformed(key, "expected an array") }
            var points: [(Timestamp, Double)] = []
            points.reserveCapacity(rows.count)
            for row in rows {
                guard let cells = row.arrayValue, cells.count == 2, let text = cells[0].stringValue, let number = cells[1].doubleValue else {
                    throw .malformed(key, "expected [time, number] rows")
                }
                points.append((try time(text, key), number))
            }
            return points
        }

        strategy = try string("strategy")
        parameters = try string("parameters")
        instruments = (try field("instruments").arrayValue ?? []).compactMap(\.stringValue)
        start = try time(try string("start"), "start")
        end = try time(try string("end"), "end")
        bars = Int(try number("bars")) ?? 0
        startingCash = try number("starting_cash")
        finalEquity = try number("final_equity")
        feesPaid = try number("fees_paid")
        let metricsValue = try field("metrics")
        guard let members = metricsValue.objectMembers else { throw .malformed("metrics", "expected an object") }
        metrics = members.map { ($0.0, $0.1) }
        barsPerYear = metricsValue["bars_per_year"]?.doubleValue
        equity = try pairs(try field("equity_curve"), "equity_curve")
        guard let tradeValues = try field("trades").arrayValue else { throw .malformed("trades", "expected an array") }
        trades = try tradeValues.map { (trade: JSONValue) throws(ReportDataError) -> TradeRow in
            TradeRow(instrument: try string("instrument", in: trade), side: try string("side", in: trade),
                     entryTime: try time(try string("entry_time", in: trade), "trades.entry_time"),
                     entryPrice: try number("entry_price", in: trade),
                     exitTime: try time(try string("exit_time", in: trade), "trades.exit_time"),
                     exitPrice: try number("exit_price", in: trade), size: try number("size", in: trade),
                     pnl: try number("pnl", in: trade), fees: try number("fees", in: trade))
        }
        prices = try (document["price_chart"]?.arrayValue ?? []).map { (chart: JSONValue) throws(ReportDataError) in
            (try string("instrument", in: chart), try pairs(try field("points", in: chart), "price_chart.points"))
        }
        fan = []
        monteCarloSummary = []
        if let mc = document["monte_carlo"], mc.objectMembers != nil {
            fan = (mc["fan"]?.arrayValue ?? []).compactMap { point in
                guard let trades = point["trades"]?.intValue, let equity = point["equity"] else { return nil }
                let p = ["p5", "p25", "p50", "p75", "p95"].map { equity[$0]?.doubleValue ?? .nan }
                return FanPoint(trades: trades, p5: p[0], p25: p[1], p50: p[2], p75: p[3], p95: p[4])
            }
            func line(_ key: String, _ label: String, percent: Bool) -> (String, String)? {
                guard let values = mc[key] else { return nil }
                let shown = ["p5", "p50", "p95"].map { name -> String in
                    guard let value = values[name]?.doubleValue else { return "n/a" }
                    return percent ? BacktestReport.percent(value) : BacktestReport.fixed(value, 2)
                }
                return (label, "p5 \(shown[0]) · median \(shown[1]) · p95 \(shown[2])")
            }
            monteCarloSummary = [
                ("Paths", "\(mc["paths"]?.intValue ?? 0) \(mc["method"]?.stringValue ?? "") paths of \(mc["trades"]?.intValue ?? 0) trades"),
                line("final_equity", "Final equity", percent: false), line("max_drawdown", "Max drawdown", percent: true),
                line("sharpe", "Sharpe", percent: false),
                mc["probability_of_ruin"]?.doubleValue.map { ("Probability of ruin", BacktestReport.percent($0)) },
            ].compactMap { $0 }
        }
    }

    // MARK: Derived series

    /// Equity below its running peak, as a negative fraction, at each point.
    public var drawdown: [(time: Timestamp, value: Double)] {
        var peak = Double(startingCash) ?? equity.first?.value ?? 0
        return equity.map { point in
            peak = Swift.max(peak, point.value)
            return (point.time, peak > 0 ? point.value / peak - 1 : 0)
        }
    }

    /// Return of each calendar month (UTC) from the equity at the previous month's last point
    /// (the starting cash for the first month).
    public var monthlyReturns: [(year: Int, month: Int, value: Double)] {
        var result: [(year: Int, month: Int, value: Double)] = []
        var base = Double(startingCash) ?? 0
        var current: (year: Int, month: Int)?
        var last = base
        for point in equity {
            let c = point.time.utcComponents
            if let month = current, month != (c.year, c.month) {
                result.append((month.year, month.month, base > 0 ? last / base - 1 : 0))
                base = last
            }
            current = (c.year, c.month)
            last = point.value
        }
        if let month = current { result.append((month.year, month.month, base > 0 ? last / base - 1 : 0)) }
        return result
    }

    /// Annualised Sharpe ratio of the per-bar returns over a trailing window of `window` bars.
    public func rollingSharpe(window: Int) -> [(time: Timestamp, value: Double)] {
        guard window >= 2, equity.count > window, let perYear = barsPerYear, perYear > 0 else { return [] }
        var returns = [Double](repeating: 0, count: equity.count)
        for index in 1..<equity.count where equity[index - 1].value != 0 {
            returns[index] = equity[index].value / equity[index - 1].value - 1
        }
        var result: [(time: Timestamp, value: Double)] = []
        var sum = 0.0, squares = 0.0
        let n = Double(window)
        for index in 1..<equity.count {
            sum += returns[index]
            squares += returns[index] * returns[index]
            if index > window {
                sum -= returns[index - window]
                squares -= returns[index - window] * returns[index - window]
            }
            guard index >= window else { continue }
            let mean = sum / n
            let variance = Swift.max(0, (squares - n * mean * mean) / (n - 1))
            // A flat window (no position) has no defined Sharpe; the chart shows a gap.
            result.append((equity[index].time, variance > 1e-18 ? mean / variance.squareRoot() * perYear.squareRoot() : .nan))
        }
        return result
    }

    /// The trades table as CSV with a header, exact decimals, ISO-8601 UTC times.
    public var tradesCSV: String {
        var text = "instrument,side,entry_time,entry_price,exit_time,exit_price,size,pnl,fees\n"
        for trade in trades {
            text += [trade.instrument, trade.side, trade.entryTime.iso8601, trade.entryPrice, trade.exitTime.iso8601,
                     trade.exitPrice, trade.size, trade.pnl, trade.fees].map(Self.csvField).joined(separator: ",") + "\n"
        }
        return text
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return text }
        return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
    }

    /// A people-facing label for a results metric key.
    public static func label(_ key: String) -> String {
        let words = key.split(separator: "_").map(String.init)
        let names: [String: String] = ["sqn": "SQN", "pnl": "PnL", "cagr": "CAGR", "var": "VaR", "cvar": "CVaR"]
        return words.enumerated().map { index, word in
            names[word] ?? (index == 0 ? word.prefix(1).uppercased() + word.dropFirst() : word)
        }.joined(separator: " ")
    }

    /// A metric's value as shown in tables: fractions of keys ending in return/drawdown/rate as percent.
    public static func display(_ key: String, _ value: JSONValue) -> String {
        guard let text = value.numberText, let number = Double(text) else { return value == .null ? "n/a" : value.rendered() }
        let percentKeys = ["total_return", "annualized_return", "annualized_volatility", "max_drawdown", "win_rate", "time_in_market"]
        if percentKeys.contains(key) { return BacktestReport.percent(key == "max_drawdown" ? -number : number) }
        if text.contains(".") && text.count > 12 { return BacktestReport.fixed(number, 4) }
        return text
    }
}

public enum ReportDataError: Error, Equatable, CustomStringConvertible {
    case missing(String)
    case malformed(String, String)

    public var description: String {
        switch self {
        case .missing(let key): "results document has no '\(key)'"
        case .malformed(let key, let reason): "results document field '\(key)': \(reason)"
        }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
