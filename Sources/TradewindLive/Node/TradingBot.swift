import Foundation
public import Logging
import Metrics
public import TradewindAlerts
public import TradewindCore
import TradewindEngine
import TradewindRisk
import TradewindSimulation
public import TradewindStorage
public import TradewindStrategy

/// One bot: feed → strategy (the backtest's engine and strategy code) → risk engine → journal →
/// venue adapter → fills → portfolio → journal.
///
/// Write-ahead: an order's intent is durable in the journal before the adapter sees it, and every
/// venue update is durable before the engine (and so the strategy) acts on it. A crash at any
/// point leaves the journal at or behind the venue, never ahead of it; the next start reconciles
/// (``Reconciliation``), records each difference, and resumes.
///
/// The strategy's clock is the bar time, as in a backtest, so the same bars give the same
/// decisions (``Divergence`` relies on that); wall time is recorded beside each journal entry.
public actor TradingBot<S: Strategy> {
    public let definition: BotDefinition
    public let adapter: any VenueAdapter
    /// The adapter when it answers from memory (paper): called synchronously on the bar path.
    private let inProcess: (any InProcessVenue)?
    public let feed: any MarketFeed
    let journal: any BotJournal
    /// The journal when it is a local write-ahead log: written without suspending the bot, unless
    /// each append waits for a disk flush (shared with the other bots' appends while it suspends).
    let log: WriteAheadJournal?
    let logger: Logger
    /// Where fills, rejections, risk-state changes and failures are reported for operators; the
    /// hand-off returns at once (a bounded queue), so a slow channel never slows the bot.
    let notices: (any NoticeSink)?
    private var strategy: S?
    private var engine: TradingEngine<S, Outbox, SimulatedClock>?
    /// Set with ``engine`` (not an observer: that would make every in-place mutation a copy);
    /// lets hot paths read the engine in place (see ``inEngine(_:)``).
    private var hasEngine = false
    private let outbox = Outbox()
    private var botID: Int64 = 0
    private var incarnation = 0
    private var ids = ClientOrderIDs(bot: "bot", incarnation: 1)
    private var lastBarOpen: [Timestamp?] = []
    private var riskEventsJournaled = 0
    private var phase: BotStatus.Phase = .starting
    private var lastError: String?
    /// Nanoseconds from a bar's arrival to its order being handed to the adapter (journal write included).
    public private(set) var tickToOrder: LatencyWindow
    /// Nanoseconds from a bar's arrival to the strategy's order leaving the risk engine (before the journal).
    public private(set) var tickToDecision: LatencyWindow
    /// Bars since the engine last let go of its finished history (every ``barsPerTrim`` bars).
    private var barsSinceTrim = 0
    private var inputs: AsyncStream<Input>.Continuation?
    private let ordersSent: Counter, fillsBooked: Counter, rejections: Counter, riskState: Gauge, equity: Gauge
    /// Live bars not yet in the journal: they go with the next entry the bot writes, every
    /// ``barsPerWrite`` bars, or once the oldest has waited ``barWriteDelay`` (so a bot on a
    /// real-time feed journals each bar as it comes, and the operator's live view follows).
    /// Bars are a record for `tradewind divergence` and the live view, not state, so they need
    /// not be durable before the strategy sees them (a crash can lose the last few).
    private var pendingBars: [(kind: String, payload: String)] = []
    /// Orders were handed over to the in-process venue and wait for ``settle()`` to have them matched.
    private var handedOver = false
    private var lastArrival = ContinuousClock.now
    private var pendingSince: ContinuousClock.Instant?
    static var barsPerWrite: Int { 64 }
    static var barWriteDelay: Duration { .milliseconds(250) }
    /// How often the engine's finished orders, fills and old equity points are dropped, and how
    /// many equity points it keeps: a live bot's engine holds what its decisions need, not its
    /// whole history (the journal has that).
    static var barsPerTrim: Int { 1_024 }
    static var equityPointsKept: Int { 1_024 }

    enum Input: Sendable {
        case bar(Int, Bar, ContinuousClock.Instant)
        case update(VenueUpdate)
        case feedFailed(String)
        /// A feed that ends (a replay) ends the bot once every bar before it is handled.
        case feedEnded
    }

    public init(definition: BotDefinition, strategy: S, adapter: any VenueAdapter, feed: any MarketFeed, journal: any BotJournal,
                notices: (any NoticeSink)? = nil, logger: Logger = Logger(label: "tradewind.bot"), latencySamples: Int = 1_000) {
        self.definition = definition
        tickToOrder = LatencyWindow(capacity: latencySamples)
        tickToDecision = LatencyWindow(capacity: latencySamples)
        self.notices = notices
        self.strategy = strategy
        self.adapter = adapter
        self.inProcess = adapter as? any InProcessVenue
        self.feed = feed
        self.journal = journal
        self.log = journal as? WriteAheadJournal
        var logger = logger
        logger[metadataKey: "bot"] = .string(definition.name)
        self.logger = logger
        let dimensions = [("bot", definition.name), ("venue", adapter.name)]
        ordersSent = Counter(label: "tradewind_orders_total", dimensions: dimensions)
        fillsBooked = Counter(label: "tradewind_fills_total", dimensions: dimensions)
        rejections = Counter(label: "tradewind_order_rejections_total", dimensions: dimensions)
        riskState = Gauge(label: "tradewind_risk_state", dimensions: dimensions)
        equity = Gauge(label: "tradewind_bot_equity", dimensions: dimensions)
    }

    // MARK: - Life cycle

    /// Recovers, warms up and trades until the task is cancelled, then stops as configured.
    public func run() async throws {
        do {
            try await prepare()
            try await trade()
        } catch where Task.isCancelled {
            // Stopping: whatever the cancellation interrupted is settled by the next start.
        } catch {
            phase = .failed
            lastError = "\(error)"
            logger.error("bot failed: \(error)")
            notify(.critical, "bot failure", subject: definition.name, title: "Bot \(definition.name) failed", body: "\(error)")
            await record([("bot.failed", Self.payload(["reason": "\(error)"]))])
            try? await journal.setBotState(botID, state: "failed", now: WallClock.now())
            await adapter.close()
            throw error
        }
        // The stop's own venue calls and journal writes must not see the cancellation that asked for it.
        await Task { await self.shutDown() }.value
    }

    /// Recovery and warm-up; after it the bot is ready for live bars (used directly by benchmarks).
    public func prepare() async throws {
        phase = .recovering
        let existing = try await journal.bot(named: definition.name)
        let record = if let existing { existing } else {
            try await journal.createBot(name: definition.name, definition: "strategy=\(definition.strategy)", owner: "node", now: WallClock.now())
        }
        botID = record.id
        // Orders, fills and the bot's own records; not the bars (one per bar, a record for
        // `tradewind divergence`), which would make a restart slower with every month run.
        let leftOut = [MarketBarRecord.kind]
        var events = try await journal.events(bot: botID, after: nil, excluding: leftOut)
        // Decoded once for the reconciliation and the engine's rebuild; of the rows themselves
        // only the order terms are kept (a restart after months reads hundreds of thousands).
        var decoded = try Self.decode(events)
        var terms = events.filter { $0.kind == OrderTerms.kind }
        let lastSequence = events.last?.sequence
        incarnation = events.filter { $0.kind == "bot.started" }.count + 1
        ids = ClientOrderIDs(bot: definition.name, incarnation: incarnation)
        let snapshot = String(decoding: try JSONEncoder.sorted.encode(BotSnapshot(definition)), as: UTF8.self)
        _ = try await journal.append(bot: botID, events: [("bot.started", Self.payload(["incarnation": String(incarnation), "definition": snapshot]))],
                                     at: WallClock.now())
        try await journal.setBotState(botID, state: "running", now: WallClock.now())
        try await adapter.connect(instruments: definition.instruments)

        // Holdings of the account before the bot's first order: its position is the venue's
        // holding minus this baseline.
        var baseline = try Self.baseline(in: events)
        events = []
        if baseline == nil {
            var values: [String: String] = [:]
            for instrument in definition.instruments { values[instrument.id.description] = try await adapter.position(instrument: instrument).description }
            _ = try await journal.append(bot: botID, events: [("bot.baseline", Self.payload(values))], at: WallClock.now())
            baseline = try values.mapValues { try Quantity(parsing: $0) }.reduce(into: [:]) { $0[Self.instrumentID($1.key)] = $1.value }
        }
        try await reconcile(decoded, baseline: baseline ?? [:])
        // What the start and the reconciliation added.
        let added = try await journal.events(bot: botID, after: lastSequence, excluding: leftOut)
        decoded += try Self.decode(added)
        terms += added.filter { $0.kind == OrderTerms.kind }
        try restoreEngine(terms: terms, decoded: decoded)

        phase = .warmingUp
        outbox.warmingUp = true
        for (index, instrument) in definition.instruments.enumerated() where definition.warmupBars > 0 {
            let history = try await feed.history(instrument: instrument, interval: definition.interval, limit: definition.warmupBars)
            for bar in history {
                try engine!.handle(BarEvent(instrument: index, bar: bar))
                lastBarOpen[index] = bar.openTime
            }
            // The warm-up bars, so a replay of this bot's period starts from the same state.
            _ = try await journal.append(bot: botID, events: history.map { MarketBarRecord(instrument: index, bar: $0, warmup: true).row },
                                         at: WallClock.now())
        }
        outbox.warmingUp = false
        _ = outbox.drain()
        phase = .running
        logger.info("bot ready", metadata: ["incarnation": "\(incarnation)", "equity": "\(engine!.portfolio.equity)"])
    }

    private func trade() async throws {
        let (stream, continuation) = AsyncStream<Input>.makeStream(bufferingPolicy: .unbounded)
        inputs = continuation
        let feed = feed, interval = definition.interval
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, instrument) in definition.instruments.enumerated() {
                group.addTask {
                    do {
                        for try await bar in feed.bars(instrument: instrument, interval: interval) {
                            continuation.yield(.bar(index, bar, ContinuousClock.now))
                        }
                        continuation.yield(.feedEnded)
                    } catch is CancellationError {
                    } catch {
                        continuation.yield(.feedFailed("\(instrument.id): \(error)"))
                    }
                }
            }
            let updates = adapter.updates
            group.addTask {
                for await update in updates { continuation.yield(.update(update)) }
            }
            defer { group.cancelAll() }
            var ended = 0
            for await input in stream {
                try Task.checkCancellation()
                switch input {
                case .bar(let index, let bar, let arrived): try await onBar(bar, instrument: index, arrived: arrived)
                case .update(let update): try await apply([update])
                case .feedFailed(let reason): throw VenueError.unavailable("market data feed ended: \(reason)")
                case .feedEnded:
                    ended += 1
                    if ended == definition.instruments.count { return }
                }
            }
        }
    }

    /// Feeds one live bar (tests and benchmarks call this directly to drive a bot): ``decide(_:instrument:arrived:)``,
    /// then, once the other bots on this bar have had their turn, ``settle()``.
    public func onBar(_ bar: Bar, instrument index: Int, arrived: ContinuousClock.Instant = .now) async throws {
        try await decide(bar, instrument: index, arrived: arrived)
        // The orders are handed over; matching them can wait until the other bots sharing this
        // bar have handed theirs over.
        if handedOver { await Task.yield() }
        try await settle()
    }

    /// The half of a bar that ends with its orders handed to the venue: the venue matches its
    /// working orders against the bar, the fills are journaled and booked, the strategy sees the
    /// bar, and each order it makes passes the risk engine, is journaled and is handed over. An
    /// in-process venue matches what it was handed (and the bot books the answers) in
    /// ``settle()``, so the bots sharing a bar all hand their orders over before any venue matches
    /// one: a caller driving many bots through one bar calls this on each, then ``settle()`` on each.
    public func decide(_ bar: Bar, instrument index: Int, arrived: ContinuousClock.Instant = .now) async throws {
        if let last = lastBarOpen[index], bar.openTime <= last { return }
        lastBarOpen[index] = bar.openTime
        lastArrival = arrived
        let instrument = definition.instruments[index]
        let updates = if let inProcess { inProcess.observeNow(bar, instrument: instrument) } else { await adapter.observe(bar, instrument: instrument) }
        if !updates.isEmpty { try await apply(updates) }
        try engine!.handle(BarEvent(instrument: index, bar: bar))
        if pendingBars.isEmpty { pendingSince = arrived }
        pendingBars.append(MarketBarRecord.liveRow(instrument: index, bar: bar))
        try await flush(arrived: arrived)
    }

    /// The other half: has an in-process venue match the orders handed over, books its answers
    /// (and sends what the strategy does about them), and journals the bars seen once enough have
    /// gathered or waited.
    public func settle() async throws {
        while handedOver, let inProcess {
            handedOver = false
            let answers = inProcess.matchHandedOver()
            guard !answers.isEmpty else { continue }
            try await apply(answers)
            // What the strategy does about the answers goes out (and is handed over) too.
            try await flush(arrived: lastArrival)
        }
        // After the bar's answers are booked; not on the way to the bar's orders.
        equity.record(inEngine { $0.portfolio.equity.doubleValue } ?? 0)
        barsSinceTrim += 1
        if barsSinceTrim >= Self.barsPerTrim {
            barsSinceTrim = 0
            _ = inEngine { $0.discardHistory(keepingEquityPoints: Self.equityPointsKept) }
        }
        if pendingBars.count >= Self.barsPerWrite || (pendingSince.map { ContinuousClock.now - $0 >= Self.barWriteDelay } ?? false) {
            try await writeJournal([])
        }
    }

    private func shutDown() async {
        phase = .stopping
        if handedOver {
            do { try await settle() } catch { logger.warning("booking the last answers failed: \(error)") }
        }
        if definition.onStop == .cancel, let engine {
            for order in engine.openOrders {
                guard let instrument = definition.instruments.first(where: { $0.id == order.instrumentID }) else { continue }
                do { try await apply(await adapter.cancel(clientOrderID: order.id.value, instrument: instrument)) } catch {
                    logger.warning("cancel on stop failed for \(order.id): \(error)")
                }
            }
        }
        await record(pendingBars + [("bot.stopped", Self.payload(["openOrders": String(engine?.openOrders.count ?? 0)]))])
        pendingBars.removeAll()
        try? await journal.setBotState(botID, state: "stopped", now: WallClock.now())
        await adapter.close()
        phase = .stopped
        logger.info("bot stopped")
    }

    public func stop() { inputs?.finish() }

    /// The bot's working orders as its engine holds them.
    public var workingOrders: [Order] { engine?.openOrders ?? [] }

    /// What the engine holds of the bot's history (tests check it stays bounded).
    var heldHistory: (orders: Int, fills: Int, equityPoints: Int) {
        inEngine { ($0.orders.count, $0.fills.count, $0.equityCurve.count) } ?? (0, 0, 0)
    }

    public var status: BotStatus {
        BotStatus(name: definition.name, phase: phase, tradingState: engine?.risk?.state ?? .active, equity: engine?.portfolio.equity ?? definition.startingCash,
                  cash: engine?.portfolio.account.cash ?? definition.startingCash,
                  positions: Dictionary(uniqueKeysWithValues: (engine?.portfolio.positions ?? []).map { ($0.instrumentID, $0.quantity) }),
                  openOrders: engine?.openOrders.count ?? 0, fills: engine?.fillCount ?? 0, bars: engine?.barCount ?? 0,
                  incarnation: incarnation, lastError: lastError)
    }

    public var recentLatencyP99Milliseconds: Double? {
        tickToOrder.quantile(0.99).map { Double($0) / 1e6 }
    }

    // MARK: - Orders out

    /// Hands the engine's new orders and cancels to the venue: intent to the journal first.
    private func flush(arrived: ContinuousClock.Instant) async throws {
        try await journalRiskEvents()
        var commands = outbox.drain()
        while !commands.isEmpty {
            for command in commands {
                switch command {
                case .submit(let order): try await send(order, arrived: arrived)
                case .cancel(let id): try await cancel(id)
                }
            }
            // Fills applied above may have made the strategy act again.
            commands = outbox.drain()
        }
    }

    private func send(_ order: Order, arrived: ContinuousClock.Instant) async throws {
        guard let instrument = definition.instruments.first(where: { $0.id == order.instrumentID }) else { return }
        tickToDecision.record(Self.nanoseconds(since: arrived))
        let id = order.id.value
        let intent = JournalEvent.intent(clientOrderID: id, instrument: order.instrumentID, side: order.side, quantity: order.quantity)
        try await writeJournal([(intent.kind, intent.payload), OrderTerms.row(for: order, id: id)])
        ordersSent.increment()
        let request = VenueOrderRequest(clientOrderID: id, instrument: instrument, side: order.side, quantity: order.quantity,
                                        type: order.type, timeInForce: order.timeInForce, postOnly: order.postOnly)
        // An in-process venue matches it in ``settle()``, once the other bots sharing this bar
        // have handed theirs over.
        inProcess?.handOver(request)
        tickToOrder.record(Self.nanoseconds(since: arrived))
        guard inProcess == nil else {
            handedOver = true
            return
        }
        do {
            let answer = try await adapter.place(request)
            // As with an in-process venue's answers (see ``onBar``): the other bots first.
            await Task.yield()
            try await apply(answer)
        } catch let error as VenueError {
            switch error {
            case .unknownOutcome:
                // Left open in the journal: the stream or the next start's reconciliation settles it.
                logger.warning("order \(order.id) outcome unknown: \(error)")
            default:
                try await apply([VenueUpdate(clientOrderID: id, kind: .rejected(reason: error.description), time: now)])
            }
        }
    }

    private func cancel(_ id: ClientOrderID) async throws {
        guard let order = order(id), let instrument = definition.instruments.first(where: { $0.id == order.instrumentID }) else { return }
        do {
            let answer = if let inProcess {
                try inProcess.cancelNow(clientOrderID: id.value, instrument: instrument)
            } else {
                try await adapter.cancel(clientOrderID: id.value, instrument: instrument)
            }
            try await apply(answer)
        } catch {
            logger.warning("cancel of \(id) refused: \(error)")
            if self.order(id)?.status == .pendingCancel {
                let now = now
                try engine!.handle(reports: [ExecutionReport(orderID: id, event: .cancelRejected(reason: "\(error)", at: now))])
            }
        }
    }

    // MARK: - Updates in

    /// Journals, then applies, the venue's updates; repeats and updates for orders that are not
    /// this bot's are dropped.
    private func apply(_ updates: [VenueUpdate]) async throws {
        var entries: [JournalEvent] = []
        var reports: [ExecutionReport] = []
        // Orders as this batch leaves them (the engine sees the batch only at the end).
        var batchStatus: [ClientOrderID: OrderStatus] = [:]
        var batchFilled: [ClientOrderID: Quantity] = [:]
        // A fill reported twice is booked once: trade ids the engine's order has, and this batch's.
        var batchTrades: Set<String> = []
        let now = now
        for update in updates {
            let id = ClientOrderID(update.clientOrderID)
            guard let order = order(id) else { continue }
            var status = batchStatus[id] ?? order.status
            defer { batchStatus[id] = status }
            // A venue may report fills before (or instead of) acceptance.
            func acceptIfNeeded() {
                if status == .submitted {
                    reports.append(ExecutionReport(orderID: id, event: .accept(at: now)))
                    status = .accepted
                }
            }
            switch update.kind {
            case .accepted(let venueOrderID):
                guard status == .submitted else { continue }
                entries.append(.accepted(clientOrderID: update.clientOrderID, venueOrderID: venueOrderID))
                acceptIfNeeded()
            case .fill(let fill):
                guard !status.isTerminal || status == .pendingCancel, !order.tradeIDs.contains(TradeID(fill.tradeID)),
                      batchTrades.insert(fill.tradeID).inserted else { continue }
                entries.append(.fill(clientOrderID: fill.clientOrderID, tradeID: fill.tradeID, quantity: fill.quantity, price: fill.price,
                                     fee: fill.fee, time: fill.time))
                acceptIfNeeded()
                let engineFill = Fill(orderID: id, tradeID: TradeID(fill.tradeID), instrumentID: order.instrumentID, side: order.side,
                                      quantity: fill.quantity, price: fill.price, fee: fill.fee, liquidity: .taker,
                                      timestamp: max(now, order.createdAt))
                reports.append(ExecutionReport(orderID: id, event: .fill(engineFill)))
                let filled = (batchFilled[id] ?? order.filledQuantity) + fill.quantity
                batchFilled[id] = filled
                if filled >= order.quantity {
                    status = .filled
                    entries.append(.finished(clientOrderID: update.clientOrderID, status: .filled, reason: nil))
                }
            case .canceled, .expired, .rejected:
                guard !status.isTerminal else { continue }
                let (final, event): (OrderStatus, OrderEvent) = switch update.kind {
                case .canceled: (.canceled, .cancel(at: now))
                case .expired: (.expired, .expire(at: now))
                case .rejected(let reason): (.rejected, .reject(reason: reason, at: now))
                default: (.canceled, .cancel(at: now))
                }
                if final != .rejected { acceptIfNeeded() }
                var reason: String? = nil
                if case .rejected(let text) = update.kind { reason = text }
                entries.append(.finished(clientOrderID: update.clientOrderID, status: final, reason: reason))
                reports.append(ExecutionReport(orderID: id, event: event))
                status = final
            }
        }
        guard !entries.isEmpty || !reports.isEmpty else { return }
        if !entries.isEmpty { try await writeJournal(entries.map { ($0.kind, $0.payload) }) }
        for entry in entries {
            switch entry {
            case .fill(let id, _, let quantity, let price, _, _):
                fillsBooked.increment()
                if let notices, let order = order(ClientOrderID(id)) {
                    notices.offer(Notice(severity: .info, category: "fill", subject: order.instrumentID.symbol, bot: definition.name,
                                         headline: .fill(bought: order.side == .buy, quantity: quantity, symbol: order.instrumentID.symbol, price: price),
                                         time: WallClock.now()))
                }
            case .finished(let id, .rejected, let reason):
                rejections.increment()
                let symbol = order(ClientOrderID(id))?.instrumentID.symbol ?? definition.name
                notify(.warning, "order rejection", subject: symbol, title: "Order \(id) on \(symbol) rejected", body: reason ?? "")
            default: break
            }
        }
        try engine!.handle(reports: reports)
        try await journalRiskEvents()
    }

    private func journalRiskEvents() async throws {
        let journaled = riskEventsJournaled
        guard let new: ArraySlice<RiskEvent> = inEngine({ engine -> ArraySlice<RiskEvent>? in
            guard let events = engine.risk?.events, events.count > journaled else { return nil }
            return events[journaled...]
        }) ?? nil else { return }
        riskEventsJournaled = new.endIndex
        for event in new {
            logger.warning("risk state \(event.from) → \(event.to): \(event.reason)")
            let severity: Severity = event.to == .halted ? .critical : event.to == .reducing ? .warning : .info
            notify(severity, "risk state", subject: definition.name, title: "\(definition.name) is \(event.to.rawValue.uppercased())",
                   body: "\(event.rule.rawValue): \(event.reason)")
        }
        // 0 active, 1 reducing, 2 halted.
        riskState.record(new.last.map { $0.to == .active ? 0 : $0.to == .reducing ? 1 : 2 } ?? 0)
        try await writeJournal(new.map {
            ("risk.state", Self.payload(["from": $0.from.rawValue, "to": $0.to.rawValue, "rule": $0.rule.rawValue, "reason": $0.reason]))
        })
    }

    // MARK: - Recovery

    /// The journal's order and fill events with the time each was written; other rows are left out.
    private static func decode(_ records: [BotEventRecord]) throws -> [(time: Timestamp, event: JournalEvent)] {
        try records.compactMap { record in try JournalEvent(kind: record.kind, payload: record.payload).map { (record.time, $0) } }
    }

    private func reconcile(_ journaled: [(time: Timestamp, event: JournalEvent)], baseline: [InstrumentID: Quantity]) async throws {
        let state = JournalEvent.replay(journaled.lazy.map(\.event))
        var venueOpen: [Reconciliation.VenueOrder] = []
        var lookup: [String: Reconciliation.VenueOrder] = [:]
        var fills: [Reconciliation.VenueFill] = []
        let inProcessVenue = await adapter.resume(journalPositions: state.positions)
        var positions: [InstrumentID: Quantity] = inProcessVenue ? state.positions : [:]
        let intentTimes = Dictionary(journaled.compactMap { entry -> (String, Timestamp)? in
            guard case .intent(let id, _, _, _) = entry.event else { return nil }
            return (id, entry.time)
        }, uniquingKeysWith: { first, _ in first })
        for instrument in definition.instruments {
            venueOpen += try await adapter.openOrders(instrument: instrument).filter { ids.belongsToBot($0.clientOrderID) }
            let local = state.open.filter { $0.instrument == instrument.id }
            for order in local {
                if let found = try await adapter.order(clientOrderID: order.clientOrderID, instrument: instrument) { lookup[order.clientOrderID] = found }
            }
            if let oldest = local.compactMap({ intentTimes[$0.clientOrderID] }).min() {
                fills += try await adapter.fills(instrument: instrument, since: oldest + TimeSpan(nanoseconds: -300_000_000_000))
            }
            if !inProcessVenue {
                positions[instrument.id] = try await adapter.position(instrument: instrument) - (baseline[instrument.id] ?? .zero(precision: instrument.sizePrecision))
            }
        }
        let differences = Reconciliation.compare(orders: state.open, positions: state.positions, venueOpen: venueOpen, venueLookup: lookup,
                                                 venueFills: fills, venuePositions: positions)
        guard !differences.isEmpty else { return }
        for difference in differences { logger.warning("reconciliation: \(difference)") }
        notify(.critical, "reconciliation mismatch", subject: definition.name,
               title: "\(definition.name): \(differences.count) difference\(differences.count == 1 ? "" : "s") with \(adapter.name) on restart",
               body: differences.prefix(20).map { "\($0)" }.joined(separator: "\n"))
        let entries = JournalEvent.recording(differences).map { ($0.kind, $0.payload) }
            + differences.map { ("recovery.difference", Self.payload(["difference": "\($0)"])) }
        _ = try await journal.append(bot: botID, events: entries, at: WallClock.now())
    }

    /// The engine as the journal leaves it: cash and positions from every recorded fill, the
    /// unfinished orders adopted so later updates apply to them.
    private func restoreEngine(terms termRows: [BotEventRecord], decoded: [(time: Timestamp, event: JournalEvent)]) throws {
        let journalEvents = decoded.lazy.map(\.event)
        var engine = try TradingEngine(strategy: strategy!, venue: outbox, clock: SimulatedClock(), instruments: definition.instruments,
                                       startingCash: definition.startingCash)
        strategy = nil
        engine.useOrderIDPrefix(ids.enginePrefix)
        if let limits = definition.risk { engine.risk = RiskEngine(limits: limits) }
        var intents: [String: (InstrumentID, OrderSide, Quantity)] = [:]
        var terms: [String: OrderTerms] = [:]
        for row in termRows {
            if let entry = try? OrderTerms(payload: row.payload) { terms[entry.id] = entry }
        }
        let open = JournalEvent.replay(journalEvents).open
        let openIDs = Set(open.map(\.clientOrderID))
        var seen: Set<String> = []
        // Kept for the unfinished orders only, which are adopted with them below.
        var fillsByOrder: [String: [Fill]] = [:]
        for event in journalEvents {
            switch event {
            case .intent(let id, let instrument, let side, let quantity): intents[id] = intents[id] ?? (instrument, side, quantity)
            case .fill(let id, let tradeID, let quantity, let price, let fee, let time):
                guard let (instrument, side, _) = intents[id], seen.insert(tradeID).inserted else { continue }
                let fill = Fill(orderID: ClientOrderID(id), tradeID: TradeID(tradeID), instrumentID: instrument, side: side, quantity: quantity,
                                price: price, fee: fee, liquidity: .taker, timestamp: time)
                try engine.restore(fill: fill)
                if openIDs.contains(id) { fillsByOrder[id, default: []].append(fill) }
                // The replayed fills are the journal's record, not the engine's.
                if engine.fills.count >= 4_096 { engine.discardHistory(keepingEquityPoints: Self.equityPointsKept) }
            default: break
            }
        }
        for open in open {
            // Rebuilt as sent (journals from before terms were recorded: as a market order).
            let request = try terms[open.clientOrderID]?.request(instrument: open.instrument, side: open.side, quantity: open.quantity)
                ?? OrderRequest(instrumentID: open.instrument, side: open.side, quantity: open.quantity)
            var order = try Order(id: ClientOrderID(open.clientOrderID), request: request, createdAt: .epoch)
            try order.apply(.submit(at: .epoch))
            try order.apply(.accept(at: .epoch))
            for fill in fillsByOrder[open.clientOrderID] ?? [] { try order.apply(.fill(fill)) }
            try engine.adopt(order)
        }
        engine.discardHistory(keepingEquityPoints: Self.equityPointsKept)
        lastBarOpen = Array(repeating: nil, count: definition.instruments.count)
        self.engine = engine
        hasEngine = true
    }

    // MARK: - Helpers

    /// Reads the engine in place, `nil` before it exists. In this generic actor a read through
    /// `engine?` or `engine!` copies the whole engine (retaining every array in it) before taking
    /// the property; an in-place access does not.
    private func inEngine<T>(_ body: (inout TradingEngine<S, Outbox, SimulatedClock>) throws -> T) rethrows -> T? {
        guard hasEngine else { return nil }
        return try body(&engine!)
    }

    /// The engine's order with this id, read in place.
    private func order(_ id: ClientOrderID) -> Order? { inEngine { $0.order(id) } ?? nil }

    /// The strategy's clock (the latest bar's time).
    private var now: Timestamp { inEngine { $0.clock.now } ?? .epoch }

    /// Appends entries, preceded by the bars seen since the last write (so every entry follows
    /// the bar that caused it), in one transaction.
    private func writeJournal(_ entries: [(kind: String, payload: String)]) async throws {
        guard !pendingBars.isEmpty || !entries.isEmpty else { return }
        // The entries go after the bars in the bars' own buffer (no new array per write), and
        // come out of it again if the write fails.
        let bars = pendingBars.count
        pendingBars.append(contentsOf: entries)
        do {
            if let log, log.policy == .processCrash {
                try log.appendNow(bot: botID, events: pendingBars, time: WallClock.now())
            } else {
                _ = try await journal.append(bot: botID, events: pendingBars, at: WallClock.now())
            }
        } catch {
            pendingBars.removeSubrange(bars...)
            throw error
        }
        pendingBars.removeAll(keepingCapacity: true)
    }

    private func notify(_ severity: Severity, _ category: String, subject: String, title: String, body: String = "") {
        guard let notices else { return }
        notices.offer(Notice(severity: severity, category: category, subject: subject, bot: definition.name, title: title, body: body,
                             time: WallClock.now()))
    }

    private func record(_ entries: [(kind: String, payload: String)]) async {
        do { _ = try await journal.append(bot: botID, events: entries, at: WallClock.now()) } catch {
            logger.error("journal write failed: \(error)")
        }
    }

    static func baseline(in events: [BotEventRecord]) throws -> [InstrumentID: Quantity]? {
        guard let row = events.first(where: { $0.kind == "bot.baseline" }) else { return nil }
        let values = try JSONDecoder().decode([String: String].self, from: Data(row.payload.utf8))
        var result: [InstrumentID: Quantity] = [:]
        for (key, text) in values { result[instrumentID(key)] = try Quantity(parsing: text) }
        return result
    }

    static func instrumentID(_ text: String) -> InstrumentID {
        let parts = text.split(separator: ".", maxSplits: 1).map(String.init)
        return InstrumentID(symbol: parts[0], venue: parts.count > 1 ? parts[1] : "")
    }

    static func payload(_ values: [String: String]) -> String {
        String(decoding: (try? JSONEncoder.sorted.encode(values)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func nanoseconds(since start: ContinuousClock.Instant) -> Int64 {
        (ContinuousClock.now - start).inNanoseconds
    }
}
