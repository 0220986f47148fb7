public import TradewindCore
import TradewindMarketData
public import TradewindRisk
public import TradewindStrategy

/// The trading kernel shared by backtest, paper and live trading.
///
/// Deterministic and single-threaded: events go in (bars, quotes, prints, venue reports), the
/// strategies are called in event-time order, their commands pass the pre-trade checks and
/// go to the injected venue. The three injected parts are the only difference between run
/// modes: the clock, the venue (generic parameters) and whoever feeds it events (a
/// historical replay or a live feed).
///
/// **Several strategies** may share one account: each has its own ``StrategyContext`` (its
/// own order ids, open orders and positions, so one never trades on another's holdings),
/// while cash, equity, margin and the pre-trade checks are the account's. Every fill is
/// attributed to the strategy whose order it filled (see ``attribution``); strategies are
/// called in the order given, so runs are deterministic. Use ``AnyStrategy`` to mix types.
///
/// **Time frames.** A strategy that lists ``Strategy/timeframes`` also receives bars of
/// those lengths, built from the source's bars and delivered only once closed, right after
/// the source bar that closed them (``BarEvent/timeframe`` tells them apart).
///
/// The per-bar path allocates nothing: report and command buffers are reused and the equity
/// curve's capacity can be reserved up front.
public struct TradingEngine<S: Strategy, Venue: ExecutionVenue, Clock: TradingClock> {
    public let instruments: [Instrument]
    /// The strategies, in call order.
    public var strategies: [S] { Array(strategySlots) }
    var strategySlots: SlotArray<S>
    /// Their names: order ids are `<name>-<n>`.
    public let strategyNames: [String]
    public internal(set) var venue: Venue
    public internal(set) var clock: Clock
    public internal(set) var portfolio: Portfolio
    /// Every order ever created, in creation order; finished orders stay for the record.
    /// Updated in place, so a report never copies an order out and back.
    public internal(set) var orders: [Order] = []
    /// The strategy (index) that owns each order in ``orders``; `nil` for liquidations.
    var orderOwners: [Int] = []
    /// Position of each order in ``orders``.
    var orderIndex: [ClientOrderID: Int] = [:]
    public internal(set) var fills: [Fill] = []
    public internal(set) var trades: [Trade] = []
    public internal(set) var equityCurve = EquityCurve()
    public internal(set) var barCount = 0
    /// Per-strategy books: positions, PnL and fees of each strategy's own fills.
    public internal(set) var attribution: [StrategyBook]
    /// Gross exposure summed over events and its peak, for the exposure summary.
    public internal(set) var exposure = ExposureTracker()

    /// Limits in front of every order and on the account's equity (``RiskEngine``); `nil` runs
    /// without. Its state and events are the record of every halt.
    public var risk: RiskEngine? {
        didSet { hasRisk = if case .none = risk { false } else { true } }
    }
    /// Whether ``risk`` is set, kept beside it: the per-bar check reads one flag instead of
    /// touching the optional risk engine (even a tag check of it emitted an outlined copy).
    private(set) var hasRisk = false

    var contexts: SlotArray<StrategyContext>
    /// Orders not yet finished across all strategies, in creation order.
    var openOrderIDs: [ClientOrderID] = []
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
    /// Higher time frames built per instrument: (time frame, aggregator, subscribing strategies).
    var timeframeFeeds: [[TimeframeFeed]]
    /// Whether any strategy asked for a higher time frame (checked per bar before the feeds).
    let hasTimeframes: Bool
    var aggregated: [Bar] = []
    /// Bars built from quotes (their mid) and prints for strategies that trade on bars, per instrument.
    var tickBars: [TimeBarAggregator]?
    var tickBarOutput: [Bar] = []

    /// One strategy trading the account alone.
    /// - Throws: ``EngineError/configuration(_:)`` if the strategy declares a time frame that is not positive.
    /// - Parameters:
    ///   - instruments: the instruments events refer to by index.
    ///   - margin: the rules of a margin account (ignored for a cash account).
    ///   - funding: funding schedules of perpetual futures, by instrument.
    ///   - expectedBars: reserves the equity curve so the hot loop never reallocates.
    public init(strategy: S, venue: Venue, clock: Clock, instruments: [Instrument], startingCash: Money,
                accountType: AccountType = .cash, margin: MarginPolicy = .standard,
                funding: [InstrumentID: FundingSchedule] = [:], barsFromTicks: TimeSpan? = nil, expectedBars: Int = 0) throws(EngineError) {
        try self.init(strategies: [(S.name, strategy)], venue: venue, clock: clock, instruments: instruments,
                       startingCash: startingCash, accountType: accountType, margin: margin, funding: funding,
                       barsFromTicks: barsFromTicks, expectedBars: expectedBars)
    }

    /// Several strategies sharing one account, called in this order on every event.
    /// - Parameter barsFromTicks: on quote or print data, also build bars of this length (from
    ///   the mid and the prints) and give them to the strategies as source bars, once closed.
    /// - Throws: ``EngineError/configuration(_:)`` for no strategies, duplicate names, or a
    ///   time frame that is not positive.
    public init(strategies: [(name: String, strategy: S)], venue: Venue, clock: Clock, instruments: [Instrument],
                startingCash: Money, accountType: AccountType = .cash, margin: MarginPolicy = .standard,
                funding: [InstrumentID: FundingSchedule] = [:], barsFromTicks: TimeSpan? = nil, expectedBars: Int = 0) throws(EngineError) {
        guard !strategies.isEmpty else { throw .configuration("no strategies") }
        let names = strategies.map(\.name)
        guard Set(names).count == names.count else { throw .configuration("strategy names must be unique: \(names)") }
        self.instruments = instruments
        self.strategySlots = SlotArray(strategies.map(\.strategy))
        self.strategyNames = names
        self.venue = venue
        self.clock = clock
        self.portfolio = Portfolio(instruments: instruments, startingCash: startingCash, accountType: accountType)
        self.contexts = SlotArray(names.map { StrategyContext(instruments: instruments, cash: startingCash, strategyName: $0) })
        self.attribution = names.map { StrategyBook(name: $0, instruments: instruments) }
        self.margin = margin
        self.funding = instruments.map { funding[$0.id] }
        self.hasFunding = !funding.isEmpty
        self.nextFunding = Array(repeating: nil, count: instruments.count)
        var feeds: [TimeframeFeed] = []
        for (index, strategy) in strategies.enumerated() {
            for timeframe in strategy.strategy.timeframes {
                if let existing = feeds.firstIndex(where: { $0.timeframe == timeframe }) {
                    feeds[existing].subscribers.append(index)
                    continue
                }
                do {
                    feeds.append(TimeframeFeed(timeframe: timeframe, aggregator: try TimeBarAggregator(interval: timeframe), subscribers: [index]))
                } catch {
                    throw .configuration("strategy \(names[index]): time frame \(timeframe): \(error)")
                }
            }
        }
        self.timeframeFeeds = instruments.map { _ in feeds }
        self.hasTimeframes = !feeds.isEmpty
        if let barsFromTicks {
            do {
                let aggregator = try TimeBarAggregator(interval: barsFromTicks)
                self.tickBars = instruments.map { _ in aggregator }
            } catch {
                throw .configuration("bars from ticks: \(error)")
            }
        }
        self.equityCurve.reserveCapacity(expectedBars)
        self.reports.reserveCapacity(8)
        self.commands.reserveCapacity(8)
    }

    /// The first strategy (the only one in a single-strategy run).
    public var strategy: S { strategySlots[0] }

    /// Calls each strategy's `onStart`; implied by the first event if not called.
    public mutating func start() throws(EngineError) {
        guard !started else { return }
        started = true
        for slot in strategySlots.indices {
            refreshContext(slot)
            do { try strategySlots[slot].onStart(context: &contexts[slot]) } catch { throw callbackFailure(slot, "onStart", error) }
            try dispatchCommands(slot)
        }
    }

    /// Processes one closed bar: the venue matches working orders against it, the portfolio
    /// is marked to its close (funding and margin settle), then the strategies see it, and
    /// then any higher time frame it closed.
    public mutating func handle(_ event: BarEvent) throws(EngineError) {
        prepareForBars(1)
        try handleBar(event)
    }

    /// Processes consecutive bars of one instrument, exactly as one ``handle(_:)`` call each;
    /// the loop sits inside the engine so the per-bar path stays in registers.
    public mutating func handle(bars: UnsafeBufferPointer<Bar>, instrument: Int) throws(EngineError) {
        prepareForBars(bars.count)
        for index in bars.indices { try handleBar(BarEvent(instrument: instrument, bar: bars[index])) }
    }

    /// The copy-on-write checks of what ``handleBar(_:)`` writes on every bar, made once for
    /// `count` bars: nothing the bar path calls keeps a copy of the curve, the strategies, their
    /// contexts or the portfolio's marks, and each bar records at most one equity point.
    @inline(__always)
    mutating func prepareForBars(_ count: Int) {
        equityCurve.prepare(forRecords: count)
        strategySlots.makeUnique()
        contexts.makeUnique()
        portfolio.prepareForMarks()
    }

    /// One bar, after ``prepareForBars(_:)``.
    @inline(__always)
    mutating func handleBar(_ event: BarEvent) throws(EngineError) {
        let bar = event.bar
        try enter(at: bar.closeTime)

        // Fills happen inside the bar, before its close is known to the strategy.
        clock.observe(eventTime: bar.openTime)
        venue.onBar(event, reports: &reports)
        if !reports.isEmpty { try applyReports() }

        clock.observe(eventTime: bar.closeTime)
        portfolio.markPrepared(event.instrument, at: bar.close)
        if hasFunding { try settleFunding(event) }
        if portfolio.accountType == .margin { try checkMargin(event) }
        recordEquity(at: bar.closeTime, curvePrepared: true)
        if hasRisk { try observeRisk() }
        let now = clock.now
        let equity = portfolio.equity
        for slot in strategySlots.indices {
            // Positions only change on fills (refreshed there); a bar changes time and equity.
            contexts[prepared: slot].now = now
            contexts[prepared: slot].equity = equity
            do { try strategySlots[prepared: slot].onBar(event, context: &contexts[prepared: slot]) } catch { throw callbackFailure(slot, "onBar", error) }
            if !contexts[prepared: slot].commands.isEmpty { try dispatchCommands(slot) }
        }
        if hasTimeframes && !timeframeFeeds[event.instrument].isEmpty { try deliverTimeframes(event) }
    }

    /// Feeds the bar to the instrument's higher time frames and delivers those it closed.
    mutating func deliverTimeframes(_ event: BarEvent) throws(EngineError) {
        for feed in timeframeFeeds[event.instrument].indices {
            aggregated.removeAll(keepingCapacity: true)
            do { try timeframeFeeds[event.instrument][feed].aggregator.add(event.bar, into: &aggregated) } catch {
                throw .configuration("time frame \(timeframeFeeds[event.instrument][feed].timeframe): \(error)")
            }
            let timeframe = timeframeFeeds[event.instrument][feed].timeframe
            for bar in aggregated {
                try deliver(BarEvent(instrument: event.instrument, bar: bar, timeframe: timeframe),
                            to: timeframeFeeds[event.instrument][feed].subscribers)
            }
        }
    }

    /// Hands a bar the engine built (a higher time frame, a bar from ticks) to these strategies.
    mutating func deliver(_ event: BarEvent, to slots: some Sequence<Int>) throws(EngineError) {
        for slot in slots {
            refreshContext(slot)
            do { try strategySlots[slot].onBar(event, context: &contexts[slot]) } catch { throw callbackFailure(slot, "onBar", error) }
            if !contexts[slot].commands.isEmpty { try dispatchCommands(slot) }
        }
    }

    /// Processes one best bid/offer: the venue matches against it, positions are marked at the
    /// mid, then the strategies see it.
    public mutating func handle(_ event: QuoteEvent) throws(EngineError) {
        let quote = event.quote
        try advance(to: quote.time)
        venue.onQuote(event, reports: &reports)
        if !reports.isEmpty { try applyReports() }
        let mid = quote.mid
        try afterMatching(instrument: event.instrument, mark: mid, exits: (buy: quote.ask, sell: quote.bid), at: quote.time, hook: "onQuote") {
            (strategy: inout S, context: inout StrategyContext) throws in
            try strategy.onQuote(event, context: &context)
        }
        if tickBars != nil {
            try deliverTickBars(Tick(time: quote.time, price: mid, size: .zero(precision: quote.bidSize.precision)), instrument: event.instrument)
        }
    }

    /// Processes one trade print: the venue matches against it, positions are marked at its
    /// price, then the strategies see it.
    public mutating func handle(_ event: TradeTickEvent) throws(EngineError) {
        let tick = event.tick
        try advance(to: tick.time)
        venue.onTrade(event, reports: &reports)
        if !reports.isEmpty { try applyReports() }
        try afterMatching(instrument: event.instrument, mark: tick.price, exits: (tick.price, tick.price), at: tick.time, hook: "onTradeTick") {
            (strategy: inout S, context: inout StrategyContext) throws in
            try strategy.onTradeTick(event, context: &context)
        }
        if tickBars != nil { try deliverTickBars(tick, instrument: event.instrument) }
    }

    /// Feeds a print (or a quote's mid) to the instrument's bar builder and hands the bars it
    /// closed to the strategies (the venue has already seen the ticks themselves).
    mutating func deliverTickBars(_ tick: Tick, instrument: Int) throws(EngineError) {
        tickBarOutput.removeAll(keepingCapacity: true)
        do { try tickBars![instrument].add(tick, into: &tickBarOutput) } catch { throw .configuration("bars from ticks: \(error)") }
        for bar in tickBarOutput {
            let event = BarEvent(instrument: instrument, bar: bar)
            try deliver(event, to: strategySlots.indices)
            if !timeframeFeeds[instrument].isEmpty { try deliverTimeframes(event) }
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
        try enter(at: time)
        clock.observe(eventTime: time)
    }

    /// Starts the run if needed and refuses an event older than the last one.
    @inline(__always)
    mutating func enter(at time: Timestamp) throws(EngineError) {
        if !started { try start() }
        if let last = lastEventTime, time < last { throw .timeWentBackwards(from: last, to: time) }
        lastEventTime = time
        barCount += 1
    }

    /// Marks, settles funding and checks margin at a quote's mid or a print's price, then calls
    /// the strategies. A margin breach is executed where a position can be closed: a long at
    /// the bid (`exits.sell`), a short at the ask.
    private mutating func afterMatching(instrument: Int, mark: Price, exits: (buy: Price, sell: Price), at time: Timestamp,
                                        hook: String, _ callback: (inout S, inout StrategyContext) throws -> Void) throws(EngineError) {
        portfolio.mark(instrument, at: mark)
        if hasFunding { try settleFunding(instrument: instrument, from: time, through: time, mark: mark) }
        if portfolio.accountType == .margin {
            let exit = portfolio.positions[instrument].quantity.isPositive ? exits.sell : exits.buy
            try checkMargin(instrument: instrument, adverse: mark, mark: mark, at: time) { _ in (exit, time) }
        }
        recordEquity(at: time)
        for slot in strategySlots.indices {
            contexts[slot].now = clock.now
            contexts[slot].equity = portfolio.equity
            do { try callback(&strategySlots[slot], &contexts[slot]) } catch { throw callbackFailure(slot, hook, error) }
            if !contexts[slot].commands.isEmpty { try dispatchCommands(slot) }
        }
    }

    /// Applies reports that a venue delivered outside ``handle(_:)`` (live adapters).
    public mutating func handle(reports incoming: [ExecutionReport]) throws(EngineError) {
        reports.append(contentsOf: incoming)
        try applyReports()
    }

    /// Calls each strategy's `onStop`; commands it issues are still dispatched.
    public mutating func stop() throws(EngineError) {
        if !started { try start() }
        for slot in strategySlots.indices {
            refreshContext(slot)
            do { try strategySlots[slot].onStop(context: &contexts[slot]) } catch { throw callbackFailure(slot, "onStop", error) }
            try dispatchCommands(slot)
        }
    }

    /// Orders not yet finished, in creation order.
    public var openOrders: [Order] { openOrderIDs.compactMap { order($0) } }

    /// The order with this id, in its current state.
    public func order(_ id: ClientOrderID) -> Order? { orderIndex[id].map { orders[$0] } }

    // MARK: - Internals

    @inline(__always)
    mutating func recordEquity(at time: Timestamp, curvePrepared: Bool = false) {
        let point = EquityPoint(time: time, equity: portfolio.equity)
        exposure.record(gross: portfolio.grossExposure, equity: point.equity)
        if curvePrepared { equityCurve.recordPrepared(point) } else { equityCurve.record(point) }
    }

    /// A strategy's view: the account's time, cash and equity, and its own positions.
    mutating func refreshContext(_ slot: Int) {
        contexts[slot].now = clock.now
        contexts[slot].cash = portfolio.account.cash
        contexts[slot].equity = portfolio.equity
        for instrument in instruments.indices { refreshPosition(slot, instrument) }
    }

    mutating func refreshPosition(_ slot: Int, _ instrument: Int) {
        let position = attribution[slot].positions[instrument]
        contexts[slot].positions[instrument] = PositionView(quantity: position.quantity, costBasis: position.costBasis,
                                                            realizedPnL: position.realizedPnL)
    }

    func callbackFailure(_ slot: Int, _ hook: String, _ error: any Error) -> EngineError {
        .strategy(.callbackFailed(strategy: strategyNames[slot], event: hook, at: clock.now.iso8601, reason: "\(error)"))
    }
}

/// A higher time frame built for one instrument and the strategies that asked for it.
struct TimeframeFeed {
    var timeframe: TimeSpan
    var aggregator: TimeBarAggregator
    var subscribers: [Int]
}

/// One strategy's share of a shared account: the positions, PnL and fees of its own fills.
public struct StrategyBook: Sendable {
    public let name: String
    public internal(set) var positions: [Position]
    public internal(set) var trades: [Trade] = []
    public internal(set) var fillCount = 0
    public internal(set) var fees: Money = .zero
    public internal(set) var funding: Money = .zero

    init(name: String, instruments: [Instrument]) {
        self.name = name
        self.positions = instruments.map {
            Position(instrumentID: $0.id, sizePrecision: $0.sizePrecision, pricePrecision: $0.pricePrecision)
        }
    }

    /// Gross PnL realised by this strategy's fills.
    public var realizedPnL: Money { positions.reduce(.zero) { $0 + $1.realizedPnL } }

    /// This strategy's open positions at `marks` minus their cost.
    public func unrealizedPnL(marks: [Price?]) -> Money {
        zip(positions, marks).reduce(.zero) { total, pair in
            guard let mark = pair.1, !pair.0.isFlat else { return total }
            return total + pair.0.unrealizedPnL(at: mark)
        }
    }

    /// What the strategy added to the account: realized + unrealized − fees − funding.
    public func netPnL(marks: [Price?]) -> Money { realizedPnL + unrealizedPnL(marks: marks) - fees - funding }
}

/// Gross exposure over a run, sampled at every event.
public struct ExposureTracker: Sendable {
    public private(set) var samples = 0
    /// Σ gross exposure / equity over samples (for the average).
    public private(set) var leverageSum = 0.0
    public private(set) var maxLeverage = 0.0
    public private(set) var maxGross: Money = .zero
    /// Events with any position open.
    public private(set) var samplesInMarket = 0

    @inline(__always)
    mutating func record(gross: Money, equity: Money) {
        samples += 1
        guard !gross.isZero else { return }
        samplesInMarket += 1
        if maxGross < gross { maxGross = gross }
        // Both are in 10^-12 units: the ratio of the raw values is the ratio of the amounts.
        let leverage = equity.raw <= 0 ? .infinity : Money.ratio(gross, equity)
        leverageSum += leverage
        maxLeverage = max(maxLeverage, leverage)
    }

    /// Average gross exposure as a multiple of equity, over all events.
    public var averageLeverage: Double { samples == 0 ? 0 : leverageSum / Double(samples) }
    /// The fraction of events with a position open.
    public var timeInMarket: Double { samples == 0 ? 0 : Double(samplesInMarket) / Double(samples) }
}
