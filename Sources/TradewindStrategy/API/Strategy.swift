public import TradewindCore

/// A trading strategy. The same type runs in backtest, paper and live trading:
/// it sees only its ``StrategyContext`` and the events it is given, never the run
/// mode, the wall clock, storage or the network.
///
/// Only ``onBar(_:context:)`` is required; the other hooks default to doing nothing.
/// Errors thrown from a hook stop the run and are reported as
/// ``StrategyError/callbackFailed(strategy:event:at:reason:)``.
///
///     struct BuyOnce: Strategy {
///         var bought = false
///         ...
///         mutating func onBar(_ event: BarEvent, context: inout StrategyContext) {
///             if !bought { context.submit(.market(.buy, Quantity("1"), of: context.instrument(event.instrument).id)); bought = true }
///         }
///     }
public protocol Strategy: SendableMetatype {
    associatedtype Parameters: StrategyParameters

    /// The name used on the command line and in reports (`sma-cross`).
    static var name: String { get }
    /// One line for listings.
    static var summary: String { get }

    init(parameters: Parameters) throws(StrategyError)

    /// Higher time frames this strategy also wants bars of (e.g. `[.hours(1)]` on minute
    /// data), delivered with ``BarEvent/timeframe`` set, only after they have closed.
    var timeframes: [TimeSpan] { get }

    /// Called once before the first event.
    mutating func onStart(context: inout StrategyContext) throws
    /// Called for each closed bar, after fills at that bar's prices have been applied.
    mutating func onBar(_ event: BarEvent, context: inout StrategyContext) throws
    /// Called for each best bid/offer in a quote backtest or feed.
    mutating func onQuote(_ event: QuoteEvent, context: inout StrategyContext) throws
    /// Called for each trade print in a tick backtest or feed.
    mutating func onTradeTick(_ event: TradeTickEvent, context: inout StrategyContext) throws
    /// Called for each fill of one of this strategy's orders.
    mutating func onFill(_ fill: Fill, context: inout StrategyContext) throws
    /// Called when one of this strategy's orders changes state other than by a fill: accepted,
    /// triggered, denied or rejected (``Order/reason`` says why), cancelled, expired, amended.
    mutating func onOrderUpdate(_ order: Order, context: inout StrategyContext) throws
    /// Called for account-level events: funding payments, margin calls, liquidations.
    mutating func onAccountEvent(_ event: AccountEvent, context: inout StrategyContext) throws
    /// Called once after the last event.
    mutating func onStop(context: inout StrategyContext) throws

    /// The strategy's current indicator values for an instrument, by name, for inspection
    /// (`tradewind check-bias`, charts); not called while trading. Defaults to none.
    func indicatorValues(instrument: Int) -> [(name: String, value: Double)]
}

extension Strategy {
    public var timeframes: [TimeSpan] { [] }
    public mutating func onStart(context: inout StrategyContext) throws {}
    public mutating func onFill(_ fill: Fill, context: inout StrategyContext) throws {}
    public mutating func onQuote(_ event: QuoteEvent, context: inout StrategyContext) throws {}
    public mutating func onTradeTick(_ event: TradeTickEvent, context: inout StrategyContext) throws {}
    public mutating func onOrderUpdate(_ order: Order, context: inout StrategyContext) throws {}
    public mutating func onAccountEvent(_ event: AccountEvent, context: inout StrategyContext) throws {}
    public mutating func onStop(context: inout StrategyContext) throws {}
    public func indicatorValues(instrument: Int) -> [(name: String, value: Double)] { [] }

    /// The declared parameters; reachable through an existential `any Strategy.Type`.
    public static var parameterSpecification: [ParameterSpec] { Parameters.specification }
    /// The declared relations between parameters.
    public static var parameterConstraints: [ParameterConstraint] { Parameters.constraints }

    /// Builds the strategy from name=value text, validated against ``StrategyParameters/specification``.
    /// - Throws: ``StrategyError/invalidParameter(name:reason:)``.
    public static func make(_ given: [(name: String, value: String)]) throws(StrategyError) -> Self {
        let values = try ParameterValues.resolve(given, against: Parameters.specification)
        return try Self(parameters: Parameters(values: values))
    }
}
