import Synchronization
public import TradewindCore
public import TradewindSimulation
import TradewindEngine

/// Paper trading: orders are matched against the live feed's bars by the backtest's own
/// simulated venue (same fill model, fees, slippage and participation), so a paper bot's fills
/// are the fills its backtest would have had on the same bars.
///
/// The paper venue lives in the bot's process: after a restart its resting orders are gone
/// (reconciliation records them as never having reached the venue) and its holdings start from
/// the journal's positions (``resume(journalPositions:)``). Being in process, it is also an
/// ``InProcessVenue``: the bot matches, places and cancels on its own executor, without a hop.
///
/// A finished order and its fills are kept for ``retention`` of venue time (bar time) for
/// queries, then forgotten, so a bot that trades for months holds a day of its history, not all
/// of it (the journal has all of it). Like Binance, which refuses a client order id only while
/// another order with it is open, the venue then no longer knows the id.
public final class PaperVenue: InProcessVenue {
    public let name = "paper"
    /// How long a finished order and its fills stay queryable.
    public let retention: TimeSpan
    public let updates: AsyncStream<VenueUpdate>
    private let continuation: AsyncStream<VenueUpdate>.Continuation
    private let instruments: [Instrument]
    /// Only its own bot calls it, so the lock is never contended; it makes the venue callable
    /// synchronously from the bot's executor (no hop on the bar path) and still `Sendable`.
    private let book: Mutex<Book>

    struct Book {
        var venue: SimulatedVenue
        var now: Timestamp = .epoch
        var orders: [String: Reconciliation.VenueOrder] = [:]
        var fills: [Reconciliation.VenueFill] = []
        /// Holdings by the index of the instrument in the simulated venue's instruments (a fill's
        /// update is an array write, not two string hashes); others the journal carried over.
        var holdings: [Quantity?]
        var otherHoldings: [InstrumentID: Quantity] = [:]
        var venueSequence = 0
        /// Orders handed over (``handOver(_:)``) and not yet matched.
        var inbox: [VenueOrderRequest] = []
        /// Finished orders' ids with the venue time they finished, oldest first.
        var finished: [(time: Timestamp, clientOrderID: String)] = []
        /// When ``forget(before:_:)`` next runs: a few times per retention period, not per bar.
        var nextForget: Timestamp?

        init(venue: SimulatedVenue) {
            self.venue = venue
            holdings = Array(repeating: nil, count: venue.instruments.count)
        }

        func holding(_ id: InstrumentID) -> Quantity? {
            if let index = venue.instruments.firstIndex(where: { $0.id == id }) { holdings[index] } else { otherHoldings[id] }
        }

        mutating func setHolding(_ id: InstrumentID, _ quantity: Quantity) {
            if let index = venue.instruments.firstIndex(where: { $0.id == id }) { holdings[index] = quantity } else { otherHoldings[id] = quantity }
        }
    }

    public init(instruments: [Instrument], fees: FeeModel, fillModel: FillModel = .standard, retention: TimeSpan = .days(1)) {
        self.instruments = instruments
        self.retention = retention
        book = Mutex(Book(venue: SimulatedVenue(instruments: instruments, fees: fees, fillModel: fillModel)))
        (updates, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    /// Holdings carried over from the bot's journal.
    public func resume(journalPositions: [InstrumentID: Quantity]) async -> Bool {
        book.withLock { book in
            for (id, quantity) in journalPositions { book.setHolding(id, quantity) }
        }
        return true
    }

    public func connect(instruments: [Instrument]) async throws(VenueError) {}

    public func placeNow(_ request: VenueOrderRequest) throws(VenueError) -> [VenueUpdate] {
        try book.withLock { (book: inout Book) throws(VenueError) -> [VenueUpdate] in
            let earlier = Self.matchInbox(&book)
            do throws(VenueError) {
                return earlier + (try Self.place(request, &book))
            } catch {
                // The answers to orders handed over earlier are not lost with the refusal.
                if earlier.isEmpty { throw error }
                return earlier + [VenueUpdate(clientOrderID: request.clientOrderID, kind: .rejected(reason: error.description), time: book.now)]
            }
        }
    }

    public func handOver(_ request: VenueOrderRequest) {
        book.withLock { $0.inbox.append(request) }
    }

    public func matchHandedOver() -> [VenueUpdate] {
        book.withLock { Self.matchInbox(&$0) }
    }

    /// Places the orders handed over, in the order they came; one the venue refuses is answered
    /// with a rejection, as a real venue answers an order it will not take.
    private static func matchInbox(_ book: inout Book) -> [VenueUpdate] {
        guard !book.inbox.isEmpty else { return [] }
        var updates: [VenueUpdate] = []
        let inbox = book.inbox
        book.inbox.removeAll(keepingCapacity: true)
        for request in inbox {
            do {
                updates += try place(request, &book)
            } catch {
                updates.append(VenueUpdate(clientOrderID: request.clientOrderID, kind: .rejected(reason: error.description), time: book.now))
            }
        }
        return updates
    }

    private static func place(_ request: VenueOrderRequest, _ book: inout Book) throws(VenueError) -> [VenueUpdate] {
        guard book.orders[request.clientOrderID] == nil else { throw .rejected("duplicate client order id \(request.clientOrderID)") }
        var order: Order
        do {
            order = try Order(id: ClientOrderID(request.clientOrderID),
                              request: OrderRequest(instrumentID: request.instrument.id, side: request.side, quantity: request.quantity,
                                                    type: request.type, timeInForce: request.timeInForce, postOnly: request.postOnly),
                              createdAt: book.now)
            try order.apply(.submit(at: book.now))
        } catch {
            throw .rejected("\(error)")
        }
        book.venueSequence += 1
        book.orders[request.clientOrderID] = Reconciliation.VenueOrder(
            clientOrderID: request.clientOrderID, venueOrderID: "P\(book.venueSequence)", instrument: request.instrument.id,
            side: request.side, quantity: request.quantity, status: .submitted, filledQuantity: .zero(precision: request.quantity.precision))
        var reports: [ExecutionReport] = []
        book.venue.submit(order, now: book.now, reports: &reports)
        return translate(reports, &book)
    }

    public func cancelNow(clientOrderID: String, instrument: Instrument) throws(VenueError) -> [VenueUpdate] {
        try book.withLock { (book: inout Book) throws(VenueError) -> [VenueUpdate] in
            // Refused before anything is matched, so no earlier answer is lost with the refusal.
            guard book.orders[clientOrderID] != nil || book.inbox.contains(where: { $0.clientOrderID == clientOrderID }) else {
                throw .rejected("unknown order \(clientOrderID)")
            }
            let earlier = Self.matchInbox(&book)
            // Absent now only if the venue refused it when it was matched (`earlier` says so).
            guard let known = book.orders[clientOrderID], !known.status.isTerminal else { return earlier }
            var reports: [ExecutionReport] = []
            book.venue.cancel(ClientOrderID(clientOrderID), now: book.now, reports: &reports)
            return earlier + Self.translate(reports, &book)
        }
    }

    public func order(clientOrderID: String, instrument: Instrument) async throws(VenueError) -> Reconciliation.VenueOrder? {
        book.withLock { $0.orders[clientOrderID] }
    }

    public func openOrders(instrument: Instrument) async throws(VenueError) -> [Reconciliation.VenueOrder] {
        book.withLock { book in
            book.orders.values.filter { $0.instrument == instrument.id && !$0.status.isTerminal }.sorted { $0.clientOrderID < $1.clientOrderID }
        }
    }

    public func fills(instrument: Instrument, since: Timestamp) async throws(VenueError) -> [Reconciliation.VenueFill] {
        book.withLock { book in book.fills.filter { $0.time >= since && book.orders[$0.clientOrderID]?.instrument == instrument.id } }
    }

    public func position(instrument: Instrument) async throws(VenueError) -> Quantity {
        book.withLock { $0.holding(instrument.id) } ?? .zero(precision: instrument.sizePrecision)
    }

    public func observeNow(_ bar: Bar, instrument: Instrument) -> [VenueUpdate] {
        guard let index = instruments.firstIndex(where: { $0.id == instrument.id }) else { return [] }
        return book.withLock { book in
            // Orders handed over before this bar reached the venue before it.
            let earlier = Self.matchInbox(&book)
            book.now = max(book.now, bar.closeTime)
            var reports: [ExecutionReport] = []
            book.venue.onBar(BarEvent(instrument: index, bar: bar), reports: &reports)
            if book.now >= book.nextForget ?? book.now {
                Self.forget(before: book.now + TimeSpan(nanoseconds: -retention.nanoseconds), &book)
                book.nextForget = book.now + TimeSpan(nanoseconds: max(1, retention.nanoseconds / 8))
            }
            return reports.isEmpty ? earlier : earlier + Self.translate(reports, &book)
        }
    }

    /// Drops the orders that finished before `cutoff` and the fills before it.
    private static func forget(before cutoff: Timestamp, _ book: inout Book) {
        let orders = book.finished.prefix { $0.time < cutoff }
        for entry in orders { book.orders[entry.clientOrderID] = nil }
        book.finished.removeFirst(orders.count)
        book.fills.removeFirst(book.fills.prefix { $0.time < cutoff }.count)
    }

    public func close() async { continuation.finish() }

    /// The simulated venue's reports as venue updates; trade ids are made unique across the
    /// bot's restarts by prefixing the (never repeated) client order id.
    private static func translate(_ reports: [ExecutionReport], _ book: inout Book) -> [VenueUpdate] {
        reports.compactMap { report -> VenueUpdate? in
            let id = report.orderID.value
            // One lookup; the order is then changed in place (no copy of it, no second hash).
            guard let slot = book.orders.index(forKey: id) else { return nil }
            switch report.event {
            case .accept(let time):
                book.orders.values[slot].status = .accepted
                return VenueUpdate(clientOrderID: id, kind: .accepted(venueOrderID: book.orders.values[slot].venueOrderID), time: time)
            case .fill(let fill):
                let filled = book.orders.values[slot].filledQuantity + fill.quantity
                book.orders.values[slot].filledQuantity = filled
                book.orders.values[slot].status = filled >= book.orders.values[slot].quantity ? .filled : .partiallyFilled
                if book.orders.values[slot].status == .filled { book.finished.append((book.now, id)) }
                var tradeID = id
                tradeID.append(":")
                tradeID.append(fill.tradeID.value)
                let venueFill = Reconciliation.VenueFill(tradeID: tradeID, clientOrderID: id, quantity: fill.quantity,
                                                         price: fill.price, fee: fill.fee, time: fill.timestamp)
                book.fills.append(venueFill)
                let signed = fill.side == .buy ? fill.quantity : -fill.quantity
                book.setHolding(fill.instrumentID, (book.holding(fill.instrumentID) ?? .zero(precision: signed.precision)) + signed)
                return VenueUpdate(clientOrderID: id, kind: .fill(venueFill), time: fill.timestamp)
            case .cancel(let time):
                book.orders.values[slot].status = .canceled
                book.finished.append((book.now, id))
                return VenueUpdate(clientOrderID: id, kind: .canceled, time: time)
            case .expire(let time):
                book.orders.values[slot].status = .expired
                book.finished.append((book.now, id))
                return VenueUpdate(clientOrderID: id, kind: .expired, time: time)
            case .reject(let reason, let time):
                book.orders.values[slot].status = .rejected
                book.finished.append((book.now, id))
                return VenueUpdate(clientOrderID: id, kind: .rejected(reason: reason), time: time)
            default:
                return nil
            }
        }
    }
}
