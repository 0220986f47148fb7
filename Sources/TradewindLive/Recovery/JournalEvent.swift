import Foundation
public import TradewindCore

/// The order life-cycle entries of a bot's journal, as `(kind, payload)` rows (JSON payloads with
/// exact decimal text), and the state they replay to. Applying an entry twice changes nothing
/// (fills are keyed by the venue's trade id), so a journal written twice by a crash between
/// write and acknowledgement replays to the same state.
public enum JournalEvent: Sendable, Equatable {
    /// Written before the order is sent.
    case intent(clientOrderID: String, instrument: InstrumentID, side: OrderSide, quantity: Quantity)
    case accepted(clientOrderID: String, venueOrderID: String)
    case fill(clientOrderID: String, tradeID: String, quantity: Quantity, price: Price, fee: Money, time: Timestamp)
    /// Filled, cancelled, expired or rejected (with the venue's or the recovery's reason).
    case finished(clientOrderID: String, status: OrderStatus, reason: String?)

    public var kind: String {
        switch self {
        case .intent: "order.intent"
        case .accepted: "order.accepted"
        case .fill: "order.fill"
        case .finished: "order.finished"
        }
    }

    /// Internal, not private: the differential test encodes it with `JSONEncoder` to check ``payload``.
    struct Payload: Codable {
        var id: String
        var instrument: String?
        var side: String?
        var quantity: String?
        var venueOrderID: String?
        var tradeID: String?
        var price: String?
        var fee: String?
        var time: Int64?
        var status: String?
        var reason: String?
    }

    /// ``Payload``'s encoding, written straight from the entry's values (no text built for a
    /// value on the way): an intent and a fill are journaled on every order's path.
    public var payload: String {
        var json = JournalJSON()
        switch self {
        case .intent(let id, let instrument, let side, let quantity):
            json.string("id", id)
            json.instrument("instrument", instrument)
            json.decimal("quantity", quantity)
            json.string("side", side.rawValue)
        case .accepted(let id, let venueOrderID):
            json.string("id", id)
            json.string("venueOrderID", venueOrderID)
        case .fill(let id, let tradeID, let quantity, let price, let fee, let time):
            json.string("fee", fee.description)
            json.string("id", id)
            json.decimal("price", price)
            json.decimal("quantity", quantity)
            json.integer("time", time.nanosecondsSinceEpoch)
            json.string("tradeID", tradeID)
        case .finished(let id, let status, let reason):
            json.string("id", id)
            json.string("reason", reason)
            json.string("status", status.rawValue)
        }
        return json.finish()
    }

    /// - Returns: `nil` for a row that is not an order life-cycle entry (state changes, notes).
    /// - Throws: ``JournalError`` for a malformed entry of a known kind.
    public init?(kind: String, payload: String) throws(JournalError) {
        guard ["order.intent", "order.accepted", "order.fill", "order.finished"].contains(kind) else { return nil }
        let p: Payload
        if let read = Payload(journalText: payload) {
            p = read
        } else {
            do { p = try JSONDecoder().decode(Payload.self, from: Data(payload.utf8)) } catch { throw .malformed(kind, "\(error)") }
        }
        func need<T>(_ value: T?, _ field: String) throws(JournalError) -> T {
            guard let value else { throw .malformed(kind, "missing \(field)") }
            return value
        }
        do {
            switch kind {
            case "order.intent":
                let parts = try need(p.instrument, "instrument").split(separator: ".", maxSplits: 1).map(String.init)
                guard parts.count == 2, let side = OrderSide(rawValue: try need(p.side, "side")) else { throw JournalError.malformed(kind, "bad instrument or side") }
                self = .intent(clientOrderID: p.id, instrument: InstrumentID(symbol: parts[0], venue: parts[1]), side: side,
                               quantity: try Quantity(parsing: try need(p.quantity, "quantity")))
            case "order.accepted":
                self = .accepted(clientOrderID: p.id, venueOrderID: try need(p.venueOrderID, "venueOrderID"))
            case "order.fill":
                self = .fill(clientOrderID: p.id, tradeID: try need(p.tradeID, "tradeID"), quantity: try Quantity(parsing: try need(p.quantity, "quantity")),
                             price: try Price(parsing: try need(p.price, "price")), fee: try Money(parsing: try need(p.fee, "fee")),
                             time: Timestamp(nanosecondsSinceEpoch: try need(p.time, "time")))
            default:
                guard let status = OrderStatus(rawValue: try need(p.status, "status")) else { throw JournalError.malformed(kind, "bad status") }
                self = .finished(clientOrderID: p.id, status: status, reason: p.reason)
            }
        } catch let error as JournalError {
            throw error
        } catch {
            throw .malformed(kind, "\(error)")
        }
    }

    /// The journal's orders not yet finished, and positions, after these entries.
    public static func replay(_ events: some Sequence<JournalEvent>) -> (open: [Reconciliation.LocalOrder], positions: [InstrumentID: Quantity]) {
        var orders: [String: Reconciliation.LocalOrder] = [:]
        var order: [String] = []
        var positions: [InstrumentID: Quantity] = [:]
        for event in events {
            switch event {
            case .intent(let id, let instrument, let side, let quantity):
                guard orders[id] == nil else { continue }
                orders[id] = Reconciliation.LocalOrder(clientOrderID: id, instrument: instrument, side: side, quantity: quantity,
                                                       status: .initialized, filledQuantity: .zero(precision: quantity.precision), tradeIDs: [])
                order.append(id)
            case .accepted(let id, _):
                if orders[id]?.status == .initialized { orders[id]?.status = .accepted }
            case .fill(let id, let tradeID, let quantity, _, _, _):
                guard var current = orders[id], !current.tradeIDs.contains(tradeID) else { continue }
                current.tradeIDs.insert(tradeID)
                current.filledQuantity = current.filledQuantity + quantity
                if !current.status.isTerminal { current.status = current.filledQuantity >= current.quantity ? .filled : .partiallyFilled }
                orders[id] = current
                let signed = current.side == .buy ? quantity : -quantity
                positions[current.instrument] = (positions[current.instrument] ?? .zero(precision: quantity.precision)) + signed
            case .finished(let id, let status, _):
                orders[id]?.status = status
            }
        }
        return (order.compactMap { orders[$0] }.filter { !$0.status.isTerminal }, positions)
    }

    /// The entries that record a reconciliation's findings (mismatches and unknown venue
    /// orders are reported elsewhere; they change nothing here).
    public static func recording(_ differences: [Reconciliation.Difference]) -> [JournalEvent] {
        differences.compactMap { difference in
            switch difference {
            case .missedFill(let fill):
                return .fill(clientOrderID: fill.clientOrderID, tradeID: fill.tradeID, quantity: fill.quantity, price: fill.price, fee: fill.fee, time: fill.time)
            case .finishedAtVenue(let id, let status):
                return .finished(clientOrderID: id, status: status, reason: "found at the venue on restart")
            case .neverReachedVenue(let id):
                return .finished(clientOrderID: id, status: .rejected, reason: "never reached the venue (found on restart)")
            case .adoptedFromVenue(let venue):
                return .accepted(clientOrderID: venue.clientOrderID, venueOrderID: venue.venueOrderID)
            case .unknownAtVenue, .positionMismatch:
                return nil
            }
        }
    }
}

public enum JournalError: Error, Equatable, CustomStringConvertible {
    case malformed(String, String)

    public var description: String {
        switch self {
        case .malformed(let kind, let reason): "journal entry \(kind) is malformed: \(reason)"
        }
    }
}

extension JournalEvent.Payload {
    /// Read without `JSONDecoder` (``JournalJSONReader``); `nil` leaves the text to it.
    init?(journalText text: String) {
        typealias Reader = JournalJSONReader
        guard let members = Reader.members(of: text), let id = Reader.string(members, "id"),
              let instrument = Reader.optionalString(members, "instrument"), let side = Reader.optionalString(members, "side"),
              let quantity = Reader.optionalString(members, "quantity"), let venueOrderID = Reader.optionalString(members, "venueOrderID"),
              let tradeID = Reader.optionalString(members, "tradeID"), let price = Reader.optionalString(members, "price"),
              let fee = Reader.optionalString(members, "fee"), let time = Reader.optionalInteger(members, "time"),
              let status = Reader.optionalString(members, "status"), let reason = Reader.optionalString(members, "reason")
        else { return nil }
        (self.id, self.instrument, self.side, self.quantity, self.venueOrderID) = (id, instrument, side, quantity, venueOrderID)
        (self.tradeID, self.price, self.fee, self.time, self.status, self.reason) = (tradeID, price, fee, time, status, reason)
    }
}
