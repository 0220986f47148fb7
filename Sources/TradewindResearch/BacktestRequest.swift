public import TradewindAnalytics
public import TradewindCore
public import TradewindEngine
public import TradewindMarketData
public import TradewindSimulation
public import TradewindRisk
public import TradewindStrategy

/// How the simulated venue and the account behave in a backtest.
public struct ExecutionSettings: Sendable {
    public var fees: FeeModel
    public var fillModel: FillModel
    public var accountType: AccountType
    public var margin: MarginPolicy
    /// A funding rate and interval applied to every instrument (they are perpetuals).
    public var funding: (rate: Rate, interval: TimeSpan)?
    /// The instruments' trading calendar for annualisation; `nil` detects it from the bars.
    public var calendar: TradingCalendar?
    /// Risk limits in front of every order; `nil` for none.
    public var risk: RiskLimits?

    public init(fees: FeeModel, fillModel: FillModel = .standard, accountType: AccountType = .cash, margin: MarginPolicy = .standard,
                funding: (rate: Rate, interval: TimeSpan)? = nil, calendar: TradingCalendar? = nil, risk: RiskLimits? = nil) {
        self.calendar = calendar
        self.risk = risk
        self.fees = fees
        self.fillModel = fillModel
        self.accountType = accountType
        self.margin = margin
        self.funding = funding
    }
}

/// Everything needed to run one backtest from files, independent of how it was asked for.
public struct BacktestRequest: Sendable {
    /// One CSV file per instrument; several make a portfolio run, merged by time.
    public var dataPaths: [String]
    public var strategyName: String
    public var parameters: [(name: String, value: String)]
    public var startingCash: Money
    public var execution: ExecutionSettings
    public var convention: BarTimestampConvention
    /// Overrides the symbol taken from the file name (one file only).
    public var instrumentID: InstrumentID?
    /// For quote or trade-print files: the length of the bars built for the strategy.
    public var barsFromTicks: TimeSpan?
    /// Bar series already loaded (e.g. from the database), used instead of files when given.
    public var series: [BarSeries]
    /// Checks bar files before the run (``DataGate``); `nil` runs over them as they are.
    public var gate: DataGate?

    public init(dataPaths: [String], strategyName: String, parameters: [(name: String, value: String)], startingCash: Money,
                execution: ExecutionSettings, convention: BarTimestampConvention = .open, instrumentID: InstrumentID? = nil,
                barsFromTicks: TimeSpan? = nil, series: [BarSeries] = [], gate: DataGate? = nil) {
        self.barsFromTicks = barsFromTicks
        self.series = series
        self.gate = gate
        self.dataPaths = dataPaths
        self.strategyName = strategyName
        self.parameters = parameters
        self.startingCash = startingCash
        self.execution = execution
        self.convention = convention
        self.instrumentID = instrumentID
    }

    /// One file, a flat commission rate.
    public init(dataPath: String, strategyName: String, parameters: [(name: String, value: String)], startingCash: Money,
                commission: Rate, accountType: AccountType = .cash, convention: BarTimestampConvention = .open,
                instrumentID: InstrumentID? = nil) {
        self.init(dataPaths: [dataPath], strategyName: strategyName, parameters: parameters, startingCash: startingCash,
                  execution: ExecutionSettings(fees: FeeModel(rate: commission), accountType: accountType), convention: convention,
                  instrumentID: instrumentID)
    }
}

/// The composition root: the one place that wires files, strategies and the engine.
public enum Tradewind {
    /// Loads the data, builds the strategy and runs the backtest.
    /// - Throws: `MarketDataError`, `StrategyError` or `BacktestError`.
    public static func runBacktest(_ request: BacktestRequest) throws -> BacktestReport {
        var notes: [String] = []
        return try runBacktest(request, notes: &notes)
    }

    /// As ``runBacktest(_:)``; what the data gate let through with a warning goes to `notes`.
    public static func runBacktest(_ request: BacktestRequest, notes: inout [String]) throws -> BacktestReport {
        let strategyType = try StrategyCatalog.strategy(named: request.strategyName)
        let files: [MarketDataFile] = request.series.isEmpty ? try request.dataPaths.map { path in
            try CSVBarFile.loadAny(path: path, instrumentID: request.dataPaths.count == 1 ? request.instrumentID : nil,
                                   convention: request.convention)
        } : request.series.map { .bars($0) }
        let ids = files.map(\.instrument.id)
        if let duplicate = ids.first(where: { id in ids.filter { $0 == id }.count > 1 }) {
            throw MarketDataError.invalidInstrument("two data files give the same instrument \(duplicate); name the files by symbol")
        }
        let execution = request.execution
        var funding: [InstrumentID: FundingSchedule] = [:]
        if let rate = execution.funding {
            for id in ids { funding[id] = try .constant(rate.rate, interval: rate.interval) }
        }
        let configuration = BacktestConfiguration(startingCash: request.startingCash, fees: execution.fees, accountType: execution.accountType,
                                                  fillModel: execution.fillModel, margin: execution.margin, funding: funding,
                                                  barsFromTicks: request.barsFromTicks, risk: execution.risk)
        let series = files.compactMap { if case .bars(let series) = $0 { series } else { nil } }
        if series.count == files.count {
            // The data checks, annualisation and chart thinning only read the bars: they run on
            // another core while the backtest runs. A failed check still refuses the run.
            let strategyType = Box(strategyType)
            let parameters = request.parameters
            let calendar = execution.calendar
            let (checked, result) = try Parallel.both({
                Result { () throws -> Preparation in
                    var notes: [String] = []
                    if let gate = request.gate {
                        for one in series { notes += try gate.check(one, label: one.instrument.id.description) }
                    }
                    return Preparation(notes: notes, periodsPerYear: Annualization.periodsPerYear(series: series, calendar: calendar),
                                       charts: series.map { .init(instrument: $0.instrument.id.description, bars: $0.bars) })
                }
            }, {
                Result { try run(strategyType.value, parameters, data: .bars(series), configuration: configuration) }
            })
            let preparation = try checked.get()
            notes += preparation.notes
            var report = BacktestReport(result: try result.get(), intervalDescription: series.first?.interval?.description,
                                        periodsPerYear: preparation.periodsPerYear)
            report.priceCharts = preparation.charts
            return report
        }
        guard let bar = request.barsFromTicks else {
            throw MarketDataError.invalidInstrument("quote and trade files need --bar (e.g. --bar 1m): the length of the bars "
                + "the strategy trades on, built from the mid and the prints")
        }
        // Quotes, prints and bars merged by time; equal times keep the order of the files.
        var events: [(time: Timestamp, file: Int, event: MarketEvent)] = []
        for (index, file) in files.enumerated() {
            switch file {
            case .bars(let series): events += series.bars.map { ($0.closeTime, index, .bar(BarEvent(instrument: index, bar: $0))) }
            case .ticks(let ticks): events += ticks.events(instrument: index).map { ($0.time, index, $0) }
            }
        }
        let ordered = events.enumerated().sorted {
            ($0.element.time, $0.element.file, $0.offset) < ($1.element.time, $1.element.file, $1.offset)
        }.map(\.element.event)
        let result = try run(strategyType, request.parameters, data: .events(files.map(\.instrument), ordered), configuration: configuration)
        let times = result.equityCurve.map(\.time)
        let calendar = execution.calendar ?? TradingCalendar.detect(files.flatMap { file -> [Timestamp] in
            switch file {
            case .bars(let series): series.bars.map(\.openTime)
            case .ticks(let ticks): ticks.quotes.isEmpty ? ticks.trades.map(\.time) : ticks.quotes.map(\.time)
            }
        })
        return BacktestReport(result: result, intervalDescription: bar.description,
                              periodsPerYear: Annualization.periodsPerYear(times: times, calendar: calendar))
    }

    /// What the bar checks produce beside the run.
    private struct Preparation {
        var notes: [String]
        var periodsPerYear: Double?
        var charts: [BacktestReport.PriceChart]
    }

    /// A strategy type handed to another thread: metatypes of `Strategy` are not `Sendable`
    /// by declaration, but a type is immutable.
    private struct Box<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    /// What a run replays: bar series, or any mix of market events in time order.
    public enum RunData {
        case bars([BarSeries])
        case events([Instrument], [MarketEvent])
    }

    /// Runs the strategy type. A generic function called with an existential type runs
    /// unspecialised (every call through witness tables, several times slower), so built-in
    /// strategies are cast to their concrete type here and get a specialised engine.
    public static func run(_ type: any Strategy.Type, _ given: [(name: String, value: String)], data: RunData,
                    configuration: BacktestConfiguration) throws -> BacktestResult {
        switch type {
        case let smaCross as SMACross.Type: try runSpecialised(smaCross, given, data: data, configuration: configuration)
        default: try run(opening: type, given, data: data, configuration: configuration)
        }
    }

    private static func run<S: Strategy>(opening type: S.Type, _ given: [(name: String, value: String)], data: RunData,
                                         configuration: BacktestConfiguration) throws -> BacktestResult {
        try runSpecialised(type, given, data: data, configuration: configuration)
    }

    static func runSpecialised<S: Strategy>(_ type: S.Type, _ given: [(name: String, value: String)], data: RunData,
                                            configuration: BacktestConfiguration) throws -> BacktestResult {
        let values = try ParameterValues.resolve(given, against: S.Parameters.specification)
        let strategy = try S(parameters: S.Parameters(values: values))
        switch data {
        case .bars(let series):
            var source = HistoricalBarSource(series)
            return try Backtest.run(strategy, parameters: values.description, source: &source, configuration: configuration,
                                    expectedBars: series.reduce(0) { $0 + $1.bars.count })
        case .events(let instruments, let events):
            return try Backtest.run(strategy, parameters: values.description, instruments: instruments, events: events,
                                    configuration: configuration)
        }
    }
}

/// The data-quality gate in front of a backtest: a series with errors is refused; one with gaps
/// is refused unless gaps are allowed, and then the missing bars are reported.
public struct DataGate: Sendable {
    /// The series' trading calendar; detected from the bars when `nil`.
    public var calendar: TradingCalendar?
    public var allowGaps: Bool

    public init(calendar: TradingCalendar? = nil, allowGaps: Bool = false) {
        self.calendar = calendar
        self.allowGaps = allowGaps
    }

    /// - Returns: warnings to show (gaps that were allowed).
    /// - Throws: ``DataGateError`` naming the series and what is wrong.
    public func check(_ series: BarSeries, label: String) throws -> [String] {
        let quality = DataQualityReport(bars: series.bars, interval: series.interval, calendar: calendar)
        if quality.hasErrors {
            throw DataGateError(description: "\(label) fails the data-quality gate: "
                + quality.problems.filter { $0.kind != .spike }.prefix(3).map(\.description).joined(separator: "; "))
        }
        guard !quality.gaps.isEmpty else { return [] }
        let largest = quality.gaps.max { $0.missingBars < $1.missingBars }!
        let summary = "\(quality.missingBars) bars missing in \(quality.gaps.count) gaps (largest: \(largest.after.iso8601) → \(largest.before.iso8601))"
        guard allowGaps else {
            throw DataGateError(description: "\(label) has \(summary); run `tradewind data check` to list them, "
                + "give the calendar (--calendar XNYS) if they are holidays, or pass --allow-gaps")
        }
        return ["running over gaps: \(summary)"]
    }
}

/// A series that failed the data-quality gate.
public struct DataGateError: Error, CustomStringConvertible {
    public var description: String
}

extension Tradewind {
    /// Look-ahead and recursion check of a built-in strategy (``BiasCheck``) on bar series.
    public static func checkBias(strategyName: String, parameters: [(name: String, value: String)], series: [BarSeries],
                                 startingCash: Money, execution: ExecutionSettings, cuts: Int, starts: Int) throws -> BiasCheck.Report {
        let type = try StrategyCatalog.strategy(named: strategyName)
        let configuration = BacktestConfiguration(startingCash: startingCash, fees: execution.fees, accountType: execution.accountType,
                                                  fillModel: execution.fillModel, margin: execution.margin, risk: execution.risk)
        return try checkBias(opening: type, parameters, series: series, configuration: configuration, cuts: cuts, starts: starts)
    }

    private static func checkBias<S: Strategy>(opening type: S.Type, _ given: [(name: String, value: String)], series: [BarSeries],
                                               configuration: BacktestConfiguration, cuts: Int, starts: Int) throws -> BiasCheck.Report {
        let values = try ParameterValues.resolve(given, against: S.Parameters.specification)
        let parameters = try S.Parameters(values: values)
        return try BiasCheck.run(series: series, configuration: configuration, cuts: cuts, starts: starts) { _ in try S(parameters: parameters) }
    }
}
