public import TradewindCore
public import TradewindEngine
public import TradewindMarketData
public import TradewindRisk
public import TradewindStrategy

/// Settings of one backtest run.
public struct BacktestConfiguration: Hashable, Sendable {
    public var startingCash: Money
    public var fees: FeeModel
    public var accountType: AccountType
    public var fillModel: FillModel
    /// Leverage and maintenance of a margin account.
    public var margin: MarginPolicy
    /// Funding of perpetual futures, by instrument.
    public var funding: [InstrumentID: FundingSchedule]
    /// On quote or print data: bars of this length built for strategies that trade on bars.
    public var barsFromTicks: TimeSpan?
    /// Risk limits in front of every order, as a live bot would have them; `nil` for none.
    public var risk: RiskLimits?

    public init(startingCash: Money, fees: FeeModel = .free, accountType: AccountType = .cash, fillModel: FillModel = .standard,
                margin: MarginPolicy = .standard, funding: [InstrumentID: FundingSchedule] = [:], barsFromTicks: TimeSpan? = nil,
                risk: RiskLimits? = nil) {
        self.risk = risk
        self.startingCash = startingCash
        self.fees = fees
        self.accountType = accountType
        self.fillModel = fillModel
        self.margin = margin
        self.funding = funding
        self.barsFromTicks = barsFromTicks
    }
}

/// Why a backtest could not complete.
public enum BacktestError: Error, Sendable, CustomStringConvertible {
    case engine(EngineError)
    case data(String)
    case noData

    public var description: String {
        switch self {
        case .engine(let error): error.description
        case .data(let reason): reason
        case .noData: "the data source produced no bars"
        }
    }
}

/// Everything a backtest produced, in deterministic order.
public struct BacktestResult: Sendable {
    public var strategyName: String
    public var parameters: String
    public var instruments: [Instrument]
    public var configuration: BacktestConfiguration
    public var barCount: Int
    /// Open time of the first bar and close time of the last.
    public var start: Timestamp
    public var end: Timestamp
    public var equityCurve: EquityCurve
    public var trades: [Trade]
    public var fills: [Fill]
    /// Every order in creation order, in its final state.
    public var orders: [Order]
    /// Positions still open at the end, valued in ``finalEquity`` at the last close.
    public var openPositions: [Position]
    public var finalEquity: Money
    public var feesPaid: Money
    /// Net funding paid on perpetuals (negative: received).
    public var fundingPaid: Money
    public var finalCash: Money
    /// Each strategy's share of the account, in the order the strategies ran.
    public var strategies: [StrategyAttribution]
    /// Gross exposure over the run.
    public var exposure: ExposureSummary
    /// The risk engine's state at the end, and every change of it (with the rule that caused it).
    public var tradingState: TradingState
    public var riskEvents: [RiskEvent]
}

/// What one strategy of a shared account did: its own fills, positions and PnL.
public struct StrategyAttribution: Sendable {
    public var name: String
    public var fillCount: Int
    public var trades: [Trade]
    public var openPositions: [Position]
    public var realizedPnL: Money
    public var unrealizedPnL: Money
    public var fees: Money
    public var funding: Money
    /// realized + unrealized − fees − funding; the strategies' net PnL sums to the account's.
    public var netPnL: Money
}

/// Gross exposure (Σ |position value|) relative to equity, sampled at every event.
public struct ExposureSummary: Sendable {
    public var averageLeverage: Double
    public var maxLeverage: Double
    public var maxGrossExposure: Money
    /// The fraction of events with a position open.
    public var timeInMarket: Double
}

/// Runs a strategy over historical data with the simulated clock and venue.
///
/// This is the backtest composition: the same ``TradingEngine`` that trades live,
/// given a ``SimulatedClock``, a ``SimulatedVenue`` and a historical source.
public enum Backtest {
    /// - Parameters:
    ///   - expectedBars: capacity hint for the equity curve (pass the source's size if known).
    /// - Throws: ``BacktestError``.
    public static func run<S: Strategy, Source: MarketDataSource>(
        _ strategy: S, parameters: String = "", source: inout Source, configuration: BacktestConfiguration, expectedBars: Int = 0
    ) throws(BacktestError) -> BacktestResult {
        try run(strategies: [(S.name, strategy)], parameters: parameters, source: &source, configuration: configuration,
                expectedBars: expectedBars)
    }

    /// Runs several strategies sharing one account (see ``TradingEngine``); wrap strategies of
    /// different types in ``AnyStrategy``.
    /// - Throws: ``BacktestError``.
    public static func run<S: Strategy, Source: MarketDataSource>(
        strategies: [(name: String, strategy: S)], parameters: String = "", source: inout Source,
        configuration: BacktestConfiguration, expectedBars: Int = 0
    ) throws(BacktestError) -> BacktestResult {
        var engine = try makeEngine(strategies, instruments: source.instruments, configuration: configuration, expectedBars: expectedBars)
        var first: Timestamp?
        var last: Timestamp?
        do {
            try engine.start()
            if var historical = source as? HistoricalBarSource, let bars = historical.drainSingleInstrument() {
                // One instrument: the whole series in one engine call (same events, same order).
                source = historical as! Source
                if let head = bars.first, let tail = bars.last {
                    first = head.openTime
                    last = tail.closeTime
                }
                try bars.withUnsafeBufferPointer { buffer throws(EngineError) in try engine.handle(bars: buffer, instrument: 0) }
            } else {
                while let event = try nextEvent(&source) {
                    if first == nil { first = event.bar.openTime }
                    last = event.bar.closeTime
                    try engine.handle(event)
                }
            }
            try engine.stop()
        } catch let error as EngineError {
            throw .engine(error)
        } catch let error as BacktestError {
            throw error
        } catch {
            throw .data("\(error)")
        }
        guard let first, let last else { throw .noData }
        return result(of: engine, parameters: parameters, configuration: configuration, first: first, last: last)
    }

    /// Runs bar series in `stages` parts of equal bar count; after each part but the last,
    /// `proceed(result so far, stage)` (stage from 1) decides whether to go on — how an optimizer
    /// stops a weak trial early. Same events in the same order as ``run(_:parameters:source:configuration:expectedBars:)``.
    /// - Returns: the result (partial when stopped) and whether every bar ran.
    /// - Throws: ``BacktestError``.
    public static func run<S: Strategy>(
        _ strategy: S, parameters: String = "", series: [BarSeries], configuration: BacktestConfiguration, stages: Int,
        proceed: (BacktestResult, Int) -> Bool
    ) throws(BacktestError) -> (result: BacktestResult, completed: Bool) {
        var source = HistoricalBarSource(series)
        let total = series.reduce(0) { $0 + $1.bars.count }
        var engine = try makeEngine([(S.name, strategy)], instruments: source.instruments, configuration: configuration, expectedBars: total)
        let stages = max(1, stages)
        var first: Timestamp?
        var last: Timestamp?
        var completed = true
        do {
            try engine.start()
            var handled = 0
            stageLoop: for stage in 1...stages {
                let end = total * stage / stages
                if series.count == 1 {
                    // One instrument: each part in one engine call, as the unstaged run does.
                    let bars = series[0].bars
                    if handled < end {
                        first = first ?? bars[0].openTime
                        last = bars[end - 1].closeTime
                        try bars.withUnsafeBufferPointer { buffer throws(EngineError) in
                            try engine.handle(bars: UnsafeBufferPointer(rebasing: buffer[handled..<end]), instrument: 0)
                        }
                        handled = end
                    }
                }
                while handled < end, let event = try nextEvent(&source) {
                    if first == nil { first = event.bar.openTime }
                    last = event.bar.closeTime
                    try engine.handle(event)
                    handled += 1
                }
                if stage < stages, let first, let last,
                   !proceed(result(of: engine, parameters: parameters, configuration: configuration, first: first, last: last), stage) {
                    completed = false
                    break stageLoop
                }
            }
            if completed { try engine.stop() }
        } catch let error as EngineError {
            throw .engine(error)
        } catch let error as BacktestError {
            throw error
        } catch {
            throw .data("\(error)")
        }
        guard let first, let last else { throw .noData }
        return (result(of: engine, parameters: parameters, configuration: configuration, first: first, last: last), completed)
    }

    /// Runs a strategy over quotes, trade prints or bars (any mix), in the order given.
    /// - Throws: ``BacktestError``; events out of time order are an engine error.
    public static func run<S: Strategy>(
        _ strategy: S, parameters: String = "", instruments: [Instrument], events: some Sequence<MarketEvent>,
        configuration: BacktestConfiguration
    ) throws(BacktestError) -> BacktestResult {
        var engine = try makeEngine([(S.name, strategy)], instruments: instruments, configuration: configuration, expectedBars: 0)
        var first: Timestamp?
        var last: Timestamp?
        do {
            try engine.start()
            for event in events {
                if first == nil {
                    if case .bar(let bar) = event { first = bar.bar.openTime } else { first = event.time }
                }
                last = event.time
                try engine.handle(event)
            }
            try engine.stop()
        } catch {
            throw .engine(error)
        }
        guard let first, let last else { throw .noData }
        return result(of: engine, parameters: parameters, configuration: configuration, first: first, last: last)
    }

    static func makeEngine<S: Strategy>(_ strategies: [(name: String, strategy: S)], instruments: [Instrument],
                                        configuration: BacktestConfiguration, expectedBars: Int)
        throws(BacktestError) -> TradingEngine<S, SimulatedVenue, SimulatedClock> {
        do {
            var engine = try TradingEngine(
                strategies: strategies,
                venue: SimulatedVenue(instruments: instruments, fees: configuration.fees, fillModel: configuration.fillModel),
                clock: SimulatedClock(), instruments: instruments, startingCash: configuration.startingCash,
                accountType: configuration.accountType, margin: configuration.margin, funding: configuration.funding,
                barsFromTicks: configuration.barsFromTicks, expectedBars: expectedBars
            )
            engine.risk = configuration.risk.map(RiskEngine.init(limits:))
            return engine
        } catch {
            throw .engine(error)
        }
    }

    static func result<S: Strategy>(of engine: TradingEngine<S, SimulatedVenue, SimulatedClock>, parameters: String,
                                    configuration: BacktestConfiguration, first: Timestamp, last: Timestamp) -> BacktestResult {
        let instruments = engine.instruments
        let marks = engine.portfolio.marks
        let strategies = engine.attribution.map { book in
            StrategyAttribution(name: book.name, fillCount: book.fillCount, trades: book.trades,
                                openPositions: book.positions.filter { !$0.isFlat }, realizedPnL: book.realizedPnL,
                                unrealizedPnL: book.unrealizedPnL(marks: marks), fees: book.fees, funding: book.funding,
                                netPnL: book.netPnL(marks: marks))
        }
        let exposure = ExposureSummary(averageLeverage: engine.exposure.averageLeverage, maxLeverage: engine.exposure.maxLeverage,
                                       maxGrossExposure: engine.exposure.maxGross, timeInMarket: engine.exposure.timeInMarket)
        return BacktestResult(
            strategyName: engine.strategyNames.count == 1 ? S.name : engine.strategyNames.joined(separator: "+"), parameters: parameters, instruments: instruments, configuration: configuration,
            barCount: engine.barCount, start: first, end: last, equityCurve: engine.equityCurve, trades: engine.trades,
            fills: engine.fills, orders: engine.orders,
            openPositions: engine.portfolio.positions.filter { !$0.isFlat }, finalEquity: engine.portfolio.equity,
            feesPaid: engine.portfolio.account.feesPaid, fundingPaid: engine.portfolio.account.fundingPaid,
            finalCash: engine.portfolio.account.cash, strategies: strategies, exposure: exposure,
            tradingState: engine.risk?.state ?? .active, riskEvents: engine.risk?.events ?? []
        )
    }

    private static func nextEvent<Source: MarketDataSource>(_ source: inout Source) throws(BacktestError) -> BarEvent? {
        do { return try source.next() } catch { throw .data("\(error)") }
    }
}
