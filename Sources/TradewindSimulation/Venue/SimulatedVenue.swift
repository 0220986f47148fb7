public import TradewindCore
public import TradewindEngine

/// A simulated exchange that matches orders against bars.
///
/// Fill rules (all prices exact, no slippage in this model):
/// - **Market**: fills in full at the open of the next bar the venue sees.
/// - **Limit**: fills at the open if the open is at or better than the limit,
///   otherwise at the limit if the bar's range touches it.
/// - **Stop**: triggers when the bar touches the trigger; fills at the open if the
///   bar gapped through it, otherwise at the trigger.
/// - **Stop-limit**: triggers like a stop, then works as a limit from the next bar
///   (or fills at the open of a gap bar if the open satisfies the limit).
/// - Time in force: IOC and FOK orders that cannot fill on the first bar are
///   cancelled; DAY orders expire at the first bar of a later UTC day; GTD orders
///   expire at the first bar opening at or after their expiry.
/// Fills are stamped with the bar's open time and charged by the ``FeeModel``.
public struct SimulatedVenue: ExecutionVenue, Sendable {
    public let instruments: [Instrument]
    public var fees: FeeModel
    /// Working orders in arrival order (price-time priority among our own orders).
    public private(set) var working: [Order] = []
    private var tradeSequence = 0

    public init(instruments: [Instrument], fees: FeeModel) {
        self.instruments = instruments
        self.fees = fees
    }

    public mutating func submit(_ order: Order, now: Timestamp, reports: inout [ExecutionReport]) {
        guard let instrument = instruments.first(where: { $0.id == order.instrumentID }) else {
            reports.append(ExecutionReport(orderID: order.id, event: .reject(reason: "unknown instrument \(order.instrumentID)", at: now)))
            return
        }
        do {
            _ = try instrument.validate(quantity: order.quantity)
            for price in [order.type.limitPrice, order.type.triggerPrice].compactMap({ $0 }) {
                _ = try instrument.validate(price: price)
            }
        } catch {
            reports.append(ExecutionReport(orderID: order.id, event: .reject(reason: error.description, at: now)))
            return
        }
        reports.append(ExecutionReport(orderID: order.id, event: .accept(at: now)))
        var accepted = order
        try? accepted.apply(.accept(at: now))
        working.append(accepted)
    }

    public mutating func cancel(_ orderID: ClientOrderID, now: Timestamp, reports: inout [ExecutionReport]) {
        if let index = working.firstIndex(where: { $0.id == orderID }) {
            working.remove(at: index)
            reports.append(ExecutionReport(orderID: orderID, event: .cancel(at: now)))
        } else {
            reports.append(ExecutionReport(orderID: orderID, event: .cancelRejected(reason: "order is not working", at: now)))
        }
    }

    public mutating func onBar(_ event: BarEvent, reports: inout [ExecutionReport]) {
        guard !working.isEmpty else { return }
        let bar = event.bar
        let instrumentID = instruments[event.instrument].id
        var index = 0
        while index < working.count {
            guard working[index].instrumentID == instrumentID else {
                index += 1
                continue
            }
            switch match(&working[index], bar: bar, reports: &reports) {
            case .keep:
                index += 1
            case .remove:
                working.remove(at: index)
            case .fill(let price):
                reports.append(ExecutionReport(orderID: working[index].id, event: .fill(makeFill(working[index], price, bar))))
                working.remove(at: index)
            }
        }
    }

    private enum Outcome {
        case keep
        case remove
        case fill(Price)
    }

    /// Matches one order against one bar: it stays, leaves (expired or cancelled), or fills in full.
    private func match(_ order: inout Order, bar: Bar, reports: inout [ExecutionReport]) -> Outcome {
        let at = bar.openTime
        if isExpired(order, at: bar) {
            reports.append(ExecutionReport(orderID: order.id, event: .expire(at: at)))
            return .remove
        }
        var fillPrice: Price?
        switch order.type {
        case .market:
            fillPrice = bar.open
        case .limit(let limit):
            fillPrice = limitFill(order.side, limit: limit, bar: bar)
        case .stop(let trigger):
            if let triggerPrice = stopTrigger(order.side, trigger: trigger, bar: bar) {
                reports.append(ExecutionReport(orderID: order.id, event: .trigger(at: at)))
                try? order.apply(.trigger(at: at))
                fillPrice = triggerPrice
            }
        case .stopLimit(let trigger, let limit):
            if order.status == .triggered {
                fillPrice = limitFill(order.side, limit: limit, bar: bar)
            } else if let triggerPrice = stopTrigger(order.side, trigger: trigger, bar: bar) {
                reports.append(ExecutionReport(orderID: order.id, event: .trigger(at: at)))
                try? order.apply(.trigger(at: at))
                let marketable = order.side == .buy ? triggerPrice <= limit : triggerPrice >= limit
                if marketable && triggerPrice == bar.open { fillPrice = bar.open }
            }
        }
        guard let price = fillPrice else {
            switch order.timeInForce {
            case .ioc, .fok:
                reports.append(ExecutionReport(orderID: order.id, event: .cancel(at: at)))
                return .remove
            default:
                return .keep
            }
        }
        return .fill(price)
    }

    private mutating func makeFill(_ order: Order, _ price: Price, _ bar: Bar) -> Fill {
        tradeSequence += 1
        let quantity = order.remainingQuantity
        return Fill(orderID: order.id, tradeID: TradeID("T-\(tradeSequence)"), instrumentID: order.instrumentID,
                    side: order.side, quantity: quantity, price: price, fee: fees.fee(price: price, quantity: quantity),
                    liquidity: order.type == .market || order.type.isConditional ? .taker : .maker, timestamp: bar.openTime)
    }

    private func isExpired(_ order: Order, at bar: Bar) -> Bool {
        switch order.timeInForce {
        case .day: bar.openTime.startOfUTCDay > order.createdAt.startOfUTCDay
        case .gtd(let expiry): bar.openTime >= expiry
        case .gtc, .ioc, .fok: false
        }
    }

    private func limitFill(_ side: OrderSide, limit: Price, bar: Bar) -> Price? {
        switch side {
        case .buy: bar.open <= limit ? bar.open : (bar.low <= limit ? limit : nil)
        case .sell: bar.open >= limit ? bar.open : (bar.high >= limit ? limit : nil)
        }
    }

    private func stopTrigger(_ side: OrderSide, trigger: Price, bar: Bar) -> Price? {
        switch side {
        case .buy: bar.open >= trigger ? bar.open : (bar.high >= trigger ? trigger : nil)
        case .sell: bar.open <= trigger ? bar.open : (bar.low <= trigger ? trigger : nil)
        }
    }
}
