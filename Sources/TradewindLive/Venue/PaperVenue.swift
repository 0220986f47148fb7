public import TradewindCore
public import TradewindSimulation
import TradewindEngine

/// Paper trading: orders are matched against the live feed's bars by the backtest's own
/// simulated venue (same fill model, fees, slippage and participation), so a paper bot's fills
/// are the fills its backtest would have had on the same bars.
///
/// The paper venue lives in the bot's process: after a restart its resting orders are gone
/// (reconciliation records them as never having reached the venue) and its holdings start from
/// the journal's positions (``resume(journalPositions:)``).
public actor PaperVenue: VenueAdapter {
    public nonisolated let name = "paper"
    public nonisolated let updates: AsyncStream<VenueUpdate>
    private let continuation: AsyncStream<VenueUpdate>.Continuation
    private var venue: SimulatedVenue
    private let instruments: [Instrument]
    private var now: Timestamp = .epoch
    private var orders: [String: Reconciliation.VenueOrder] = [:]
    private var fills: [Reconciliation.VenueFill] = []
    private var positions: [InstrumentID: Quantity] = [:]
    private var venueSequence = 0

    public init(instruments: [Instrument], fees: FeeModel, fillModel: FillModel = .standard) {
        self.instruments = instruments
        self.venue = SimulatedVenue(instruments: instruments, fees: fees, fillModel: fillModel)
        (updates, continuation) = AsyncStream.makeStream(bufferingPolicy: .unbounded)
    }

    /// Holdings carried over from the bot's journal.
    public func resume(journalPositions: [InstrumentID: Quantity]) async -> Bool {
        positions = journalPositions
        return true
    }

    public func connect(instruments: [Instrument]) async throws(VenueError) {}

    public func place(_ request: VenueOrderRequest) async throws(VenueError) -> [VenueUpdate] {
        guard orders[request.clientOrderID] == nil else { throw .rejected("duplicate client order id \(request.clientOrderID)") }
        var order: Order
        do {
            order = try Order(id: ClientOrderID(request.clientOrderID),
                              request: OrderRequest(instrumentID: request.instrument.id, side: request.side, quantity: request.quantity,
                                                    type: request.type, timeInForce: request.timeInForce, postOnly: request.postOnly),
                              createdAt: now)
            try order.apply(.submit(at: now))
        } catch {
            throw .rejected(error.description)
        }
        venueSequence += 1
        orders[request.clientOrderID] = Reconciliation.VenueOrder(
            clientOrderID: request.clientOrderID, venueOrderID: "P\(venueSequence)", instrument: request.instrument.id,
            side: request.side, quantity: request.quantity, status: .submitted, filledQuantity: .zero(precision: request.quantity.precision))
        var reports: [ExecutionReport] = []
        venue.submit(order, now: now, reports: &reports)
        return translate(reports)
    }

    public func cancel(clientOrderID: String, instrument: Instrument) async throws(VenueError) -> [VenueUpdate] {
        guard let known = orders[clientOrderID] else { throw .rejected("unknown order \(clientOrderID)") }
        guard !known.status.isTerminal else { return [] }
        var reports: [ExecutionReport] = []
        venue.cancel(ClientOrderID(clientOrderID), now: now, reports: &reports)
        return translate(reports)
    }

    public func order(clientOrderID: String, instrument: Instrument) async throws(VenueError) -> Reconciliation.VenueOrder? {
        orders[clientOrderID]
    }

    public func openOrders(instrument: Instrument) async throws(VenueError) -> [Reconciliation.VenueOrder] {
        orders.values.filter { $0.instrument == instrument.id && !$0.status.isTerminal }.sorted { $0.clientOrderID < $1.clientOrderID }
    }

    public func fills(instrument: Instrument, since: Timestamp) async throws(VenueError) -> [Reconciliation.VenueFill] {
        fills.filter { $0.time >= since && orders[$0.clientOrderID]?.instrument == instrument.id }
    }

    public func position(instrument: Instrument) async throws(VenueError) -> Quantity {
        positions[instrument.id] ?? .zero(precision: instrument.sizePrecision)
    }

    public func observe(_ bar: Bar, instrument: Instrument) async -> [VenueUpdate] {
        guard let index = instruments.firstIndex(where: { $0.id == instrument.id }) else { return [] }
        now = max(now, bar.closeTime)
        var reports: [ExecutionReport] = []
        venue.onBar(BarEvent(instrument: index, bar: bar), reports: &reports)
        return translate(reports)
    }

    public func close() async { continuation.finish() }

    /// The simulated venue's reports as venue updates; trade ids are made unique across the
    /// bot's restarts by prefixing the (never repeated) client order id.
    private func translate(_ reports: [ExecutionReport]) -> [VenueUpdate] {
        reports.compactMap { report -> VenueUpdate? in
            let id = report.orderID.value
            guard var order = orders[id] else { return nil }
            let update: VenueUpdate
            switch report.event {
            case .accept(let time):
                order.status = .accepted
                update = VenueUpdate(clientOrderID: id, kind: .accepted(venueOrderID: order.venueOrderID), time: time)
            case .fill(let fill):
                order.filledQuantity = order.filledQuantity + fill.quantity
                order.status = order.filledQuantity >= order.quantity ? .filled : .partiallyFilled
                let venueFill = Reconciliation.VenueFill(tradeID: "\(id):\(fill.tradeID)", clientOrderID: id, quantity: fill.quantity,
                                                         price: fill.price, fee: fill.fee, time: fill.timestamp)
                fills.append(venueFill)
                let signed = fill.side == .buy ? fill.quantity : -fill.quantity
                positions[fill.instrumentID] = (positions[fill.instrumentID] ?? .zero(precision: signed.precision)) + signed
                update = VenueUpdate(clientOrderID: id, kind: .fill(venueFill), time: fill.timestamp)
            case .cancel(let time):
                order.status = .canceled
                update = VenueUpdate(clientOrderID: id, kind: .canceled, time: time)
            case .expire(let time):
                order.status = .expired
                update = VenueUpdate(clientOrderID: id, kind: .expired, time: time)
            case .reject(let reason, let time):
                order.status = .rejected
                update = VenueUpdate(clientOrderID: id, kind: .rejected(reason: reason), time: time)
            default:
                return nil
            }
            orders[id] = order
            return update
        }
    }
}
