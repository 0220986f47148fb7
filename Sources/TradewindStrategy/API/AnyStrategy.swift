public import TradewindCore

/// Any strategy behind one type, so strategies of different types can share one engine
/// (``TradewindEngine/TradingEngine`` takes one strategy type). Calls cost one dynamic
/// dispatch each; a single strategy runs unboxed.
public struct AnyStrategy: Strategy {
    public struct Parameters: StrategyParameters {
        public static let specification: [ParameterSpec] = []
        public init(values: ParameterValues) {}
    }

    public static let name = "any"
    public static let summary = "a strategy of any type"

    public private(set) var base: any Strategy
    /// The wrapped strategy's name (`sma-cross`).
    public let baseName: String

    public init(_ base: some Strategy) {
        self.base = base
        self.baseName = type(of: base).name
    }

    /// Never used: an `AnyStrategy` wraps a strategy that already exists.
    public init(parameters: Parameters) throws(StrategyError) {
        throw .invalidParameter(name: "strategy", reason: "AnyStrategy wraps an existing strategy; use init(_:)")
    }

    public var timeframes: [TimeSpan] { base.timeframes }

    public mutating func onStart(context: inout StrategyContext) throws { try base.onStart(context: &context) }
    public mutating func onBar(_ event: BarEvent, context: inout StrategyContext) throws { try base.onBar(event, context: &context) }
    public mutating func onQuote(_ event: QuoteEvent, context: inout StrategyContext) throws { try base.onQuote(event, context: &context) }
    public mutating func onTradeTick(_ event: TradeTickEvent, context: inout StrategyContext) throws {
        try base.onTradeTick(event, context: &context)
    }
    public mutating func onFill(_ fill: Fill, context: inout StrategyContext) throws { try base.onFill(fill, context: &context) }
    public mutating func onOrderUpdate(_ order: Order, context: inout StrategyContext) throws {
        try base.onOrderUpdate(order, context: &context)
    }
    public mutating func onAccountEvent(_ event: AccountEvent, context: inout StrategyContext) throws {
        try base.onAccountEvent(event, context: &context)
    }
    public mutating func onStop(context: inout StrategyContext) throws { try base.onStop(context: &context) }
    public func indicatorValues(instrument: Int) -> [(name: String, value: Double)] { base.indicatorValues(instrument: instrument) }
}
