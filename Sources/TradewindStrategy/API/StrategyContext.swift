public import TradewindCore

/// An order instruction leaving a strategy. The engine sends it through risk
/// checks to whichever venue is injected.
public enum StrategyCommand: Hashable, Sendable {
    case submit(ClientOrderID, OrderRequest)
    case cancel(ClientOrderID)
}

/// The ids of a bracket's orders.
public struct BracketOrderIDs: Hashable, Sendable {
    public var entry: ClientOrderID
    public var takeProfit: ClientOrderID?
    public var stopLoss: ClientOrderID?
}

/// A read-only view of one position.
public struct PositionView: Hashable, Sendable {
    /// Signed: positive long, negative short, zero flat.
    public var quantity: Quantity
    /// Signed cost of the open quantity.
    public var costBasis: Money
    /// Gross PnL realised so far.
    public var realizedPnL: Money

    public init(quantity: Quantity, costBasis: Money, realizedPnL: Money) {
        self.quantity = quantity
        self.costBasis = costBasis
        self.realizedPnL = realizedPnL
    }

    public var isFlat: Bool { quantity.isZero }
    public var isLong: Bool { quantity.isPositive }
    public var isShort: Bool { quantity.isNegative }
}

/// What a strategy sees and can do during a callback.
///
/// Built and refreshed by the engine; the strategy reads the time, its
/// instruments, cash, equity and positions, and issues commands. It never gets a
/// mutable reference to engine state: commands are collected here and acted on
/// after the callback returns.
public struct StrategyContext: Sendable {
    /// Event time from the injected clock: simulated in a backtest, wall time live.
    public package(set) var now: Timestamp
    /// The instruments the strategy trades, indexed like ``BarEvent/instrument``.
    public let instruments: [Instrument]
    /// Cash in the account currency.
    public package(set) var cash: Money
    /// Cash plus the market value of all positions at the latest prices.
    public package(set) var equity: Money
    package var positions: [PositionView]
    /// Orders submitted and not yet finished (filled, cancelled, rejected or expired).
    public private(set) var openOrderIDs: [ClientOrderID] = []
    /// The instrument of each of ``openOrderIDs``.
    private var openOrderInstruments: [InstrumentID] = []
    /// Commands issued during the current callback, in order.
    public package(set) var commands: [StrategyCommand] = []
    /// Order ids are `<prefix>-<n>`: the strategy's name in a backtest, the bot's incarnation live.
    package var orderIDPrefix: String
    private var orderSequence = 0

    package init(instruments: [Instrument], cash: Money, strategyName: String) {
        self.now = .epoch
        self.instruments = instruments
        self.cash = cash
        self.equity = cash
        self.orderIDPrefix = strategyName
        self.positions = instruments.map {
            PositionView(quantity: .zero(precision: $0.sizePrecision), costBasis: .zero, realizedPnL: .zero)
        }
    }

    /// The instrument at `index`.
    public func instrument(_ index: Int) -> Instrument { instruments[index] }

    /// The position in the instrument at `index`.
    public func position(_ index: Int) -> PositionView { positions[index] }

    /// Queues an order and returns its id; ids are `<strategy>-<n>`, deterministic per run.
    @discardableResult
    public mutating func submit(_ request: OrderRequest) -> ClientOrderID {
        let id = nextOrderID()
        commands.append(.submit(id, request))
        return id
    }

    /// Queues an entry with a take-profit limit and/or a stop-loss on the other side, for the
    /// same quantity. The exits are held by the venue until the entry has completely filled (or,
    /// if it ends part-filled, shrink to what filled), then work as one-cancels-the-other.
    /// - Parameters:
    ///   - stopLossLimit: makes the stop-loss a stop-limit with this limit; `nil` for a stop-market.
    @discardableResult
    public mutating func submitBracket(_ entry: OrderRequest, takeProfit: Price?, stopLoss: Price?, stopLossLimit: Price? = nil)
        -> BracketOrderIDs {
        let entryID = nextOrderID()
        let takeProfitID = takeProfit.map { _ in nextOrderID() }
        let stopLossID = stopLoss.map { _ in nextOrderID() }
        commands.append(.submit(entryID, entry))
        func exit(_ type: OrderType, peer: ClientOrderID?) -> OrderRequest {
            OrderRequest(instrumentID: entry.instrumentID, side: entry.side.opposite, quantity: entry.quantity, type: type,
                         timeInForce: .gtc, reduceOnly: true, parentOrderID: entryID, ocoPeerIDs: peer.map { [$0] } ?? [])
        }
        if let takeProfit, let takeProfitID {
            commands.append(.submit(takeProfitID, exit(.limit(price: takeProfit), peer: stopLossID)))
        }
        if let stopLoss, let stopLossID {
            let type: OrderType = stopLossLimit.map { .stopLimit(trigger: stopLoss, limit: $0) } ?? .stop(trigger: stopLoss)
            commands.append(.submit(stopLossID, exit(type, peer: takeProfitID)))
        }
        return BracketOrderIDs(entry: entryID, takeProfit: takeProfitID, stopLoss: stopLossID)
    }

    /// Queues orders that cancel each other: the first execution of any (even partial) cancels
    /// the rest, and cancelling one cancels all.
    @discardableResult
    public mutating func submitOCO(_ requests: [OrderRequest]) -> [ClientOrderID] {
        let ids = requests.map { _ in nextOrderID() }
        for (index, request) in requests.enumerated() {
            var linked = request
            linked.ocoPeerIDs = ids.enumerated().filter { $0.offset != index }.map(\.element)
            commands.append(.submit(ids[index], linked))
        }
        return ids
    }

    private mutating func nextOrderID() -> ClientOrderID {
        orderSequence += 1
        return ClientOrderID(prefix: orderIDPrefix, number: orderSequence)
    }

    /// Queues a cancel request for a working order.
    public mutating func cancel(_ id: ClientOrderID) {
        commands.append(.cancel(id))
    }

    /// Whether any of this strategy's orders in `instrument` is still open.
    public func hasOpenOrders(in instrument: InstrumentID) -> Bool { openOrderInstruments.contains(instrument) }

    package mutating func addOpenOrder(_ id: ClientOrderID, instrument: InstrumentID) {
        openOrderIDs.append(id)
        openOrderInstruments.append(instrument)
    }

    package mutating func removeOpenOrder(_ id: ClientOrderID) {
        guard let index = openOrderIDs.firstIndex(of: id) else { return }
        openOrderIDs.remove(at: index)
        openOrderInstruments.remove(at: index)
    }

    /// Takes the queued commands, leaving the queue empty (capacity is kept).
    package mutating func drainCommands(into buffer: inout [StrategyCommand]) {
        buffer.append(contentsOf: commands)
        commands.removeAll(keepingCapacity: true)
    }
}
