public import TradewindCore
public import TradewindStrategy

/// A strategy that does what the test says on given bars, and records what it saw.
public struct ScriptedStrategy: Strategy {
    public struct Parameters: StrategyParameters {
        public static let specification: [ParameterSpec] = []
        public init(values: ParameterValues) {}
        public init() {}
    }

    public enum Action: Sendable {
        case submit(OrderRequest)
        /// Cancels the order this strategy submitted `n`-th (1-based).
        case cancelNth(Int)
        /// An entry with take-profit and stop-loss exits (see ``StrategyContext/submitBracket``).
        case bracket(OrderRequest, takeProfit: Price?, stopLoss: Price?)
        /// Orders that cancel each other.
        case oco([OrderRequest])
        case fail(String)
    }

    public static let name = "scripted"
    public static let summary = "test double that follows a script"

    /// Actions per 0-based event index (bars, quotes and trade prints count alike).
    public var script: [Int: [Action]]
    public private(set) var eventsSeen = 0
    public private(set) var barsSeen: [Bar] = []
    public private(set) var orderUpdates: [Order] = []
    public private(set) var accountEvents: [AccountEvent] = []
    public private(set) var fillsSeen: [Fill] = []
    public private(set) var equitySeen: [Money] = []
    public private(set) var started = false
    public private(set) var stopped = false
    private var submittedIDs: [ClientOrderID] = []

    public init(parameters: Parameters) { script = [:] }

    public init(script: [Int: [Action]]) { self.script = script }

    public mutating func onStart(context: inout StrategyContext) throws { started = true }

    public mutating func onBar(_ event: BarEvent, context: inout StrategyContext) throws {
        barsSeen.append(event.bar)
        try perform(&context)
    }

    public mutating func onQuote(_ event: QuoteEvent, context: inout StrategyContext) throws { try perform(&context) }

    public mutating func onTradeTick(_ event: TradeTickEvent, context: inout StrategyContext) throws { try perform(&context) }

    public mutating func onOrderUpdate(_ order: Order, context: inout StrategyContext) throws { orderUpdates.append(order) }

    public mutating func onAccountEvent(_ event: AccountEvent, context: inout StrategyContext) throws { accountEvents.append(event) }

    private mutating func perform(_ context: inout StrategyContext) throws {
        let index = eventsSeen
        eventsSeen += 1
        equitySeen.append(context.equity)
        for action in script[index] ?? [] {
            switch action {
            case .submit(let request): submittedIDs.append(context.submit(request))
            case .cancelNth(let n): context.cancel(submittedIDs[n - 1])
            case .bracket(let entry, let takeProfit, let stopLoss):
                let ids = context.submitBracket(entry, takeProfit: takeProfit, stopLoss: stopLoss)
                submittedIDs += [ids.entry] + [ids.takeProfit, ids.stopLoss].compactMap { $0 }
            case .oco(let requests): submittedIDs += context.submitOCO(requests)
            case .fail(let reason): throw ScriptError(reason: reason)
            }
        }
    }

    public mutating func onFill(_ fill: Fill, context: inout StrategyContext) throws { fillsSeen.append(fill) }

    public mutating func onStop(context: inout StrategyContext) throws { stopped = true }

    public struct ScriptError: Error, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }
}
