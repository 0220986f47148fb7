public import TradewindAnalytics
public import TradewindCore
public import TradewindEngine
public import TradewindMarketData
import TradewindSimulation
import TradewindStrategy

/// Everything needed to run one backtest from files, independent of how it was asked for.
public struct BacktestRequest: Sendable {
    public var dataPath: String
    public var strategyName: String
    public var parameters: [(name: String, value: String)]
    public var startingCash: Money
    public var commission: Rate
    public var accountType: AccountType
    public var convention: BarTimestampConvention
    public var instrumentID: InstrumentID?

    public init(dataPath: String, strategyName: String, parameters: [(name: String, value: String)], startingCash: Money,
                commission: Rate, accountType: AccountType = .cash, convention: BarTimestampConvention = .open,
                instrumentID: InstrumentID? = nil) {
        self.dataPath = dataPath
        self.strategyName = strategyName
        self.parameters = parameters
        self.startingCash = startingCash
        self.commission = commission
        self.accountType = accountType
        self.convention = convention
        self.instrumentID = instrumentID
    }
}

/// The composition root: the one place that wires files, strategies and the engine.
public enum Tradewind {
    /// Loads the data, builds the strategy and runs the backtest.
    /// - Throws: `MarketDataError`, `StrategyError` or `BacktestError`.
    public static func runBacktest(_ request: BacktestRequest) throws -> BacktestReport {
        let strategyType = try StrategyCatalog.strategy(named: request.strategyName)
        let series = try CSVBarFile.load(path: request.dataPath, instrumentID: request.instrumentID, convention: request.convention)
        let configuration = BacktestConfiguration(startingCash: request.startingCash, fees: FeeModel(rate: request.commission),
                                                  accountType: request.accountType)
        let result = try run(strategyType, request.parameters, series: series, configuration: configuration)
        return BacktestReport(result: result, intervalDescription: series.interval?.description)
    }

    /// Runs a concrete strategy type; opening the existential here keeps the engine's hot loop specialised.
    static func run<S: Strategy>(_ type: S.Type, _ given: [(name: String, value: String)], series: BarSeries,
                                 configuration: BacktestConfiguration) throws -> BacktestResult {
        let values = try ParameterValues.resolve(given, against: S.Parameters.specification)
        let strategy = try S(parameters: S.Parameters(values: values))
        var source = HistoricalBarSource([series])
        return try Backtest.run(strategy, parameters: values.description, source: &source, configuration: configuration,
                                expectedBars: series.bars.count)
    }
}
