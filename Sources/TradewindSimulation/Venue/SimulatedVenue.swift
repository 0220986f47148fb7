public import TradewindCore
public import TradewindEngine

/// A simulated exchange that matches orders against bars, under an explicit ``FillModel``.
///
/// **Price path.** A bar is assumed to trade open → the extreme nearer the open (the high on a
/// tie) → the farther extreme → close, the four points evenly spaced in time. Orders are
/// matched along that path, so which of two levels a bar reaches first is decided the same way
/// every time.
///
/// **Arrival.** An order (and a cancel) reaches the venue `latency` after it was sent. An order
/// arriving during a bar sees the path from the first point at or after its arrival.
///
/// **Fills** (prices exact, on the instrument's tick grid):
/// - Market: at the arrival point's price.
/// - Limit: at the arrival price if that is at or better than the limit (taking liquidity);
///   otherwise at the limit once the path reaches it (`.touch`) or passes it (`.tradeThrough`),
///   adding liquidity.
/// - Stop, trailing stop and market-if-touched: triggered when the path reaches the trigger;
///   filled at the trigger, or at the arrival price when that is already past it (a gap).
///   A trailing stop's trigger follows the best price the path has shown since arrival.
/// - Stop-limit: triggered like a stop, then works as a limit from that point on.
/// - Fills that take liquidity pay the model's slippage, never beyond the bar's high/low.
/// - A fill takes at most `participation × bar volume` (rounded down to the lot); the rest
///   keeps working on later bars.
/// - IOC and FOK orders get their arrival point only: IOC fills what it can there and is
///   cancelled for the rest; FOK fills entirely there or is cancelled. DAY orders expire at
///   the first bar of a later UTC day; GTD orders at the first bar opening at or after expiry.
/// - Post-only limit orders that would take liquidity against the last known price are
///   rejected on submission.
/// Fees come from the ``FeeModel``, maker or taker by how the fill happened.
public struct SimulatedVenue: ExecutionVenue, Sendable {
    public let instruments: [Instrument]
    public var fees: FeeModel
    public var fillModel: FillModel

    struct WorkingOrder: Sendable {
        var order: Order
        /// When the order reaches the venue.
        var arrival: Timestamp
        /// Best price seen since arrival (the high for a sell trailing stop, the low for a buy).
        var extreme: Price?
    }

    /// Working orders in arrival order (price-time priority among our own orders).
    var working: [WorkingOrder] = []
    var pendingCancels: [(id: ClientOrderID, effective: Timestamp)] = []
    /// The last close seen per instrument (by index), for post-only checks.
    var lastPrices: [Price?]
    private var tradeSequence = 0

    public init(instruments: [Instrument], fees: FeeModel, fillModel: FillModel = .standard) {
        self.instruments = instruments
        self.fees = fees
        self.fillModel = fillModel
        self.lastPrices = Array(repeating: nil, count: instruments.count)
    }

    /// The orders currently working, in arrival order.
    public var workingOrders: [Order] { working.map(\.order) }

    public mutating func submit(_ order: Order, now: Timestamp, reports: inout [ExecutionReport]) {
        guard let instrumentIndex = instruments.firstIndex(where: { $0.id == order.instrumentID }) else {
            reports.append(ExecutionReport(orderID: order.id, event: .reject(reason: "unknown instrument \(order.instrumentID)", at: now)))
            return
        }
        let instrument = instruments[instrumentIndex]
        do {
            _ = try instrument.validate(quantity: order.quantity)
            for price in [order.type.limitPrice, order.type.triggerPrice].compactMap({ $0 }) {
                _ = try instrument.validate(price: price)
            }
            if case .trailingStop(.price(let distance)) = order.type { _ = try instrument.validate(price: distance) }
        } catch {
            reports.append(ExecutionReport(orderID: order.id, event: .reject(reason: error.description, at: now)))
            return
        }
        if order.postOnly, let limit = order.type.limitPrice, let last = lastPrices[instrumentIndex],
           order.side == .buy ? last <= limit : last >= limit {
            reports.append(ExecutionReport(orderID: order.id, event: .reject(
                reason: "post-only order would take liquidity: limit \(limit), last price \(last)", at: now)))
            return
        }
        reports.append(ExecutionReport(orderID: order.id, event: .accept(at: now)))
        var accepted = order
        try? accepted.apply(.accept(at: now))
        working.append(WorkingOrder(order: accepted, arrival: now + fillModel.latency))
    }

    public mutating func cancel(_ orderID: ClientOrderID, now: Timestamp, reports: inout [ExecutionReport]) {
        guard working.contains(where: { $0.order.id == orderID }) else {
            reports.append(ExecutionReport(orderID: orderID, event: .cancelRejected(reason: "order is not working", at: now)))
            return
        }
        if fillModel.latency == .zero {
            removeWorking(orderID)
            reports.append(ExecutionReport(orderID: orderID, event: .cancel(at: now)))
        } else {
            pendingCancels.append((orderID, now + fillModel.latency))
        }
    }

    public mutating func onBar(_ event: BarEvent, reports: inout [ExecutionReport]) {
        let bar = event.bar
        lastPrices[event.instrument] = bar.close
        if !pendingCancels.isEmpty { applyCancels(before: bar.openTime, reports: &reports) }
        guard !working.isEmpty else { return }
        let instrument = instruments[event.instrument]
        var index = 0
        while index < working.count {
            guard working[index].order.instrumentID == instrument.id else {
                index += 1
                continue
            }
            var entry = working[index]
            if match(&entry, bar: bar, instrument: instrument, reports: &reports) {
                working.remove(at: index)
            } else {
                working[index] = entry
                index += 1
            }
        }
    }

    // MARK: - Matching

    /// A point of the bar's path: its price, its time and its position (0…3).
    struct PathPoint {
        var price: Price
        var time: Timestamp
    }

    static func path(of bar: Bar) -> [PathPoint] {
        let highFirst = bar.high - bar.open <= bar.open - bar.low
        let span = bar.closeTime.nanosecondsSinceEpoch - bar.openTime.nanosecondsSinceEpoch
        func at(_ k: Int64) -> Timestamp { Timestamp(nanosecondsSinceEpoch: bar.openTime.nanosecondsSinceEpoch + span * k / 3) }
        return [
            PathPoint(price: bar.open, time: bar.openTime),
            PathPoint(price: highFirst ? bar.high : bar.low, time: at(1)),
            PathPoint(price: highFirst ? bar.low : bar.high, time: at(2)),
            PathPoint(price: bar.close, time: bar.closeTime),
        ]
    }

    /// Where along the path an order executes: the price, the point's time, and whether it
    /// took liquidity.
    struct Execution {
        var price: Price
        var time: Timestamp
        var takesLiquidity: Bool
    }

    /// Matches one order against one bar; returns whether the order left the book.
    mutating func match(_ entry: inout WorkingOrder, bar: Bar, instrument: Instrument, reports: inout [ExecutionReport]) -> Bool {
        let id = entry.order.id
        if isExpired(entry.order, at: bar) {
            reports.append(ExecutionReport(orderID: id, event: .expire(at: bar.openTime)))
            return true
        }
        guard entry.arrival <= bar.closeTime else { return false }
        let path = Self.path(of: bar)
        guard let start = path.firstIndex(where: { $0.time >= entry.arrival }) else { return false }
        let immediate: Bool
        switch entry.order.timeInForce {
        case .ioc, .fok: immediate = true
        case .gtc, .day, .gtd: immediate = false
        }
        let points = immediate ? path[start...start] : path[start...]
        guard let execution = execute(&entry, along: points, instrument: instrument, reports: &reports) else {
            if immediate {
                reports.append(ExecutionReport(orderID: id, event: .cancel(at: path[start].time)))
                return true
            }
            return false
        }
        var price = execution.price
        if execution.takesLiquidity { price = slipped(price, side: entry.order.side, bar: bar, instrument: instrument) }
        let remaining = entry.order.remainingQuantity
        let quantity = min(remaining, participationCap(bar: bar, instrument: instrument) ?? remaining)
        if entry.order.timeInForce == .fok && quantity < remaining || !quantity.isPositive {
            if immediate {
                reports.append(ExecutionReport(orderID: id, event: .cancel(at: execution.time)))
                return true
            }
            return false
        }
        let fill = makeFill(entry.order, quantity: quantity, price: price, time: execution.time,
                            liquidity: execution.takesLiquidity ? .taker : .maker)
        reports.append(ExecutionReport(orderID: id, event: .fill(fill)))
        try? entry.order.apply(.fill(fill))
        if entry.order.remainingQuantity.isZero { return true }
        if immediate {
            reports.append(ExecutionReport(orderID: id, event: .cancel(at: execution.time)))
            return true
        }
        return false
    }

    /// Walks the path for one order; records a trigger when one happens.
    func execute(_ entry: inout WorkingOrder, along points: ArraySlice<PathPoint>, instrument: Instrument,
                 reports: inout [ExecutionReport]) -> Execution? {
        let side = entry.order.side
        let first = points[points.startIndex]
        switch entry.order.type {
        case .market:
            return Execution(price: first.price, time: first.time, takesLiquidity: true)
        case .limit(let limit):
            return limitExecution(side: side, limit: limit, along: points)
        case .stop(let trigger):
            guard let hit = touch(trigger, rising: side == .buy, along: points) else { return nil }
            markTriggered(&entry, at: hit.time, reports: &reports)
            return Execution(price: hit.price, time: hit.time, takesLiquidity: true)
        case .marketIfTouched(let trigger):
            guard let hit = touch(trigger, rising: side == .sell, along: points) else { return nil }
            markTriggered(&entry, at: hit.time, reports: &reports)
            return Execution(price: hit.price, time: hit.time, takesLiquidity: true)
        case .stopLimit(let trigger, let limit):
            var rest = points
            if entry.order.status != .triggered {
                guard let hit = touch(trigger, rising: side == .buy, along: points) else { return nil }
                markTriggered(&entry, at: hit.time, reports: &reports)
                if side == .buy ? hit.price <= limit : hit.price >= limit {
                    return Execution(price: hit.price, time: hit.time, takesLiquidity: true)
                }
                rest = points[hit.index...]
                rest[hit.index].price = hit.price
            }
            return limitExecution(side: side, limit: limit, along: rest, arrivalTakes: entry.order.status != .triggered)
        case .trailingStop(let offset):
            return trailingExecution(&entry, offset: offset, along: points, instrument: instrument, reports: &reports)
        }
    }

    /// A limit order along the path: marketable at the first point (taking), or reached later (adding).
    func limitExecution(side: OrderSide, limit: Price, along points: ArraySlice<PathPoint>, arrivalTakes: Bool = true) -> Execution? {
        let first = points[points.startIndex]
        if arrivalTakes, side == .buy ? first.price <= limit : first.price >= limit {
            return Execution(price: first.price, time: first.time, takesLiquidity: true)
        }
        var previous = first.price
        for point in points.dropFirst() {
            let low = min(previous, point.price), high = max(previous, point.price)
            let reached: Bool = switch (side, fillModel.limitRule) {
            case (.buy, .touch): low <= limit
            case (.buy, .tradeThrough): low < limit
            case (.sell, .touch): high >= limit
            case (.sell, .tradeThrough): high > limit
            }
            if reached { return Execution(price: limit, time: point.time, takesLiquidity: false) }
            previous = point.price
        }
        return nil
    }

    /// The first place the path reaches `level` going up (`rising`) or down: the first point
    /// if it is already there (a gap, filled at that price), else the level itself.
    func touch(_ level: Price, rising: Bool, along points: ArraySlice<PathPoint>) -> (price: Price, time: Timestamp, index: Int)? {
        let first = points[points.startIndex]
        if rising ? first.price >= level : first.price <= level { return (first.price, first.time, points.startIndex) }
        for index in points.indices.dropFirst() where rising ? points[index].price >= level : points[index].price <= level {
            return (level, points[index].time, index)
        }
        return nil
    }

    func trailingExecution(_ entry: inout WorkingOrder, offset: TrailingOffset, along points: ArraySlice<PathPoint>,
                           instrument: Instrument, reports: inout [ExecutionReport]) -> Execution? {
        let isSell = entry.order.side == .sell
        var isFirst = true
        for point in points {
            let extreme = entry.extreme ?? point.price
            let stop = trailingStop(from: extreme, offset: offset, isSell: isSell, tick: instrument.tickSize)
            let crossed = isSell ? point.price <= stop : point.price >= stop
            // The stop is checked against the extreme known before this point; a point that
            // sets a new extreme cannot also cross the stop it implies.
            if crossed && entry.extreme != nil {
                markTriggered(&entry, at: point.time, reports: &reports)
                let gapped = isFirst
                return Execution(price: gapped ? point.price : stop, time: point.time, takesLiquidity: true)
            }
            entry.extreme = isSell ? max(extreme, point.price) : min(extreme, point.price)
            isFirst = false
        }
        return nil
    }

    /// A trailing stop's level, rounded to the tick against the trader (down for a sell).
    func trailingStop(from extreme: Price, offset: TrailingOffset, isSell: Bool, tick: Price) -> Price {
        let distance: Price
        switch offset {
        case .price(let price): distance = price
        case .fraction(let rate):
            distance = Self.ticks(ceilingOf: extreme, times: rate, tick: tick)
        }
        return isSell ? extreme - distance : extreme + distance
    }

    func markTriggered(_ entry: inout WorkingOrder, at time: Timestamp, reports: inout [ExecutionReport]) {
        guard entry.order.status != .triggered else { return }
        reports.append(ExecutionReport(orderID: entry.order.id, event: .trigger(at: time)))
        try? entry.order.apply(.trigger(at: time))
    }

    // MARK: - Costs and sizes

    /// `price` moved against the trader by the model's slippage, kept within the bar.
    func slipped(_ price: Price, side: OrderSide, bar: Bar, instrument: Instrument) -> Price {
        let tick = instrument.tickSize
        let amount: Price
        switch fillModel.slippage {
        case .none: return price
        case .ticks(let n): amount = Price(uncheckedRaw: tick.raw * Int64(n), precision: tick.precision)
        case .fraction(let rate): amount = Self.ticks(ceilingOf: price, times: rate, tick: tick)
        case .rangeFraction(let rate): amount = Self.ticks(ceilingOf: bar.high - bar.low, times: rate, tick: tick)
        }
        return side == .buy ? min(price + amount, max(bar.high, price)) : max(price - amount, min(bar.low, price))
    }

    /// `value × rate` rounded up to a whole number of ticks.
    static func ticks(ceilingOf value: Price, times rate: Rate, tick: Price) -> Price {
        let precision = max(value.precision, tick.precision)
        let valueRaw = Int128(value.rescaled(to: precision)!.raw)
        let tickRaw = Int128(tick.rescaled(to: precision)!.raw)
        let numerator = valueRaw * Int128(rate.raw)
        let denominator = tickRaw * Int128(FixedPoint.pow10(rate.precision))
        let count = (numerator + denominator - 1) / denominator
        return Price(uncheckedRaw: tick.raw * Int64(count), precision: tick.precision)
    }

    /// The most one order may take from `bar`, a whole number of lots; `nil` without a cap.
    func participationCap(bar: Bar, instrument: Instrument) -> Quantity? {
        guard let rate = fillModel.participation else { return nil }
        let lot = instrument.lotSize
        let volume = bar.volume.rescaled(to: lot.precision) ?? bar.volume
        let precision = max(volume.precision, lot.precision)
        let volumeRaw = Int128(volume.rescaled(to: precision)!.raw)
        let lotRaw = Int128(lot.rescaled(to: precision)!.raw)
        let lots = volumeRaw * Int128(rate.raw) / (lotRaw * Int128(FixedPoint.pow10(rate.precision)))
        return Quantity(uncheckedRaw: lot.raw * Int64(lots), precision: lot.precision)
    }

    private mutating func makeFill(_ order: Order, quantity: Quantity, price: Price, time: Timestamp, liquidity: Liquidity) -> Fill {
        tradeSequence += 1
        return Fill(orderID: order.id, tradeID: TradeID("T-\(tradeSequence)"), instrumentID: order.instrumentID,
                    side: order.side, quantity: quantity, price: price,
                    fee: fees.fee(price: price, quantity: quantity, liquidity: liquidity), liquidity: liquidity, timestamp: time)
    }

    // MARK: - Book keeping

    private mutating func applyCancels(before time: Timestamp, reports: inout [ExecutionReport]) {
        var kept: [(id: ClientOrderID, effective: Timestamp)] = []
        for cancel in pendingCancels {
            guard cancel.effective <= time else {
                kept.append(cancel)
                continue
            }
            if working.contains(where: { $0.order.id == cancel.id }) {
                removeWorking(cancel.id)
                reports.append(ExecutionReport(orderID: cancel.id, event: .cancel(at: cancel.effective)))
            } else {
                // The order filled or expired while the cancel was on its way.
                reports.append(ExecutionReport(orderID: cancel.id, event: .cancelRejected(reason: "order is no longer working", at: cancel.effective)))
            }
        }
        pendingCancels = kept
    }

    private mutating func removeWorking(_ id: ClientOrderID) {
        if let index = working.firstIndex(where: { $0.order.id == id }) { working.remove(at: index) }
    }

    private func isExpired(_ order: Order, at bar: Bar) -> Bool {
        switch order.timeInForce {
        case .day: bar.openTime.startOfUTCDay > order.createdAt.startOfUTCDay
        case .gtd(let expiry): bar.openTime >= expiry
        case .gtc, .ioc, .fok: false
        }
    }
}
