import TradewindCore
import TradewindLive
import TradewindStorage

// What the API returns, one type per resource, snake_case on the wire. Money, prices and
// quantities are decimal strings (exact); times are ISO 8601 UTC.

struct BotView: Codable, Sendable {
    var name: String
    var owner: String
    /// `running`, `stopped`, `failed`… (the running bot's phase when this server runs it).
    var state: String
    var tradingState: String
    var running: Bool
    var equity: String
    var pnl: String
    var cash: String
    var fees: String
    var openOrders: Int
    var trades: Int
    var lastError: String?
    var createdAt: String
    var updatedAt: String
}

struct OrderView: Codable, Sendable {
    var clientOrderId: String
    var instrument: String
    var side: String
    var quantity: String
    var filled: String
    var averagePrice: String?
    var status: String
    var reason: String?
    var createdAt: String

    init(_ line: BotLedger.OrderLine) {
        clientOrderId = line.clientOrderID
        instrument = line.instrument.description
        side = line.side.rawValue
        quantity = line.quantity.description
        filled = line.filled.description
        averagePrice = line.averagePrice?.description
        status = line.status
        reason = line.reason
        createdAt = line.createdAt.iso8601
    }
}

struct TradeView: Codable, Sendable {
    var tradeId: String
    var clientOrderId: String
    var instrument: String
    var side: String
    var quantity: String
    var price: String
    var fee: String
    var time: String

    init(_ line: BotLedger.TradeLine) {
        tradeId = line.tradeID
        clientOrderId = line.clientOrderID
        instrument = line.instrument.description
        side = line.side.rawValue
        quantity = line.quantity.description
        price = line.price.description
        fee = line.fee.description
        time = line.time.iso8601
    }
}

struct PositionView: Codable, Sendable {
    var instrument: String
    var quantity: String
    var lastPrice: String?
    var marketValue: String

    init(_ line: BotLedger.PositionLine) {
        instrument = line.instrument.description
        quantity = line.quantity.description
        lastPrice = line.lastPrice?.description
        marketValue = line.marketValue.description
    }
}

struct EquityPointView: Codable, Sendable {
    var time: String
    var equity: String

    init(_ point: BotLedger.EquityPoint) {
        time = point.time.iso8601
        equity = point.equity.description
    }
}

struct PnLView: Codable, Sendable {
    var startingCash: String
    var equity: String
    var pnl: String
    var fees: String
    var equityCurve: [EquityPointView]
}

struct BarView: Codable, Sendable {
    var instrument: String
    var openTime: String
    var closeTime: String
    var open: String
    var high: String
    var low: String
    var close: String
    var volume: String
}

struct ListView<Item: Encodable & Sendable>: Encodable, Sendable {
    var items: [Item]
}
