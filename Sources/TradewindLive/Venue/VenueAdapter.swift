public import TradewindCore

/// An order as the bot hands it to a venue: its client order id is already in the journal.
public struct VenueOrderRequest: Sendable, Equatable {
    public var clientOrderID: String
    public var instrument: Instrument
    public var side: OrderSide
    public var quantity: Quantity
    public var type: OrderType
    public var timeInForce: TimeInForce
    public var postOnly: Bool

    public init(clientOrderID: String, instrument: Instrument, side: OrderSide, quantity: Quantity, type: OrderType,
                timeInForce: TimeInForce, postOnly: Bool = false) {
        self.clientOrderID = clientOrderID
        self.instrument = instrument
        self.side = side
        self.quantity = quantity
        self.type = type
        self.timeInForce = timeInForce
        self.postOnly = postOnly
    }
}

/// What a venue says happened to one of the bot's orders, from an answer to a request or
/// pushed on its stream. The same update may arrive both ways (a fill in the answer to a market
/// order and again on the user-data stream): fills carry the venue's trade id so the bot counts
/// each once.
public struct VenueUpdate: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case accepted(venueOrderID: String)
        case fill(Reconciliation.VenueFill)
        case canceled
        case expired
        case rejected(reason: String)
    }

    public var clientOrderID: String
    public var kind: Kind
    public var time: Timestamp

    public init(clientOrderID: String, kind: Kind, time: Timestamp) {
        self.clientOrderID = clientOrderID
        self.kind = kind
        self.time = time
    }
}

/// Why a venue call failed, in the terms the bot acts on.
public enum VenueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The venue refused the request; nothing happened there. The reason goes to the strategy.
    case rejected(String)
    /// The request may or may not have taken effect: look the order up by its client order id.
    case unknownOutcome(String)
    /// The venue is unreachable, rate-limited or its circuit is open; nothing was done.
    case unavailable(String)
    /// Credentials or permissions are wrong: an operator must act.
    case unauthorized(String)
    /// The venue does not offer this (order type, time in force).
    case unsupported(String)

    public var description: String {
        switch self {
        case .rejected(let text): "rejected by the venue: \(text)"
        case .unknownOutcome(let text): "outcome unknown: \(text)"
        case .unavailable(let text): "venue unavailable: \(text)"
        case .unauthorized(let text): "unauthorized: \(text)"
        case .unsupported(let text): "not supported by the venue: \(text)"
        }
    }
}

/// The one seam between a trading bot and a venue. An adapter for another exchange (Alpaca,
/// Interactive Brokers) implements this protocol and, if the exchange also sells market data,
/// ``MarketFeed``; nothing else in the node changes. See docs/LIVE.md, "Writing a venue adapter".
///
/// Contract:
/// - `place` is idempotent by client order id: placing the same id twice never makes a second
///   order (the venue refuses a duplicate id, or the adapter looks the order up first).
/// - Updates for the bot's orders arrive on ``updates`` (and, for what the venue answers at once,
///   in the return values); fills carry the venue's trade id.
/// - Queries (`order`, `openOrders`, `fills`, `position`) serve restart reconciliation and may
///   be slow; they are never on the per-bar path.
public protocol VenueAdapter: Sendable {
    /// Short name for logs and metrics: `paper`, `binance`.
    var name: String { get }
    /// Opens the venue's streams for these instruments (user data, order updates).
    func connect(instruments: [Instrument]) async throws(VenueError)
    /// Order updates pushed by the venue, in the order it sent them.
    var updates: AsyncStream<VenueUpdate> { get }
    /// Places an order; returns what the venue answered at once (acceptance, immediate fills).
    func place(_ request: VenueOrderRequest) async throws(VenueError) -> [VenueUpdate]
    /// Asks to cancel an order; returns what the venue answered at once.
    func cancel(clientOrderID: String, instrument: Instrument) async throws(VenueError) -> [VenueUpdate]
    /// The venue's view of one order by client order id; `nil` if it never received it.
    func order(clientOrderID: String, instrument: Instrument) async throws(VenueError) -> Reconciliation.VenueOrder?
    func openOrders(instrument: Instrument) async throws(VenueError) -> [Reconciliation.VenueOrder]
    /// The account's fills in `instrument` since `since`, with the client order id of their order.
    func fills(instrument: Instrument, since: Timestamp) async throws(VenueError) -> [Reconciliation.VenueFill]
    /// The account's holding of the instrument's base asset (spot) or its position (derivatives).
    func position(instrument: Instrument) async throws(VenueError) -> Quantity
    /// Shows the venue a closed bar before the strategy sees it: a paper venue matches its
    /// working orders against it; a real venue matches on its own and returns nothing.
    func observe(_ bar: Bar, instrument: Instrument) async -> [VenueUpdate]
    /// Called at start with the journal's positions. A venue that lives in the bot's process
    /// (paper) keeps nothing across restarts: it takes these as its holdings and returns `true`,
    /// and reconciliation then has no venue holdings to compare. A real venue returns `false`.
    func resume(journalPositions: [InstrumentID: Quantity]) async -> Bool
    /// Closes streams and connections.
    func close() async
}

extension VenueAdapter {
    public func observe(_ bar: Bar, instrument: Instrument) async -> [VenueUpdate] { [] }
    public func resume(journalPositions: [InstrumentID: Quantity]) async -> Bool { false }
}

/// A venue that lives in the bot's process (paper). The bot calls these on its bar path instead
/// of the `async` requirements: for a venue that answers from memory, a hop to another executor
/// and back costs more than the answer (one bot alone: bar to decision 6.2 → 4.0 µs without
/// them). The `async` requirements forward to these.
///
/// An order reaches the venue in two steps, as at an exchange whose gateway takes an order in
/// before its matching engine processes it: ``handOver(_:)`` takes it in, ``matchHandedOver()``
/// matches everything taken in, in order. The bot hands a bar's orders over first and has them
/// matched once the other bots sharing the bar have handed theirs over, so matching one bot's
/// order never delays another bot's. Every other call matches what was handed over first.
public protocol InProcessVenue: VenueAdapter {
    func observeNow(_ bar: Bar, instrument: Instrument) -> [VenueUpdate]
    func placeNow(_ request: VenueOrderRequest) throws(VenueError) -> [VenueUpdate]
    func cancelNow(clientOrderID: String, instrument: Instrument) throws(VenueError) -> [VenueUpdate]
    /// Takes an order in without matching it.
    func handOver(_ request: VenueOrderRequest)
    /// Matches the orders handed over since the last call; one the venue refuses is answered
    /// with a `.rejected` update (``placeNow(_:)`` throws instead).
    func matchHandedOver() -> [VenueUpdate]
}

extension InProcessVenue {
    public func observe(_ bar: Bar, instrument: Instrument) async -> [VenueUpdate] { observeNow(bar, instrument: instrument) }
    public func place(_ request: VenueOrderRequest) async throws(VenueError) -> [VenueUpdate] { try placeNow(request) }
    public func cancel(clientOrderID: String, instrument: Instrument) async throws(VenueError) -> [VenueUpdate] {
        try cancelNow(clientOrderID: clientOrderID, instrument: instrument)
    }
}

/// Closed bars of an instrument from a live source, and recent history to warm indicators up.
public protocol MarketFeed: Sendable {
    var name: String { get }
    /// The last `limit` closed bars of `interval`, oldest first.
    func history(instrument: Instrument, interval: TimeSpan, limit: Int) async throws(VenueError) -> [Bar]
    /// Closed bars as they close, oldest first, without gaps: after a dropped connection the feed
    /// reconnects, resubscribes and back-fills the missed bars before new ones. Finishes when the
    /// task is cancelled.
    func bars(instrument: Instrument, interval: TimeSpan) -> AsyncThrowingStream<Bar, any Error>
}
