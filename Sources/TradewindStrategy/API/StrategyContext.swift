public import TradewindCore

/// An order instruction leaving a strategy. The engine sends it through risk
/// checks to whichever venue is injected.
public enum StrategyCommand: Hashable, Sendable {
    case submit(ClientOrderID, OrderRequest)
    case cancel(ClientOrderID)
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
    public package(set) var openOrderIDs: [ClientOrderID] = []
    /// Commands issued during the current callback, in order.
    public package(set) var commands: [StrategyCommand] = []
    private let orderIDPrefix: String
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
        orderSequence += 1
        let id = ClientOrderID("\(orderIDPrefix)-\(orderSequence)")
        commands.append(.submit(id, request))
        return id
    }

    /// Queues a cancel request for a working order.
    public mutating func cancel(_ id: ClientOrderID) {
        commands.append(.cancel(id))
    }

    /// Takes the queued commands, leaving the queue empty (capacity is kept).
    package mutating func drainCommands(into buffer: inout [StrategyCommand]) {
        buffer.append(contentsOf: commands)
        commands.removeAll(keepingCapacity: true)
    }
}
