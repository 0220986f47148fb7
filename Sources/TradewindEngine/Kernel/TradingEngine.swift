public import TradewindCore
public import TradewindStrategy

/// One point of the equity curve: equity marked at a bar's close.
public struct EquityPoint: Hashable, Sendable {
    public var time: Timestamp
    public var equity: Money

    public init(time: Timestamp, equity: Money) {
        self.time = time
        self.equity = equity
    }
}

/// The trading kernel shared by backtest, paper and live trading.
///
/// Deterministic and single-threaded: events go in (bars, venue reports), the
/// strategy is called in event-time order, its commands pass the pre-trade checks
/// and go to the injected venue. The three injected parts are the only
/// difference between run modes: the clock, the venue (generic parameters) and
/// whoever feeds it events (a historical replay or a live feed).
///
/// The per-bar path allocates nothing: report and command buffers are reused and
/// the equity curve's capacity can be reserved up front.
public struct TradingEngine<S: Strategy, Venue: ExecutionVenue, Clock: TradingClock> {
    public let instruments: [Instrument]
    public internal(set) var strategy: S
    public internal(set) var venue: Venue
    public internal(set) var clock: Clock
    public internal(set) var portfolio: Portfolio
    /// Every order ever created, in creation order; finished orders stay for the record.
    /// Updated in place, so a report never copies an order out and back.
    public internal(set) var orders: [Order] = []
    /// Position of each order in ``orders``.
    var orderIndex: [ClientOrderID: Int] = [:]
    public internal(set) var fills: [Fill] = []
    public internal(set) var trades: [Trade] = []
    public internal(set) var equityCurve: [EquityPoint] = []
    public internal(set) var barCount = 0

    var context: StrategyContext
    var reports: [ExecutionReport] = []
    var commands: [StrategyCommand] = []
    var lastEventTime: Timestamp?
    var started = false
    let margin: MarginPolicy
    /// Funding schedule per instrument index, if it is a perpetual.
    let funding: [FundingSchedule?]
    let hasFunding: Bool
    var nextFunding: [Timestamp?]
    var inMarginCall = false
    var liquidationSequence = 0

    /// - Parameters:
    ///   - instruments: the instruments events refer to by index.
    ///   - expectedBars: reserves the equity curve so the hot loop never reallocates.
    ///   - margin: the rules of a margin account (ignored for a cash account).
    ///   - funding: funding schedules of perpetual futures, by instrument.
    public init(strategy: S, venue: Venue, clock: Clock, instruments: [Instrument], startingCash: Money,
                accountType: AccountType = .cash, margin: MarginPolicy = .standard,
                funding: [InstrumentID: FundingSchedule] = [:], expectedBars: Int = 0) {
        self.instruments = instruments
        self.margin = margin
        self.funding = instruments.map { funding[$0.id] }
        self.hasFunding = !funding.isEmpty
        self.nextFunding = Array(repeating: nil, count: instruments.count)
        self.strategy = strategy
        self.venue = venue
        self.clock = clock
        self.portfolio = Portfolio(instruments: instruments, startingCash: startingCash, accountType: accountType)
        self.context = StrategyContext(instruments: instruments, cash: startingCash, strategyName: S.name)
        self.equityCurve.reserveCapacity(expectedBars)
        self.reports.reserveCapacity(8)
        self.commands.reserveCapacity(8)
    }

    /// Calls the strategy's `onStart`; implied by the first event if not called.
    public mutating func start() throws(EngineError) {
        guard !started else { return }
        started = true
        refreshContext()
        do { try strategy.onStart(context: &context) } catch { throw callbackFailure("onStart", error) }
        try dispatchCommands()
    }

    /// Processes one closed bar: the venue matches working orders against it, the
    /// portfolio is marked to its close, then the strategy sees it.
    public mutating func handle(_ event: BarEvent) throws(EngineError) {
        if !started { try start() }
        let bar = event.bar
        if let last = lastEventTime, bar.closeTime < last { throw .timeWentBackwards(from: last, to: bar.closeTime) }
        lastEventTime = bar.closeTime
        barCount += 1

        // Fills happen inside the bar, before its close is known to the strategy.
        clock.observe(eventTime: bar.openTime)
        venue.onBar(event, reports: &reports)
        if !reports.isEmpty { try applyReports() }

        clock.observe(eventTime: bar.closeTime)
        portfolio.mark(event.instrument, at: bar.close)
        if hasFunding { try settleFunding(event) }
        if portfolio.accountType == .margin { try checkMargin(event) }
        recordEquity(at: bar.closeTime)
        // Positions only change on fills (refreshed there); a bar changes time, cash marks and equity.
        context.now = clock.now
        context.equity = portfolio.equity
        do { try strategy.onBar(event, context: &context) } catch { throw callbackFailure("onBar", error) }
        if !context.commands.isEmpty { try dispatchCommands() }
    }

    /// Processes one best bid/offer: the venue matches against it, positions are marked at the
    /// mid, then the strategy sees it.
    public mutating func handle(_ event: QuoteEvent) throws(EngineError) {
        let quote = event.quote
        try advance(to: quote.time)
        venue.onQuote(event, reports: &reports)
        if !reports.isEmpty { try applyReports() }
        // The mid, exact at one more decimal: (bid + ask) / 2 = (bid + ask) × 5 / 10.
        let precision = max(quote.bid.precision, quote.ask.precision)
        let sum = quote.bid.rescaled(to: precision)!.raw + quote.ask.rescaled(to: precision)!.raw
        let mid = precision < FixedPoint.maxPrecision
            ? Price(uncheckedRaw: sum * 5, precision: precision + 1) : Price(uncheckedRaw: sum / 2, precision: precision)
        try afterMatching(instrument: event.instrument, mark: mid, at: quote.time) { (strategy: inout S, context: inout StrategyContext) throws in
            try strategy.onQuote(event, context: &context)
        }
    }

    /// Processes one trade print: the venue matches against it, positions are marked at its
    /// price, then the strategy sees it.
    public mutating func handle(_ event: TradeTickEvent) throws(EngineError) {
        let tick = event.tick
        try advance(to: tick.time)
        venue.onTrade(event, reports: &reports)
        if !reports.isEmpty { try applyReports() }
        try afterMatching(instrument: event.instrument, mark: tick.price, at: tick.time) { (strategy: inout S, context: inout StrategyContext) throws in
            try strategy.onTradeTick(event, context: &context)
        }
    }

    /// Processes any market event.
    public mutating func handle(_ event: MarketEvent) throws(EngineError) {
        switch event {
        case .bar(let bar): try handle(bar)
        case .quote(let quote): try handle(quote)
        case .trade(let trade): try handle(trade)
        }
    }

    private mutating func advance(to time: Timestamp) throws(EngineError) {
        if !started { try start() }
        if let last = lastEventTime, time < last { throw .timeWentBackwards(from: last, to: time) }
        lastEventTime = time
        barCount += 1
        clock.observe(eventTime: time)
    }

    private mutating func afterMatching(instrument: Int, mark: Price, at time: Timestamp,
                                        _ callback: (inout S, inout StrategyContext) throws -> Void) throws(EngineError) {
        portfolio.mark(instrument, at: mark)
        recordEquity(at: time)
        context.now = clock.now
        context.equity = portfolio.equity
        do { try callback(&strategy, &context) } catch { throw callbackFailure("onQuote/onTradeTick", error) }
        if !context.commands.isEmpty { try dispatchCommands() }
    }

    /// Applies reports that a venue delivered outside ``handle(_:)`` (live adapters).
    public mutating func handle(reports incoming: [ExecutionReport]) throws(EngineError) {
        reports.append(contentsOf: incoming)
        try applyReports()
    }

    /// Calls the strategy's `onStop`; commands it issues are still dispatched.
    public mutating func stop() throws(EngineError) {
        if !started { try start() }
        refreshContext()
        do { try strategy.onStop(context: &context) } catch { throw callbackFailure("onStop", error) }
        try dispatchCommands()
    }

    /// Orders not yet finished, in creation order.
    public var openOrders: [Order] { context.openOrderIDs.compactMap { order($0) } }

    /// The order with this id, in its current state.
    public func order(_ id: ClientOrderID) -> Order? { orderIndex[id].map { orders[$0] } }

    // MARK: - Internals

    mutating func recordEquity(at time: Timestamp) {
        let point = EquityPoint(time: time, equity: portfolio.equity)
        // Several instruments closing at the same instant make one point, not several.
        if let last = equityCurve.last, last.time == time {
            equityCurve[equityCurve.count - 1] = point
        } else {
            equityCurve.append(point)
        }
    }

    mutating func refreshContext(instrument: Int) {
        context.now = clock.now
        context.cash = portfolio.account.cash
        context.equity = portfolio.equity
        let position = portfolio.positions[instrument]
        context.positions[instrument] = PositionView(quantity: position.quantity, costBasis: position.costBasis,
                                                     realizedPnL: position.realizedPnL)
    }

    mutating func refreshContext() {
        for index in instruments.indices { refreshContext(instrument: index) }
    }

    func callbackFailure(_ hook: String, _ error: any Error) -> EngineError {
        .strategy(.callbackFailed(strategy: S.name, event: hook, at: clock.now.iso8601, reason: "\(error)"))
    }
}
