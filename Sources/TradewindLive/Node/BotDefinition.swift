public import TradewindCore
public import TradewindRisk
public import TradewindSimulation

/// Everything that makes a bot: strategy and parameters, instruments and bar interval, venue,
/// account and limits. Read from `bot.yaml` by the CLI (see docs/LIVE.md).
public struct BotDefinition: Sendable {
    public enum OnStop: String, Sendable, CaseIterable {
        /// Cancel the bot's working orders at the venue before exiting.
        case cancel
        /// Leave them working; the next start adopts them.
        case keep
    }

    public var name: String
    public var strategy: String
    public var parameters: [(name: String, value: String)]
    public var instruments: [Instrument]
    public var interval: TimeSpan
    /// History bars fed to the strategy before live ones, so its indicators start warm.
    public var warmupBars: Int
    /// The account's cash when the bot first starts (its journal carries it from then on).
    public var startingCash: Money
    /// The paper venue's fees and fill model (a real venue charges its own).
    public var fees: FeeModel
    public var fillModel: FillModel
    public var risk: RiskLimits?
    public var onStop: OnStop

    public init(name: String, strategy: String, parameters: [(name: String, value: String)], instruments: [Instrument], interval: TimeSpan,
                warmupBars: Int = 100, startingCash: Money, fees: FeeModel = .free, fillModel: FillModel = .standard,
                risk: RiskLimits? = nil, onStop: OnStop = .cancel) {
        self.name = name
        self.strategy = strategy
        self.parameters = parameters
        self.instruments = instruments
        self.interval = interval
        self.warmupBars = warmupBars
        self.startingCash = startingCash
        self.fees = fees
        self.fillModel = fillModel
        self.risk = risk
        self.onStop = onStop
    }
}

/// A bot's state for status lines, the API and tests.
public struct BotStatus: Sendable, Equatable {
    public enum Phase: String, Sendable {
        case starting, recovering, warmingUp = "warming-up", running, stopping, stopped, failed
    }

    public var name: String
    public var phase: Phase
    public var tradingState: TradingState
    public var equity: Money
    public var cash: Money
    public var positions: [InstrumentID: Quantity]
    public var openOrders: Int
    public var fills: Int
    public var bars: Int
    public var incarnation: Int
    public var lastError: String?
}
