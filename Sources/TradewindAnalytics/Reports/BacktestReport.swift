public import TradewindCore
import TradewindEngine
public import TradewindSimulation
import TradewindRisk

/// A backtest result with its metrics, rendered for people (text) and programs (JSON).
public struct BacktestReport: Sendable {
    public var result: BacktestResult
    public var metrics: PerformanceMetrics
    /// The data's bar interval, for display (`1d`, `1 month`).
    public var intervalDescription: String?
    /// Resampled paths of the closed trades, when asked for (``addMonteCarlo(_:)``).
    public var monteCarlo: MonteCarlo.Result?
    /// Closing prices per instrument, thinned for charts (``addPriceChart(instrument:bars:)``).
    public var priceCharts: [PriceChart] = []

    /// An instrument's closes for the report's price chart.
    public struct PriceChart: Sendable {
        public var instrument: String
        public var points: [(time: Timestamp, close: Price)]

        /// The instrument's closes for the trade-marker chart. Series longer than
        /// ``BacktestReport/priceChartPoints`` keep the lowest and highest close of each
        /// bucket, in time order, so spikes survive the thinning.
        public init(instrument: String, bars: [Bar]) {
            self.instrument = instrument
            points = []
            if bars.count <= BacktestReport.priceChartPoints {
                points = bars.map { ($0.closeTime, $0.close) }
                return
            }
            let buckets = BacktestReport.priceChartPoints / 2
            points.reserveCapacity(BacktestReport.priceChartPoints)
            for bucket in 0..<buckets {
                let slice = bars[bars.count * bucket / buckets ..< bars.count * (bucket + 1) / buckets]
                guard var low = slice.first else { continue }
                var high = low
                for bar in slice {
                    if bar.close < low.close { low = bar }
                    if bar.close > high.close { high = bar }
                }
                let (first, second) = low.closeTime <= high.closeTime ? (low, high) : (high, low)
                points.append((first.closeTime, first.close))
                points.append((second.closeTime, second.close))
            }
        }
    }

    /// Points a price chart keeps at most; longer series keep each bucket's lowest and highest close.
    public static let priceChartPoints = 4_000

    /// Adds the instrument's closes for the trade-marker chart (``PriceChart/init(instrument:bars:)``).
    public mutating func addPriceChart(instrument: String, bars: [Bar]) {
        priceCharts.append(PriceChart(instrument: instrument, bars: bars))
    }

    /// - Parameter periodsPerYear: bars a year for annualising Sharpe, Sortino and volatility
    ///   (``Annualization``); `nil` uses the observed count.
    public init(result: BacktestResult, intervalDescription: String? = nil, periodsPerYear: Double? = nil) {
        self.result = result
        self.intervalDescription = intervalDescription
        self.metrics = PerformanceMetrics(
            startingEquity: result.configuration.startingCash,
            equityCurve: result.equityCurve,
            trades: result.trades, feesPaid: result.feesPaid, start: result.start, end: result.end,
            periodsPerYear: periodsPerYear
        )
    }

    /// Resamples the closed trades' net PnL from the starting cash; Sharpe per path is
    /// annualised by the run's trades per year.
    public mutating func addMonteCarlo(_ configuration: MonteCarlo.Configuration) {
        var configuration = configuration
        let pnl = result.trades.map(\.pnl.doubleValue)
        if metrics.years > 0 { configuration.tradesPerYear = Double(pnl.count) / metrics.years }
        monteCarlo = MonteCarlo.run(tradePnL: pnl, startingEquity: result.configuration.startingCash.doubleValue, configuration: configuration)
    }

    var monteCarloJSON: JSONValue {
        guard let mc = monteCarlo else { return .null }
        func percentiles(_ p: MonteCarlo.Percentiles) -> JSONValue {
            .object([("p5", .double(p.p5)), ("p25", .double(p.p25)), ("p50", .double(p.p50)), ("p75", .double(p.p75)), ("p95", .double(p.p95))])
        }
        return .object([("method", .string(mc.method.rawValue)), ("paths", .int(mc.paths)), ("trades", .int(mc.trades)),
                        ("final_equity", percentiles(mc.finalEquity)), ("max_drawdown", percentiles(mc.maxDrawdown)),
                        ("sharpe", percentiles(mc.sharpe)), ("probability_of_ruin", .double(mc.probabilityOfRuin)),
                        ("fan", .array(mc.fan.map { point in
                            .object([("trades", .int(point.trades)), ("equity", percentiles(point.equity))])
                        }))])
    }

    // MARK: JSON

    /// The machine-readable document. Money and prices are exact decimals; ratios are
    /// plain numbers (fractions, not percent); times are ISO-8601 UTC.
    public var json: JSONValue {
        .object([
            ("strategy", .string(result.strategyName)),
            ("parameters", .string(result.parameters)),
            ("instruments", .array(result.instruments.map { .string($0.id.description) })),
            ("start", .string(result.start.iso8601)),
            ("end", .string(result.end.iso8601)),
            ("bars", .int(result.barCount)),
            ("starting_cash", .number(result.configuration.startingCash.description)),
            ("commission_rate", .number(result.configuration.fees.takerRate.description)),
            ("final_equity", .number(result.finalEquity.description)),
            ("final_cash", .number(result.finalCash.description)),
            ("fees_paid", .number(result.feesPaid.description)),
            ("funding_paid", .number(result.fundingPaid.description)),
            ("execution", executionJSON),
            ("monte_carlo", monteCarloJSON),
            ("orders", ordersJSON),
            ("trades", tradesJSON),
            ("open_positions", .array(result.openPositions.map(Self.json(position:)))),
            ("equity_curve", equityCurveJSON),
            ("risk", .object([
                ("state", .string(result.tradingState.rawValue)),
                ("events", .array(result.riskEvents.map { event in
                    .object([("time", .string(event.time.iso8601)), ("from", .string(event.from.rawValue)), ("to", .string(event.to.rawValue)),
                             ("rule", .string(event.rule.rawValue)), ("reason", .string(event.reason))])
                })),
            ])),
            ("exposure", .object([
                ("average_leverage", .double(result.exposure.averageLeverage)),
                ("max_leverage", .double(result.exposure.maxLeverage)),
                ("max_gross_exposure", .number(result.exposure.maxGrossExposure.description)),
                ("time_in_market", .double(result.exposure.timeInMarket)),
            ])),
            ("strategies", .array(result.strategies.map { book in
                .object([
                    ("name", .string(book.name)),
                    ("fills", .int(book.fillCount)),
                    ("trades", .int(book.trades.count)),
                    ("realized_pnl", .number(book.realizedPnL.description)),
                    ("unrealized_pnl", .number(book.unrealizedPnL.description)),
                    ("fees", .number(book.fees.description)),
                    ("funding", .number(book.funding.description)),
                    ("net_pnl", .number(book.netPnL.description)),
                ])
            })),
            ("metrics", metricsJSON),
            ("price_chart", .array(priceCharts.map { chart in
                .object([("instrument", .string(chart.instrument)), ("points", .rows(PriceChartRows(points: chart.points)))])
            })),
        ])
    }

    /// Closed trades, each object written straight to bytes.
    var tradesJSON: JSONValue { .rows(TradeRows(trades: result.trades)) }

    /// `["time", equity]` per point, written straight to bytes.
    var equityCurveJSON: JSONValue { .rows(EquityCurveRows(curve: result.equityCurve)) }

    /// The assumptions the run was made under.
    var executionJSON: JSONValue {
        let configuration = result.configuration
        let fees = configuration.fees
        let fill = configuration.fillModel
        let slippage: String = switch fill.slippage {
        case .none: "none"
        case .ticks(let n): "ticks:\(n)"
        case .fraction(let rate): "fraction:\(rate)"
        case .rangeFraction(let rate): "range:\(rate)"
        }
        var fields: [(String, JSONValue)] = [
            ("account", .string(configuration.accountType.rawValue)),
            ("maker_fee", .number(fees.makerRate.description)),
            ("taker_fee", .number(fees.takerRate.description)),
            ("fee_per_unit", .number(fees.perUnit.description)),
            ("min_fee", .number(fees.minimum.description)),
            ("limit_fill", .string(fill.limitRule.rawValue)),
            ("slippage", .string(slippage)),
            ("participation", fill.participation.map { .number($0.description) } ?? .null),
            ("latency", .string(fill.latency.description)),
        ]
        if configuration.accountType == .margin {
            fields.append(("initial_margin", .number(configuration.margin.initialRate.description)))
            fields.append(("maintenance_margin", .number(configuration.margin.maintenanceRate.description)))
        }
        return .object(fields)
    }

    var metricsJSON: JSONValue {
        let m = metrics
        return .object([
            ("total_return", .double(m.totalReturn)),
            ("annualized_return", .double(m.annualizedReturn)),
            ("annualized_volatility", .double(m.annualizedVolatility)),
            ("sharpe_ratio", .double(m.sharpeRatio)),
            ("sortino_ratio", .double(m.sortinoRatio)),
            ("max_drawdown", .double(m.maxDrawdown)),
            ("max_drawdown_duration_days", .double(m.maxDrawdownDuration.days)),
            ("win_rate", .double(m.winRate)),
            ("profit_factor", .double(m.profitFactor)),
            ("trade_count", .int(m.tradeCount)),
            ("net_profit", .number(m.netProfit.description)),
            ("average_trade_pnl", m.averageTradePnL.map { .number($0.description) } ?? .null),
            ("best_trade_pnl", m.bestTrade.map { .number($0.description) } ?? .null),
            ("worst_trade_pnl", m.worstTrade.map { .number($0.description) } ?? .null),
            ("average_win", m.averageWin.map { .number($0.description) } ?? .null),
            ("average_loss", m.averageLoss.map { .number($0.description) } ?? .null),
            ("kelly_fraction", .double(m.kellyFraction)),
            ("sqn", .double(m.sqn)),
            ("average_holding_days", .double(m.averageHoldingTime?.days)),
            ("years", .double(m.years)),
            ("bars_per_year", .double(m.barsPerYear)),
        ])
    }

    /// Order outcomes: a count per final status, and every order that never reached the
    /// market (denied by the pre-trade checks or rejected by the venue) with its reason.
    var ordersJSON: JSONValue {
        var refused: [Order] = []
        for index in result.orders.indices where [.denied, .rejected].contains(result.orders[index].status) {
            refused.append(result.orders[index])
        }
        return .object([
            ("count", .int(result.orders.count)),
            ("by_status", .object(orderStatusCounts.map { ($0.status.rawValue, .int($0.count)) })),
            ("refused", .array(refused.map { order in
                .object([
                    ("id", .string(order.id.value)),
                    ("time", .string(order.createdAt.iso8601)),
                    ("side", .string(order.side.rawValue)),
                    ("quantity", .number(order.quantity.description)),
                    ("status", .string(order.status.rawValue)),
                    ("reason", order.reason.map(JSONValue.string) ?? .null),
                ])
            })),
        ])
    }

    /// Orders per final status, in the lifecycle's declaration order.
    var orderStatusCounts: [(status: OrderStatus, count: Int)] {
        // One pass, reading only the status: orders are large values, and filtering copies them.
        var counts: [OrderStatus: Int] = [:]
        for index in result.orders.indices { counts[result.orders[index].status, default: 0] += 1 }
        return OrderStatus.allCases.compactMap { status in counts[status].map { (status, $0) } }
    }

    static func json(position: Position) -> JSONValue {
        .object([
            ("instrument", .string(position.instrumentID.description)),
            ("quantity", .number(position.quantity.description)),
            ("average_price", position.averagePrice.map { .number($0.description) } ?? .null),
            ("cost_basis", .number(position.costBasis.description)),
        ])
    }

    // MARK: Text

    /// A summary a person reads in a terminal.
    public var summary: String {
        let m = metrics
        let instruments = result.instruments.map(\.id.description).joined(separator: ", ")
        let interval = intervalDescription.map { ", \($0) bars" } ?? ""
        let rows: [(String, String)] = [
            ("Strategy", result.parameters.isEmpty ? result.strategyName : "\(result.strategyName)  \(result.parameters)"),
            ("Data", "\(instruments)\(interval)"),
            ("Period", "\(Self.day(result.start)) → \(Self.day(result.end))  (\(Self.grouped(result.barCount)) bars, \(Self.fixed(m.years, 2)) years)"),
            ("Orders", ordersSummary),
            ("Trades", "\(m.tradeCount) closed" + (result.openPositions.isEmpty ? "" : ", \(result.openPositions.count) position(s) still open")),
            ("Start equity", Self.money(result.configuration.startingCash)),
            ("Final equity", Self.money(result.finalEquity)),
            ("Total return", Self.percent(m.totalReturn)),
            ("Annual return", Self.percent(m.annualizedReturn)),
            ("Volatility", Self.percent(m.annualizedVolatility) + " (annualized)"),
            ("Max drawdown", Self.percent(m.maxDrawdown.isZero ? 0 : -m.maxDrawdown)),
            ("Sharpe", m.sharpeRatio.map { Self.fixed($0, 2) } ?? "n/a"),
            ("Win rate", Self.percent(m.winRate)),
            ("Profit factor", m.profitFactor.map { Self.fixed($0, 2) } ?? (m.tradeCount > 0 ? "n/a (no losing trade)" : "n/a")),
            ("Expectancy", m.averageTradePnL.map(Self.money) ?? "n/a"),
            ("Avg win/loss", (m.averageWin.map(Self.money) ?? "n/a") + " / " + (m.averageLoss.map(Self.money) ?? "n/a")),
            ("Kelly, SQN", (m.kellyFraction.map { Self.fixed($0, 2) } ?? "n/a") + ", " + (m.sqn.map { Self.fixed($0, 2) } ?? "n/a")),
            ("Avg holding", m.averageHoldingTime.map { Self.fixed($0.days, 1) + " days" } ?? "n/a"),
            ("Fees paid", Self.money(result.feesPaid)),
        ] + result.riskEvents.map { event in
            ("Risk", "\(event.to.rawValue) at \(event.time.iso8601.prefix(10)) (\(event.rule.rawValue): \(event.reason))")
        }
        let width = rows.map(\.0.count).max() ?? 0
        var text = rows.map { $0.0.padding(to: width) + "  " + $0.1 }.joined(separator: "\n")
        if let mc = monteCarlo {
            let kind = mc.method == .reshuffle ? "reshuffled" : "bootstrapped"
            func line(_ name: String, _ p: MonteCarlo.Percentiles, _ show: (Double) -> String) -> String {
                "\n  \(name.padding(to: 13))  p5 \(show(p.p5))   median \(show(p.p50))   p95 \(show(p.p95))"
            }
            text += "\n\nMonte Carlo  \(Self.grouped(mc.paths)) \(kind) paths of \(mc.trades) trades"
            text += line("final equity", mc.finalEquity) { Self.money(Money(raw: Int128(($0 * 100).rounded()) * 10_000_000_000)) }
            text += line("max drawdown", mc.maxDrawdown) { Self.percent($0) }
            text += line("Sharpe", mc.sharpe) { Self.fixed($0, 2) }
            text += "\n  \("ruin".padding(to: 13))  \(Self.percent(mc.probabilityOfRuin)) of paths"
        }
        return text
    }

    /// `64 filled` or `64 filled, 3 denied (first: insufficient cash: …)`.
    var ordersSummary: String {
        guard !result.orders.isEmpty else { return "none" }
        var text = orderStatusCounts.map { "\($0.count) \($0.status.rawValue)" }.joined(separator: ", ")
        if let first = result.orders.first(where: { $0.status == .denied || $0.status == .rejected }), let reason = first.reason {
            text += " (first refusal on \(Self.day(first.createdAt)): \(reason))"
        }
        return text
    }

    public static func day(_ t: Timestamp) -> String { String(t.iso8601.prefix(10)) }

    static func money(_ value: Money) -> String {
        let text = value.formatted(places: 2)
        let negative = text.hasPrefix("-")
        let digits = negative ? String(text.dropFirst()) : text
        let parts = digits.split(separator: ".")
        return (negative ? "-" : "") + grouped(String(parts[0])) + "." + parts[1]
    }

    static func grouped(_ value: Int) -> String { grouped(String(value)) }

    static func grouped(_ digits: String) -> String {
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { result.append(",") }
            result.append(character)
        }
        return String(result.reversed())
    }

    public static func percent(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return fixed(value * 100, 2) + " %"
    }

    /// `value` with exactly `places` decimals, rounded half away from zero.
    public static func fixed(_ value: Double, _ places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int64(scaled / scale)
        let fraction = Int64(scaled) - whole * Int64(scale)
        var text = String(whole)
        if places > 0 {
            let digits = String(fraction)
            text += "." + String(repeating: "0", count: places - digits.count) + digits
        }
        return (value < 0 && scaled != 0 ? "-" : "") + text
    }
}

extension String {
    func padding(to width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}

/// `["time", close]` per point of a price chart.
struct PriceChartRows: JSONRows {
    let points: [(time: Timestamp, close: Price)]
    var count: Int { points.count }
    var bytesPerRow: Int { 36 }

    func write(_ index: Int, to output: inout [UInt8], layout: JSONLayout) {
        let point = points[index]
        output.appendTimedPoint(point.time) { point.close.appendDecimal(to: &$0) }
    }
}

/// `["time", equity]` per point of the equity curve.
struct EquityCurveRows: JSONRows {
    let curve: EquityCurve
    var count: Int { curve.count }
    var bytesPerRow: Int { 40 }

    func write(_ index: Int, to output: inout [UInt8], layout: JSONLayout) {
        let point = curve[index]
        output.appendTimedPoint(point.time) { point.equity.appendDecimal(to: &$0) }
    }
}

/// One object per closed trade.
struct TradeRows: JSONRows {
    let trades: [Trade]
    var count: Int { trades.count }
    var bytesPerRow: Int { 330 }

    func write(_ index: Int, to output: inout [UInt8], layout: JSONLayout) {
        let trade = trades[index]
        layout.beginObject(to: &output)
        layout.member("instrument", first: true, to: &output)
        JSONValue.writeString(trade.instrumentID.description, to: &output)
        layout.member("side", first: false, to: &output)
        JSONValue.writeString(trade.side.rawValue, to: &output)
        layout.member("entry_time", first: false, to: &output)
        output.appendQuotedTime(trade.entryTime)
        layout.member("entry_price", first: false, to: &output)
        trade.entryPrice.appendDecimal(to: &output)
        layout.member("exit_time", first: false, to: &output)
        output.appendQuotedTime(trade.exitTime)
        layout.member("exit_price", first: false, to: &output)
        trade.exitPrice.appendDecimal(to: &output)
        layout.member("size", first: false, to: &output)
        trade.quantity.appendDecimal(to: &output)
        layout.member("pnl", first: false, to: &output)
        trade.pnl.appendDecimal(to: &output)
        layout.member("fees", first: false, to: &output)
        trade.fees.appendDecimal(to: &output)
        layout.endObject(to: &output)
    }
}

extension [UInt8] {
    /// `["time", value]`: one point of a time series, the value written by `appendValue`.
    @inline(__always)
    mutating func appendTimedPoint(_ time: Timestamp, _ appendValue: (inout [UInt8]) -> Void) {
        append(UInt8(ascii: "["))
        appendQuotedTime(time)
        append(UInt8(ascii: ","))
        append(0x20)
        appendValue(&self)
        append(UInt8(ascii: "]"))
    }

    /// A timestamp as a quoted ISO-8601 JSON string.
    mutating func appendQuotedTime(_ time: Timestamp) {
        append(UInt8(ascii: "\""))
        time.appendISO8601(to: &self)
        append(UInt8(ascii: "\""))
    }
}
