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

/// What a bot ran with, as recorded in its journal at every start: `tradewind divergence`
/// replays a period with exactly these settings.
public struct BotSnapshot: Codable, Sendable, Equatable {
    public struct InstrumentSnapshot: Codable, Sendable, Equatable {
        public var symbol: String
        public var venue: String
        public var pricePrecision: Int
        public var sizePrecision: Int
    }

    public var strategy: String
    public var parameters: [[String]]
    public var instruments: [InstrumentSnapshot]
    public var intervalSeconds: Int64
    public var startingCash: String
    public var makerFee: String
    public var takerFee: String

    public init(_ definition: BotDefinition) {
        strategy = definition.strategy
        parameters = definition.parameters.map { [$0.name, $0.value] }
        instruments = definition.instruments.map {
            InstrumentSnapshot(symbol: $0.id.symbol, venue: $0.id.venue, pricePrecision: Int($0.pricePrecision), sizePrecision: Int($0.sizePrecision))
        }
        intervalSeconds = definition.interval.nanoseconds / 1_000_000_000
        startingCash = definition.startingCash.description
        makerFee = definition.fees.makerRate.description
        takerFee = definition.fees.takerRate.description
    }

    public func instrumentList() throws -> [Instrument] {
        try instruments.map {
            try Instrument(id: InstrumentID(symbol: $0.symbol, venue: $0.venue), pricePrecision: UInt8($0.pricePrecision), sizePrecision: UInt8($0.sizePrecision))
        }
    }
}
