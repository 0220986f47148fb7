import Foundation
public import TradewindCore
public import TradewindStorage

/// A bot's orders, trades, positions, cash and equity as its journal records them: the view an
/// operator reads (API, dashboard) for a running or stopped bot alike. Pure: events in, ledger out.
///
/// Cash and positions come from the journaled fills (exact money); positions are marked at the
/// last journaled bar's close of their instrument.
public struct BotLedger: Sendable {
    public struct OrderLine: Sendable, Equatable {
        public var clientOrderID: String
        public var instrument: InstrumentID
        public var side: OrderSide
        public var quantity: Quantity
        public var filled: Quantity
        /// Volume-weighted fill price; `nil` before the first fill.
        public var averagePrice: Price?
        /// `working` until the journal records how it finished.
        public var status: String
        public var reason: String?
        public var createdAt: Timestamp
    }

    public struct TradeLine: Sendable, Equatable {
        public var tradeID: String
        public var clientOrderID: String
        public var instrument: InstrumentID
        public var side: OrderSide
        public var quantity: Quantity
        public var price: Price
        public var fee: Money
        public var time: Timestamp
    }

    public struct PositionLine: Sendable, Equatable {
        public var instrument: InstrumentID
        public var quantity: Quantity
        public var lastPrice: Price?
        public var marketValue: Money
    }

    public struct EquityPoint: Sendable, Equatable {
        public var time: Timestamp
        public var equity: Money
    }

    public var startingCash: Money = .zero
    public var cash: Money = .zero
    public var fees: Money = .zero
    public var orders: [OrderLine] = []
    public var trades: [TradeLine] = []
    /// Equity after each live (not warm-up) bar's fills, at most ``equityCurveLimit`` points: when
    /// full, every other point but the newest is dropped, so the curve covers the bot's whole life
    /// in a bounded size (and a bounded `/pnl` answer), finest for its most recent bars.
    public private(set) var equityCurve: [EquityPoint] = []
    public static let equityCurveLimit = 4_096
    /// The latest risk state change (`active`, `reducing`, `halted`).
    public var tradingState = "active"
    /// The journal sequence applied last.
    public var sequence: Int64 = 0

    private var started = false
    /// Whether the journal holds the bot's first start (and so its starting cash).
    public var hasStarted: Bool { started }
    private var instruments: [InstrumentID] = []
    private var index: [String: Int] = [:]
    private var seenTrades: Set<String> = []
    private var holdings: [InstrumentID: Quantity] = [:]
    private var last: [InstrumentID: Price] = [:]

    public var positions: [PositionLine] {
        holdings.keys.sorted().map { id in
            let quantity = holdings[id]!
            return PositionLine(instrument: id, quantity: quantity, lastPrice: last[id], marketValue: last[id].map { $0 * quantity } ?? .zero)
        }
    }
    /// The last close seen per instrument.
    public var lastPrices: [InstrumentID: Price] { last }
    /// The highest point of the equity curve (for drawdown).
    public private(set) var peakEquity: Money?
    /// Orders the venue or the risk engine rejected, counted as they finish.
    public private(set) var rejectedOrders = 0
    /// The UTC day of the latest equity point, and the equity when that day began (the last
    /// point of an earlier day, or the starting cash): kept as points arrive, so the day's PnL
    /// needs no scan of the curve.
    private var day: (number: Int64, openingEquity: Money)?
    public var equity: Money { holdings.reduce(cash) { total, holding in total + (last[holding.key].map { $0 * holding.value } ?? .zero) } }
    public var pnl: Money { equity - startingCash }

    /// Equity at the start of the UTC day that contains `now`.
    public func equityAtStartOfDay(containing now: Timestamp) -> Money {
        let today = Self.utcDay(now)
        guard let day, let latest = equityCurve.last else { return startingCash }
        if today == day.number { return day.openingEquity }
        if today > day.number { return latest.equity }
        return equityCurve.last { Self.utcDay($0.time) < today }?.equity ?? startingCash
    }

    /// Keeps the points at even positions and the newest one.
    static func thin(_ curve: inout [EquityPoint]) {
        guard let newest = curve.last else { return }
        curve = stride(from: 0, to: curve.count, by: 2).map { curve[$0] }
        if curve.last != newest { curve.append(newest) }
    }

    static func utcDay(_ time: Timestamp) -> Int64 {
        let nanoseconds = time.nanosecondsSinceEpoch
        return nanoseconds >= 0 ? nanoseconds / 86_400_000_000_000 : (nanoseconds + 1) / 86_400_000_000_000 - 1
    }

    public init(events: [BotEventRecord] = []) {
        for event in events { _ = apply(event) }
    }

    /// What one journal entry changed, for a live view.
    public enum Change: Sendable, Equatable {
        case bar(instrument: InstrumentID, bar: MarketBarRecord)
        case equity(EquityPoint)
        case order(OrderLine)
        case fill(TradeLine, position: PositionLine)
        case riskState(String)
    }

    /// Applies the next journal entry (in sequence order) and says what changed.
    public mutating func apply(_ event: BotEventRecord) -> [Change] {
        sequence = max(sequence, event.sequence)
        switch event.kind {
        case "bot.started":
            guard !started, let fields = try? JSONDecoder().decode([String: String].self, from: Data(event.payload.utf8)),
                  let text = fields["definition"],
                  let snapshot = try? JSONDecoder().decode(BotSnapshot.self, from: Data(text.utf8)) else { return [] }
            started = true
            startingCash = (try? Money(parsing: snapshot.startingCash)) ?? .zero
            cash = startingCash
            instruments = snapshot.instruments.map { InstrumentID(symbol: $0.symbol, venue: $0.venue) }
            return []
        case MarketBarRecord.kind:
            guard let record = try? MarketBarRecord(payload: event.payload), instruments.indices.contains(record.instrument),
                  let close = try? Price(parsing: record.close) else { return [] }
            let instrument = instruments[record.instrument]
            last[instrument] = close
            guard !record.warmup else { return [] }
            let point = EquityPoint(time: Timestamp(nanosecondsSinceEpoch: record.closeTime), equity: equity)
            let pointDay = Self.utcDay(point.time)
            if pointDay != day?.number { day = (pointDay, equityCurve.last?.equity ?? startingCash) }
            if equityCurve.count >= Self.equityCurveLimit { Self.thin(&equityCurve) }
            equityCurve.append(point)
            peakEquity = max(peakEquity ?? point.equity, point.equity)
            return [.bar(instrument: instrument, bar: record), .equity(point)]
        case "risk.state":
            guard let fields = try? JSONDecoder().decode([String: String].self, from: Data(event.payload.utf8)), let to = fields["to"] else { return [] }
            tradingState = to
            return [.riskState(to)]
        default:
            guard let entry = try? JournalEvent(kind: event.kind, payload: event.payload) else { return [] }
            switch entry {
            case .intent(let id, let instrument, let side, let quantity):
                guard index[id] == nil else { return [] }
                index[id] = orders.count
                orders.append(OrderLine(clientOrderID: id, instrument: instrument, side: side, quantity: quantity, filled: .zero(precision: quantity.precision),
                                        averagePrice: nil, status: "working", reason: nil, createdAt: event.time))
                return [.order(orders[orders.count - 1])]
            case .accepted: return []
            case .fill(let id, let tradeID, let quantity, let price, let fee, let time):
                guard let position = index[id], seenTrades.insert(tradeID).inserted else { return [] }
                var order = orders[position]
                let before = order.filled
                order.filled = before + quantity
                let previous = order.averagePrice.map { $0 * before } ?? .zero
                order.averagePrice = Self.average(previous + price * quantity, over: order.filled, precision: price.precision)
                orders[position] = order
                let signed = order.side == .buy ? quantity : -quantity
                holdings[order.instrument] = (holdings[order.instrument] ?? .zero(precision: quantity.precision)) + signed
                cash += order.side == .buy ? -(price * quantity) : price * quantity
                cash -= fee
                fees += fee
                let trade = TradeLine(tradeID: tradeID, clientOrderID: id, instrument: order.instrument, side: order.side, quantity: quantity,
                                      price: price, fee: fee, time: time)
                trades.append(trade)
                let held = holdings[order.instrument]!
                return [.order(order), .fill(trade, position: PositionLine(instrument: order.instrument, quantity: held, lastPrice: last[order.instrument],
                                                                           marketValue: last[order.instrument].map { $0 * held } ?? .zero))]
            case .finished(let id, let status, let reason):
                guard let position = index[id] else { return [] }
                if status.rawValue == "rejected" && orders[position].status != "rejected" { rejectedOrders += 1 }
                orders[position].status = status.rawValue
                orders[position].reason = reason
                return [.order(orders[position])]
            }
        }
    }

    /// `total / quantity` rounded to the price's precision (half away from zero).
    static func average(_ total: Money, over quantity: Quantity, precision: UInt8) -> Price? {
        guard !quantity.isZero else { return nil }
        let value = (Decimal(string: total.description) ?? 0) / (Decimal(string: quantity.description) ?? 1)
        var rounded = Decimal()
        var source = value
        NSDecimalRound(&rounded, &source, Int(precision), .plain)
        return try? Price(parsing: NSDecimalNumber(decimal: rounded).stringValue, precision: precision)
    }
}
