import Foundation
public import TradewindCore

/// The terms of an order beyond its intent (type, prices, time in force, flags), journaled as
/// `order.terms` in the same transaction as the intent, so an order adopted after a restart is
/// rebuilt exactly as it was sent.
public struct OrderTerms: Codable, Sendable, Equatable {
    public static let kind = "order.terms"

    public var id: String
    /// `market`, `limit`, `stop`, `stop-limit`, `market-if-touched`, `trailing-price`, `trailing-fraction`.
    public var type: String
    public var price: String?
    public var trigger: String?
    public var trailing: String?
    /// `gtc`, `ioc`, `fok`, `day`, or `gtd`.
    public var timeInForce: String
    public var expiry: Int64?
    public var reduceOnly: Bool
    public var postOnly: Bool

    public init(_ order: Order) {
        id = order.id.value
        type = Self.name(of: order.type)
        switch order.type {
        case .market, .trailingStop: break
        case .limit(let limit): price = limit.description
        case .stop(let stop), .marketIfTouched(let stop): trigger = stop.description
        case .stopLimit(let stop, let limit): (trigger, price) = (stop.description, limit.description)
        }
        switch order.type {
        case .trailingStop(.price(let distance)): trailing = distance.description
        case .trailingStop(.fraction(let rate)): trailing = rate.description
        default: break
        }
        timeInForce = Self.name(of: order.timeInForce)
        if case .gtd(let time) = order.timeInForce { expiry = time.nanosecondsSinceEpoch }
        reduceOnly = order.reduceOnly
        postOnly = order.postOnly
    }

    static func name(of type: OrderType) -> String {
        switch type {
        case .market: "market"
        case .limit: "limit"
        case .stop: "stop"
        case .stopLimit: "stop-limit"
        case .marketIfTouched: "market-if-touched"
        case .trailingStop(.price): "trailing-price"
        case .trailingStop(.fraction): "trailing-fraction"
        }
    }

    static func name(of timeInForce: TimeInForce) -> String {
        switch timeInForce {
        case .gtc: "gtc"
        case .ioc: "ioc"
        case .fok: "fok"
        case .day: "day"
        case .gtd: "gtd"
        }
    }

    public init(payload: String) throws {
        self = try Self(journalText: payload) ?? JSONDecoder().decode(OrderTerms.self, from: Data(payload.utf8))
    }

    /// Read without `JSONDecoder` (``JournalJSONReader``); `nil` leaves the text to it.
    init?(journalText text: String) {
        typealias Reader = JournalJSONReader
        guard let members = Reader.members(of: text), let id = Reader.string(members, "id"), let type = Reader.string(members, "type"),
              let timeInForce = Reader.string(members, "timeInForce"), case .bool(let reduceOnly)? = members["reduceOnly"],
              case .bool(let postOnly)? = members["postOnly"], let price = Reader.optionalString(members, "price"),
              let trigger = Reader.optionalString(members, "trigger"), let trailing = Reader.optionalString(members, "trailing"),
              let expiry = Reader.optionalInteger(members, "expiry")
        else { return nil }
        (self.id, self.type, self.price, self.trigger, self.trailing) = (id, type, price, trigger, trailing)
        (self.timeInForce, self.expiry, self.reduceOnly, self.postOnly) = (timeInForce, expiry, reduceOnly, postOnly)
    }

    /// The journal row of `OrderTerms(order)`: its `Codable` form (as `JSONEncoder` with
    /// `.sortedKeys` writes it, members in that order), written straight from the order with
    /// ``JournalJSON`` (no text built for a value on the way): one is journaled per order.
    public static func row(for order: Order) -> (kind: String, payload: String) { row(for: order, id: order.id.value) }

    /// ``row(for:)`` with the order's id already written out (`order.id.value` formats it anew each time).
    static func row(for order: Order, id: String) -> (kind: String, payload: String) {
        var json = JournalJSON()
        if case .gtd(let time) = order.timeInForce { json.integer("expiry", time.nanosecondsSinceEpoch) }
        json.string("id", id)
        json.bool("postOnly", order.postOnly)
        switch order.type {
        case .limit(let price), .stopLimit(_, let price): json.decimal("price", price)
        default: break
        }
        json.bool("reduceOnly", order.reduceOnly)
        json.string("timeInForce", name(of: order.timeInForce))
        switch order.type {
        case .trailingStop(.price(let distance)): json.decimal("trailing", distance)
        case .trailingStop(.fraction(let rate)): json.decimal("trailing", rate)
        default: break
        }
        switch order.type {
        case .stop(let trigger), .stopLimit(let trigger, _), .marketIfTouched(let trigger): json.decimal("trigger", trigger)
        default: break
        }
        json.string("type", name(of: order.type))
        return (kind, json.finish())
    }

    /// The request these terms describe, for an intent's instrument, side and quantity.
    public func request(instrument: InstrumentID, side: OrderSide, quantity: Quantity) throws -> OrderRequest {
        func value<T: DecimalValue>(_ text: String?, _ field: String) throws -> T {
            guard let text else { throw JournalError.malformed(Self.kind, "missing \(field)") }
            return try T(parsing: text)
        }
        let orderType: OrderType = switch type {
        case "market": .market
        case "limit": .limit(price: try value(price, "price"))
        case "stop": .stop(trigger: try value(trigger, "trigger"))
        case "stop-limit": .stopLimit(trigger: try value(trigger, "trigger"), limit: try value(price, "price"))
        case "market-if-touched": .marketIfTouched(trigger: try value(trigger, "trigger"))
        case "trailing-price": .trailingStop(offset: .price(try value(trailing, "trailing")))
        case "trailing-fraction": .trailingStop(offset: .fraction(try value(trailing, "trailing")))
        default: throw JournalError.malformed(Self.kind, "unknown order type \(type)")
        }
        let tif: TimeInForce = switch timeInForce {
        case "ioc": .ioc
        case "fok": .fok
        case "day": .day
        case "gtd": .gtd(Timestamp(nanosecondsSinceEpoch: expiry ?? 0))
        default: .gtc
        }
        return OrderRequest(instrumentID: instrument, side: side, quantity: quantity, type: orderType, timeInForce: tif,
                            reduceOnly: reduceOnly, postOnly: postOnly)
    }
}
