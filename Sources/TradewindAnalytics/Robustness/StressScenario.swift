import RealModule
public import TradewindCore
public import TradewindMarketData
import TradewindEngine
public import TradewindSimulation

/// A what-if applied to market data before a strategy is replayed on it.
///
/// - ``gap(_:at:)``: every price from one bar on is multiplied by 1 + shock, so that bar opens
///   through any resting stop (a −10 % overnight gap); the default bar is the middle one.
/// - ``volatility(_:)``: each bar's log moves (open, high, low, close against the previous close)
///   are scaled by k around the series' mean drift, so the trend is kept and the swings grow or
///   shrink; volume is unchanged.
/// - ``window(name:from:to:)``: how the strategy fared inside a historical episode (a named
///   crisis or any date range). The strategy runs over the history as it is, so its indicators
///   are warm and its positions are what they would have been when the episode began; only the
///   figures are cut to the window (``measure(_:from:to:)``).
public enum StressScenario: Hashable, Sendable, CustomStringConvertible {
    case gap(Double, at: Timestamp?)
    case volatility(Double)
    case window(name: String?, from: Timestamp, to: Timestamp)

    /// Historical episodes by name: equity crises and crypto bear markets (start and end dates
    /// are the usual peak-to-trough ones).
    public static let namedWindows: [(name: String, from: String, to: String, about: String)] = [
        ("dotcom", "2000-03-24", "2002-10-09", "dot-com bust, S&P 500 peak to trough"),
        ("gfc", "2007-10-09", "2009-03-09", "global financial crisis"),
        ("flash-crash-2010", "2010-04-23", "2010-07-02", "May 2010 flash crash and aftermath"),
        ("euro-2011", "2011-04-29", "2011-10-03", "euro debt crisis and US downgrade"),
        ("china-2015", "2015-07-20", "2016-02-11", "yuan devaluation and oil slump"),
        ("volmageddon", "2018-01-26", "2018-04-02", "volatility-ETP blow-up"),
        ("q4-2018", "2018-09-20", "2018-12-24", "Q4 2018 sell-off"),
        ("covid", "2020-02-19", "2020-03-23", "COVID-19 crash"),
        ("bear-2022", "2022-01-03", "2022-10-12", "2022 rate-hike bear market"),
        ("crypto-2018", "2017-12-17", "2018-12-15", "2018 crypto winter"),
        ("crypto-2022", "2021-11-10", "2022-11-21", "2022 crypto winter (Luna, FTX)"),
    ]

    /// Parses `gap:-10%`, `gap:-10%@2008-09-15`, `vol:2`, `window:gfc` or
    /// `window:2008-01-01..2009-03-31`.
    public init(parsing text: String) throws(StressScenarioError) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw .invalid(text, "expected gap:-10%, vol:2 or window:NAME|FROM..TO") }
        switch parts[0] {
        case "gap":
            let pieces = parts[1].split(separator: "@", maxSplits: 1).map(String.init)
            let percent = pieces[0].hasSuffix("%") ? String(pieces[0].dropLast()) : pieces[0]
            guard let value = Double(percent), value > -100, value != 0, value.isFinite else {
                throw .invalid(text, "the gap is a percentage above −100 and not 0, e.g. gap:-10%")
            }
            var at: Timestamp?
            if pieces.count == 2 {
                guard let time = Timestamp(iso8601: pieces[1]) else { throw .invalid(text, "'\(pieces[1])' is not a date") }
                at = time
            }
            self = .gap(value / 100, at: at)
        case "vol":
            guard let k = Double(parts[1]), k > 0, k.isFinite else { throw .invalid(text, "the volatility factor must be above 0, e.g. vol:2") }
            self = .volatility(k)
        case "window":
            if let named = Self.namedWindows.first(where: { $0.name == parts[1] }) {
                self = .window(name: named.name, from: Timestamp(iso8601: named.from)!, to: Timestamp(iso8601: named.to)! + .days(1))
                return
            }
            let range = parts[1].split(separator: "..", omittingEmptySubsequences: false).map(String.init)
            guard range.count == 2, let from = Timestamp(iso8601: range[0]), let to = Timestamp(iso8601: range[1]), from < to else {
                throw .invalid(text, "a window is one of \(Self.namedWindows.map(\.name).joined(separator: ", ")) or FROM..TO dates")
            }
            self = .window(name: nil, from: from, to: to + .days(1))
        default:
            throw .invalid(text, "unknown scenario '\(parts[0])'; use gap, vol or window")
        }
    }

    public var description: String {
        switch self {
        case .gap(let shock, let at):
            let percent = Self.plain(shock * 100)
            return "gap \(shock > 0 ? "+" : "")\(percent) %" + (at.map { " on \($0.iso8601.prefix(10))" } ?? "")
        case .volatility(let k): return "volatility ×\(Self.plain(k))"
        case .window(let name, let from, let to):
            return "window \(name ?? "\(from.iso8601.prefix(10))..\((to + .days(-1)).iso8601.prefix(10))")"
        }
    }

    /// The series as the scenario changes it (a window changes nothing).
    public func apply(to series: BarSeries) -> BarSeries {
        var result = series
        switch self {
        case .window:
            return series
        case .gap(let shock, let at):
            guard !series.bars.isEmpty else { return series }
            let start = at.map { time in series.bars.firstIndex { $0.openTime >= time } ?? series.bars.count } ?? series.bars.count / 2
            let tick = Self.tick(of: series)
            for index in start..<series.bars.count {
                var bar = series.bars[index]
                func shocked(_ raw: Int64) -> Int64 { Self.onTick(Double(raw) * (1 + shock), tick) }
                (bar.openRaw, bar.highRaw, bar.lowRaw, bar.closeRaw) = (shocked(bar.openRaw), shocked(bar.highRaw), shocked(bar.lowRaw), shocked(bar.closeRaw))
                result.bars[index] = bar
            }
            return result
        case .volatility(let k):
            guard series.bars.count >= 2 else { return series }
            let bars = series.bars
            var drift = 0.0
            for index in 1..<bars.count { drift += Double.log(Double(bars[index].closeRaw) / Double(bars[index - 1].closeRaw)) }
            drift /= Double(bars.count - 1)
            let tick = Self.tick(of: series)
            // The first bar has no previous close: its moves are measured from its open, which stays.
            var previousOriginal = Double(bars[0].openRaw), previousScaled = previousOriginal
            for index in bars.indices {
                var bar = bars[index]
                let center = index == 0 ? 0 : drift
                func scaled(_ raw: Int64) -> Int64 {
                    let move = Double.log(Double(raw) / previousOriginal)
                    return Self.onTick(previousScaled * Double.exp(center + k * (move - center)), tick)
                }
                let (open, high, low, close) = (scaled(bar.openRaw), scaled(bar.highRaw), scaled(bar.lowRaw), scaled(bar.closeRaw))
                bar.openRaw = open
                bar.closeRaw = close
                bar.highRaw = max(high, open, close)
                bar.lowRaw = min(low, open, close)
                result.bars[index] = bar
                previousOriginal = Double(bars[index].closeRaw)
                previousScaled = Double(close)
            }
            return result
        }
    }

    /// A run's figures inside `from..<to`: equity from its level when the window opens, the
    /// trades closed inside it. `nil` when no equity point falls inside.
    public static func measure(_ result: BacktestResult, from: Timestamp, to: Timestamp, periodsPerYear: Double? = nil) -> PerformanceMetrics? {
        let inside = result.equityCurve.filter { $0.time > from && $0.time <= to }
        guard let last = inside.last else { return nil }
        let opening = result.equityCurve.last { $0.time <= from }?.equity ?? result.configuration.startingCash
        let fees = result.fills.filter { $0.timestamp > from && $0.timestamp <= to }.reduce(Money.zero) { $0 + $1.fee }
        return PerformanceMetrics(startingEquity: opening, equityCurve: inside,
                                  trades: result.trades.filter { $0.exitTime > from && $0.exitTime <= to }, feesPaid: fees,
                                  start: max(from, result.start), end: min(to, last.time), periodsPerYear: periodsPerYear)
    }

    /// `10` for 10.0, `1.5` for 1.5.
    static func plain(_ value: Double) -> String {
        let text = "\(value)"
        return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
    }

    /// The instrument's tick in the bars' raw units (1 when they are at another precision).
    static func tick(of series: BarSeries) -> Int64 {
        guard let first = series.bars.first, first.pricePrecision == series.instrument.pricePrecision else { return 1 }
        return max(1, series.instrument.tickSize.raw)
    }

    /// Rounded to the nearest tick and kept at least one tick above zero.
    static func onTick(_ value: Double, _ tick: Int64) -> Int64 {
        max(tick, Int64((value / Double(tick)).rounded()) * tick)
    }
}

public enum StressScenarioError: Error, Equatable, CustomStringConvertible {
    case invalid(String, String)

    public var description: String {
        switch self {
        case .invalid(let text, let reason): "scenario '\(text)': \(reason)"
        }
    }
}
