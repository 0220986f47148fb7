public import TradewindCore
public import TradewindEngine

/// A simulated exchange that matches orders against bars, trade prints or quotes, under an
/// explicit ``FillModel``.
///
/// **Price path.** A bar is assumed to trade open → the extreme nearer the open (the high on a
/// tie) → the farther extreme → close (``Bar/pathRaw``), the four points evenly spaced in time.
/// A trade print is one point at its price; a quote is one point where buyers pay the ask and
/// sellers get the bid. Orders are matched along the path, so which of two levels is reached
/// first is decided the same way every time.
///
/// **Arrival.** An order (and a cancel) reaches the venue `latency` after it was sent. An order
/// arriving during a bar sees the path from the first point at or after its arrival.
///
/// **Fills** (prices exact, on the instrument's tick grid; "price" is the ask for a buy and the
/// bid for a sell when matching quotes):
/// - Market: at the arrival point's price.
/// - Limit: at the arrival price if that is at or better than the limit (taking liquidity);
///   otherwise at the limit once the path reaches it (`.touch`) or passes it (`.tradeThrough`),
///   adding liquidity. On bars a later bar that opens through the limit fills at its open.
/// - Stop, trailing stop and market-if-touched: triggered when the path reaches the trigger;
///   filled at the trigger, or at the arrival price when that is already past it (a gap).
///   A trailing stop's trigger follows the best price the path has shown since arrival.
/// - Stop-limit: triggered like a stop, then works as a limit from that point on.
/// - Fills that take liquidity pay the model's slippage, never beyond a bar's high/low.
/// - A fill takes at most `participation ×` the bar's volume or the print's size, or the
///   quoted size on the side it takes (rounded down to the lot); the rest keeps working. A
///   print or quote of size zero has an unknown size and caps nothing.
/// - IOC and FOK orders get their arrival point only: IOC fills what it can there and is
///   cancelled for the rest; FOK fills entirely there or is cancelled. DAY orders expire at
///   the first event of a later UTC day; GTD orders at the first event at or after expiry.
/// - Post-only limit orders that would take liquidity against the last known price are
///   rejected on submission.
///
/// **Contingent orders.** An order with a ``Order/parentOrderID`` is held until its parent has
/// completely filled and then works from the parent's fill time on, in the same bar. If the
/// parent ends part-filled its children shrink to the filled quantity (a `modify` report); if
/// it ends unfilled they are cancelled. Orders with ``Order/ocoPeerIDs`` cancel each other: the
/// first to execute (earliest on the path; among equals, the earlier arrival) cancels the
/// others, and cancelling one cancels all.
///
/// Fees come from the ``FeeModel``, maker or taker by how the fill happened.
public struct SimulatedVenue: ExecutionVenue, Sendable {
    public let instruments: [Instrument]
    public var fees: FeeModel
    public var fillModel: FillModel

    @usableFromInline
    struct WorkingOrder: Sendable {
        var order: Order
        var instrument: Int
        /// When the order reaches the venue (for a contingent order: when it was activated).
        var arrival: Timestamp
        /// Best price seen since arrival (the high for a sell trailing stop, the low for a buy).
        var extreme: Price?
        /// A contingent order waiting for its parent to fill.
        var dormant: Bool
        /// A conditional order whose trigger was hit: from then on it works as a market order
        /// (a stop-limit as a limit), even after a partial fill.
        var triggered = false
        /// Has met the market at least once after arriving (it rests in the book).
        var rested = false
        /// Left the book; removed at the end of the current call.
        var done = false
    }

    /// Working orders in arrival order (price-time priority among our own orders).
    @usableFromInline var working: [WorkingOrder] = []
    @usableFromInline var pendingCancels: [(id: ClientOrderID, effective: Timestamp)] = []
    /// The last price a buyer and a seller would have traded at, per instrument (by index),
    /// for post-only checks; raw integers so the per-bar store is two words.
    @usableFromInline var lastPrices: LastPrices

    /// ``LastPrice`` per instrument, the first one outside the array: a single-instrument run's
    /// per-bar store then writes no array (each array write is a copy-on-write check).
    @usableFromInline
    struct LastPrices: Sendable {
        @usableFromInline var first = LastPrice()
        @usableFromInline var others: [LastPrice]

        init(count: Int) { others = Array(repeating: LastPrice(), count: Swift.max(count - 1, 0)) }

        @inlinable
        subscript(instrument: Int) -> LastPrice {
            get { instrument == 0 ? first : others[instrument - 1] }
            set {
                if instrument == 0 { first = newValue } else { others[instrument - 1] = newValue }
            }
        }
    }

    @usableFromInline
    struct LastPrice: Sendable {
        @usableFromInline var buy: Int64 = 0
        @usableFromInline var sell: Int64 = 0
        @usableFromInline var precision: UInt8 = 0
        @usableFromInline var known = false

        init() {}

        init(buy: Price, sell: Price) {
            let common = max(buy.precision, sell.precision)
            self.buy = buy.rescaled(to: common)!.raw
            self.sell = sell.rescaled(to: common)!.raw
            self.precision = common
            self.known = true
        }

        @inlinable
        init(bar: Bar) {
            buy = bar.closeRaw
            sell = bar.closeRaw
            precision = bar.pricePrecision
            known = true
        }

        var prices: (buy: Price, sell: Price)? {
            known ? (Price(uncheckedRaw: buy, precision: precision), Price(uncheckedRaw: sell, precision: precision)) : nil
        }
    }
    private var tradeSequence = 0
    private var anyDone = false

    public init(instruments: [Instrument], fees: FeeModel, fillModel: FillModel = .standard) {
        self.instruments = instruments
        self.fees = fees
        self.fillModel = fillModel
        self.lastPrices = LastPrices(count: instruments.count)
    }

    /// The orders currently working (including held contingent orders), in arrival order.
    public var workingOrders: [Order] { working.map(\.order) }

    // MARK: - Orders in

    public mutating func submit(_ order: Order, now: Timestamp, reports: inout [ExecutionReport]) {
        guard let instrumentIndex = instruments.firstIndex(where: { $0.id == order.instrumentID }) else {
            reports.append(ExecutionReport(orderID: order.id, event: .reject(reason: "unknown instrument \(order.instrumentID)", at: now)))
            return
        }
        let instrument = instruments[instrumentIndex]
        do {
            _ = try instrument.validate(quantity: order.quantity)
            if let price = order.type.limitPrice { _ = try instrument.validate(price: price) }
            if let price = order.type.triggerPrice { _ = try instrument.validate(price: price) }
            if case .trailingStop(.price(let distance)) = order.type { _ = try instrument.validate(price: distance) }
        } catch {
            reports.append(ExecutionReport(orderID: order.id, event: .reject(reason: error.description, at: now)))
            return
        }
        if order.postOnly, let limit = order.type.limitPrice, let last = lastPrices[instrumentIndex].prices {
            let opposite = order.side == .buy ? last.buy : last.sell
            if order.side == .buy ? opposite <= limit : opposite >= limit {
                reports.append(ExecutionReport(orderID: order.id, event: .reject(
                    reason: "post-only order would take liquidity: limit \(limit), market \(opposite)", at: now)))
                return
            }
        }
        if let parent = order.parentOrderID, workingIndex(of: parent) == nil {
            reports.append(ExecutionReport(orderID: order.id, event: .reject(reason: "parent order \(parent) is not working", at: now)))
            return
        }
        reports.append(ExecutionReport(orderID: order.id, event: .accept(at: now)))
        var accepted = order
        try? accepted.apply(.accept(at: now))
        working.append(WorkingOrder(order: accepted, instrument: instrumentIndex, arrival: now + fillModel.latency, extreme: nil,
                                    dormant: order.parentOrderID != nil))
    }

    public mutating func cancel(_ orderID: ClientOrderID, now: Timestamp, reports: inout [ExecutionReport]) {
        guard workingIndex(of: orderID) != nil else {
            reports.append(ExecutionReport(orderID: orderID, event: .cancelRejected(reason: "order is not working", at: now)))
            return
        }
        if fillModel.latency == .zero {
            cancelNow(orderID, at: now, reports: &reports)
            compact()
        } else {
            pendingCancels.append((orderID, now + fillModel.latency))
        }
    }

    // MARK: - Market data in

    @inlinable @inline(__always)
    public mutating func onBar(_ event: BarEvent, reports: inout [ExecutionReport]) {
        lastPrices[event.instrument] = LastPrice(bar: event.bar)
        // The common case, nothing working: no call, no copy of the bar.
        if working.isEmpty && pendingCancels.isEmpty { return }
        match(event, reports: &reports)
    }

    @usableFromInline
    mutating func match(_ event: BarEvent, reports: inout [ExecutionReport]) {
        let bar = event.bar
        let lot = instruments[event.instrument].lotSize
        receive(from: bar.openTime, instrument: event.instrument, reports: &reports) { participation in
            MarketSlice(bar: bar, cap: participation.map { Self.lots(of: bar.volume, times: $0, lot: lot) })
        }
    }

    public mutating func onTrade(_ event: TradeTickEvent, reports: inout [ExecutionReport]) {
        let tick = event.tick
        lastPrices[event.instrument] = LastPrice(buy: tick.price, sell: tick.price)
        let lot = instruments[event.instrument].lotSize
        receive(from: tick.time, instrument: event.instrument, reports: &reports) { participation in
            let cap = Self.displayedCap(tick.size, participation: participation, lot: lot)
            return MarketSlice(point: MarketPoint(buy: tick.price, sell: tick.price, time: tick.time), buyCap: cap, sellCap: cap)
        }
    }

    public mutating func onQuote(_ event: QuoteEvent, reports: inout [ExecutionReport]) {
        let quote = event.quote
        lastPrices[event.instrument] = LastPrice(buy: quote.ask, sell: quote.bid)
        let lot = instruments[event.instrument].lotSize
        receive(from: quote.time, instrument: event.instrument, reports: &reports) { participation in
            MarketSlice(point: MarketPoint(buy: quote.ask, sell: quote.bid, time: quote.time),
                        buyCap: Self.displayedCap(quote.askSize, participation: participation, lot: lot),
                        sellCap: Self.displayedCap(quote.bidSize, participation: participation, lot: lot))
        }
    }

    /// Applies cancels that arrived by `time`, then matches the working orders of `instrument`
    /// against the slice `makeSlice` builds (only when something is working).
    private mutating func receive(from time: Timestamp, instrument: Int, reports: inout [ExecutionReport],
                                  _ makeSlice: (Rate?) -> MarketSlice) {
        if !pendingCancels.isEmpty { applyCancels(before: time, reports: &reports) }
        guard !working.isEmpty else { return }
        process(makeSlice(fillModel.participation), instrument: instrument, reports: &reports)
    }

    // MARK: - Matching

    /// One point of the market: what a buyer pays, what a seller gets, and when.
    struct MarketPoint: Sendable {
        var buy: Price
        var sell: Price
        var time: Timestamp

        func price(for side: OrderSide) -> Price { side == .buy ? buy : sell }
    }

    /// What one market event offers: up to four points, fixed-size so matching allocates nothing.
    struct MarketSlice: Sendable {
        var points: (MarketPoint, MarketPoint, MarketPoint, MarketPoint)
        var count: Int
        /// A bar's low and high: slippage never fills outside them.
        var bounds: (low: Price, high: Price)?
        var buyCap: Quantity?
        var sellCap: Quantity?
        /// Ticks and quotes fill a resting limit at its limit (someone traded into it); bars that
        /// open through a limit fill at the open.
        var restingLimitFillsAtLimit: Bool

        init(bar: Bar, cap: Quantity?) {
            let (p0, p1, p2, p3) = bar.pathRaw
            func point(_ raw: Int64, _ k: Int64) -> MarketPoint {
                let price = Price(uncheckedRaw: raw, precision: bar.pricePrecision)
                return MarketPoint(buy: price, sell: price, time: bar.pathTime(k))
            }
            points = (point(p0, 0), point(p1, 1), point(p2, 2), point(p3, 3))
            count = 4
            bounds = (bar.low, bar.high)
            buyCap = cap
            sellCap = cap
            restingLimitFillsAtLimit = false
        }

        init(point: MarketPoint, buyCap: Quantity?, sellCap: Quantity?) {
            points = (point, point, point, point)
            count = 1
            bounds = nil
            self.buyCap = buyCap
            self.sellCap = sellCap
            restingLimitFillsAtLimit = true
        }

        subscript(index: Int) -> MarketPoint {
            get {
                switch index {
                case 0: points.0
                case 1: points.1
                case 2: points.2
                default: points.3
                }
            }
            set {
                switch index {
                case 0: points.0 = newValue
                case 1: points.1 = newValue
                case 2: points.2 = newValue
                default: points.3 = newValue
                }
            }
        }

        var range: Price {
            guard let bounds else { return .zero(precision: points.0.buy.precision) }
            return bounds.high - bounds.low
        }

        func cap(for side: OrderSide) -> Quantity? { side == .buy ? buyCap : sellCap }
    }

    /// Where along the path an order executes: the price, the point's time, and whether it
    /// took liquidity.
    struct Execution {
        var price: Price
        var time: Timestamp
        var takesLiquidity: Bool
    }

    mutating func process(_ slice: MarketSlice, instrument: Int, reports: inout [ExecutionReport]) {
        var index = 0
        // Orders activated during the pass (bracket exits) are appended later in the array and
        // are matched in the same pass, from their activation time on.
        while index < working.count {
            if !working[index].done && !working[index].dormant && working[index].instrument == instrument {
                match(index, slice, instrument: instruments[instrument], reports: &reports)
            }
            index += 1
        }
        compact()
    }

    /// The first point an order can see, or `nil` if it has not arrived by the slice's end.
    func startIndex(_ entry: WorkingOrder, _ slice: MarketSlice) -> Int? {
        for index in 0..<slice.count where slice[index].time >= entry.arrival { return index }
        return nil
    }

    /// Matches one working order against one slice.
    mutating func match(_ index: Int, _ slice: MarketSlice, instrument: Instrument, reports: inout [ExecutionReport]) {
        let id = working[index].order.id
        if isExpired(working[index].order, at: slice[0].time) {
            reports.append(ExecutionReport(orderID: id, event: .expire(at: slice[0].time)))
            end(index, at: slice[0].time, reports: &reports)
            return
        }
        guard let start = startIndex(working[index], slice) else { return }
        if !working[index].order.ocoPeerIDs.isEmpty, earliestOfGroup(index, slice, instrument: instrument) != index {
            // A peer executes first on this slice and will cancel this order.
            return
        }
        let immediate = working[index].order.timeInForce.isImmediate
        let last = immediate ? start : slice.count - 1
        var entry = working[index]
        let found = execute(&entry, slice, start...last, instrument: instrument, reports: &reports)
        entry.rested = true
        working[index] = entry
        guard let execution = found else {
            if immediate { cancelRemainder(index, at: slice[start].time, reports: &reports) }
            return
        }
        let side = entry.order.side
        var price = execution.price
        if execution.takesLiquidity { price = slipped(price, side: side, slice: slice, instrument: instrument) }
        let remaining = entry.order.remainingQuantity
        let quantity = min(remaining, slice.cap(for: side) ?? remaining)
        if entry.order.timeInForce == .fok && quantity < remaining || !quantity.isPositive {
            if immediate { cancelRemainder(index, at: execution.time, reports: &reports) }
            return
        }
        let fill = makeFill(entry.order, quantity: quantity, price: price, time: execution.time,
                            liquidity: execution.takesLiquidity ? .taker : .maker)
        reports.append(ExecutionReport(orderID: id, event: .fill(fill)))
        try? working[index].order.apply(.fill(fill))
        cancelPeers(of: index, at: execution.time, reports: &reports)
        if working[index].order.remainingQuantity.isZero {
            finish(index, at: execution.time, reports: &reports)
        } else if immediate {
            cancelRemainder(index, at: execution.time, reports: &reports)
        }
    }

    /// Of an OCO group on this slice, the member that executes first (ties: earlier arrival).
    func earliestOfGroup(_ index: Int, _ slice: MarketSlice, instrument: Instrument) -> Int? {
        let peers = Set(working[index].order.ocoPeerIDs)
        var best: (index: Int, time: Timestamp)?
        for member in working.indices where member == index || peers.contains(working[member].order.id) {
            let candidate = working[member]
            guard !candidate.done, !candidate.dormant, candidate.instrument == working[index].instrument,
                  let start = startIndex(candidate, slice) else { continue }
            var copy = candidate
            var scratch: [ExecutionReport] = []
            let last = candidate.order.timeInForce.isImmediate ? start : slice.count - 1
            if let execution = execute(&copy, slice, start...last, instrument: instrument, reports: &scratch),
               best == nil || execution.time < best!.time {
                best = (member, execution.time)
            }
        }
        return best?.index
    }

    /// Walks the path for one order; records a trigger when one happens.
    func execute(_ entry: inout WorkingOrder, _ slice: MarketSlice, _ range: ClosedRange<Int>, instrument: Instrument,
                 reports: inout [ExecutionReport]) -> Execution? {
        let side = entry.order.side
        let first = slice[range.lowerBound]
        if entry.triggered, entry.order.type.limitPrice == nil {
            return Execution(price: first.price(for: side), time: first.time, takesLiquidity: true)
        }
        switch entry.order.type {
        case .market:
            return Execution(price: first.price(for: side), time: first.time, takesLiquidity: true)
        case .limit(let limit):
            return limitExecution(side: side, limit: limit, slice, range, arrivalTakes: true, rested: entry.rested)
        case .stop(let trigger):
            guard let hit = touch(trigger, rising: side == .buy, side: side, slice, range) else { return nil }
            markTriggered(&entry, at: hit.time, reports: &reports)
            return Execution(price: hit.price, time: hit.time, takesLiquidity: true)
        case .marketIfTouched(let trigger):
            guard let hit = touch(trigger, rising: side == .sell, side: side, slice, range) else { return nil }
            markTriggered(&entry, at: hit.time, reports: &reports)
            return Execution(price: hit.price, time: hit.time, takesLiquidity: true)
        case .stopLimit(let trigger, let limit):
            var rest = slice
            var restRange = range
            let wasTriggered = entry.triggered
            if !wasTriggered {
                guard let hit = touch(trigger, rising: side == .buy, side: side, slice, range) else { return nil }
                markTriggered(&entry, at: hit.time, reports: &reports)
                if side == .buy ? hit.price <= limit : hit.price >= limit {
                    return Execution(price: hit.price, time: hit.time, takesLiquidity: true)
                }
                restRange = hit.index...range.upperBound
                rest[hit.index] = MarketPoint(buy: hit.price, sell: hit.price, time: hit.time)
            }
            return limitExecution(side: side, limit: limit, rest, restRange, arrivalTakes: wasTriggered, rested: entry.rested)
        case .trailingStop(let offset):
            return trailingExecution(&entry, offset: offset, slice, range, instrument: instrument, reports: &reports)
        }
    }

    /// A limit order along the path: marketable at the first point (taking), or reached later (adding).
    func limitExecution(side: OrderSide, limit: Price, _ slice: MarketSlice, _ range: ClosedRange<Int>,
                        arrivalTakes: Bool, rested: Bool) -> Execution? {
        let first = slice[range.lowerBound]
        let firstPrice = first.price(for: side)
        if arrivalTakes, side == .buy ? firstPrice <= limit : firstPrice >= limit {
            if rested && slice.restingLimitFillsAtLimit {
                return Execution(price: limit, time: first.time, takesLiquidity: false)
            }
            return Execution(price: firstPrice, time: first.time, takesLiquidity: true)
        }
        var previous = firstPrice
        for index in range.dropFirst() {
            let price = slice[index].price(for: side)
            let low = min(previous, price), high = max(previous, price)
            let reached: Bool = switch (side, fillModel.limitRule) {
            case (.buy, .touch): low <= limit
            case (.buy, .tradeThrough): low < limit
            case (.sell, .touch): high >= limit
            case (.sell, .tradeThrough): high > limit
            }
            if reached { return Execution(price: limit, time: slice[index].time, takesLiquidity: false) }
            previous = price
        }
        return nil
    }

    /// The first place the path reaches `level` going up (`rising`) or down: the first point
    /// if it is already there (a gap, filled at that price), else the level itself.
    func touch(_ level: Price, rising: Bool, side: OrderSide, _ slice: MarketSlice, _ range: ClosedRange<Int>)
        -> (price: Price, time: Timestamp, index: Int)? {
        for index in range {
            let price = slice[index].price(for: side)
            if rising ? price >= level : price <= level {
                return (index == range.lowerBound ? price : level, slice[index].time, index)
            }
        }
        return nil
    }

    func trailingExecution(_ entry: inout WorkingOrder, offset: TrailingOffset, _ slice: MarketSlice, _ range: ClosedRange<Int>,
                           instrument: Instrument, reports: inout [ExecutionReport]) -> Execution? {
        let side = entry.order.side
        let isSell = side == .sell
        for index in range {
            let price = slice[index].price(for: side)
            let extreme = entry.extreme ?? price
            let stop = trailingStop(from: extreme, offset: offset, isSell: isSell, tick: instrument.tickSize)
            let crossed = isSell ? price <= stop : price >= stop
            // The stop is checked against the extreme known before this point; a point that
            // sets a new extreme cannot also cross the stop it implies.
            if crossed && entry.extreme != nil {
                markTriggered(&entry, at: slice[index].time, reports: &reports)
                let gapped = index == range.lowerBound
                return Execution(price: gapped ? price : stop, time: slice[index].time, takesLiquidity: true)
            }
            entry.extreme = isSell ? max(extreme, price) : min(extreme, price)
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
        guard !entry.triggered else { return }
        entry.triggered = true
        reports.append(ExecutionReport(orderID: entry.order.id, event: .trigger(at: time)))
        try? entry.order.apply(.trigger(at: time))
    }

    // MARK: - Costs and sizes

    /// `price` moved against the trader by the model's slippage, kept within a bar's range.
    func slipped(_ price: Price, side: OrderSide, slice: MarketSlice, instrument: Instrument) -> Price {
        let tick = instrument.tickSize
        let amount: Price
        switch fillModel.slippage {
        case .none: return price
        case .ticks(let n): amount = Price(uncheckedRaw: tick.raw * Int64(n), precision: tick.precision)
        case .fraction(let rate): amount = Self.ticks(ceilingOf: price, times: rate, tick: tick)
        case .rangeFraction(let rate): amount = Self.ticks(ceilingOf: slice.range, times: rate, tick: tick)
        }
        guard let bounds = slice.bounds else { return side == .buy ? price + amount : price - amount }
        return side == .buy ? min(price + amount, max(bounds.high, price)) : max(price - amount, min(bounds.low, price))
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

    /// What one fill may take from a displayed or printed size: `size × participation` in
    /// whole lots; a zero size means the size is unknown (a file without sizes): no cap.
    static func displayedCap(_ size: Quantity, participation: Rate?, lot: Quantity) -> Quantity? {
        guard !size.isZero else { return nil }
        return lots(of: size, times: participation ?? Rate(uncheckedRaw: 1, precision: 0), lot: lot)
    }

    /// `size × rate` rounded down to a whole number of lots.
    static func lots(of size: Quantity, times rate: Rate, lot: Quantity) -> Quantity {
        let precision = max(size.precision, lot.precision)
        let sizeRaw = Int128(size.rescaled(to: precision)!.raw)
        let lotRaw = Int128(lot.rescaled(to: precision)!.raw)
        let count = sizeRaw * Int128(rate.raw) / (lotRaw * Int128(FixedPoint.pow10(rate.precision)))
        return Quantity(uncheckedRaw: lot.raw * Int64(count), precision: lot.precision)
    }

    private mutating func makeFill(_ order: Order, quantity: Quantity, price: Price, time: Timestamp, liquidity: Liquidity) -> Fill {
        tradeSequence += 1
        return Fill(orderID: order.id, tradeID: TradeID(prefix: "T", number: tradeSequence), instrumentID: order.instrumentID,
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
            if !cancelNow(cancel.id, at: cancel.effective, reports: &reports) {
                // The order filled or expired while the cancel was on its way.
                reports.append(ExecutionReport(orderID: cancel.id, event: .cancelRejected(reason: "order is no longer working", at: cancel.effective)))
            }
        }
        pendingCancels = kept
        compact()
    }

    /// Where an order still on the book sits in ``working``.
    private func workingIndex(of id: ClientOrderID) -> Int? {
        working.firstIndex { $0.order.id == id && !$0.done }
    }

    /// Cancels a working order and its OCO peers; `false` if it was no longer working.
    @discardableResult
    private mutating func cancelNow(_ id: ClientOrderID, at time: Timestamp, reports: inout [ExecutionReport]) -> Bool {
        guard let index = workingIndex(of: id) else { return false }
        cancelRemainder(index, at: time, reports: &reports)
        return true
    }

    /// Cancels what is left of the order at `index` (all of it, or an IOC/FOK remainder).
    private mutating func cancelRemainder(_ index: Int, at time: Timestamp, reports: inout [ExecutionReport]) {
        reports.append(ExecutionReport(orderID: working[index].order.id, event: .cancel(at: time)))
        end(index, at: time, reports: &reports)
    }

    /// The order left the book without completing (cancel, expiry, IOC remainder): its OCO
    /// peers go with it.
    private mutating func end(_ index: Int, at time: Timestamp, reports: inout [ExecutionReport]) {
        finish(index, at: time, reports: &reports)
        cancelPeers(of: index, at: time, reports: &reports)
    }

    /// Takes an order off the book and settles its held children: activated for what filled,
    /// cancelled if nothing did.
    private mutating func finish(_ index: Int, at time: Timestamp, reports: inout [ExecutionReport]) {
        working[index].done = true
        anyDone = true
        let parent = working[index].order
        for child in working.indices where working[child].dormant && !working[child].done && working[child].order.parentOrderID == parent.id {
            let childID = working[child].order.id
            if parent.filledQuantity.isZero {
                reports.append(ExecutionReport(orderID: childID, event: .cancel(at: time)))
                finish(child, at: time, reports: &reports)
                continue
            }
            if parent.filledQuantity < working[child].order.quantity {
                let event = OrderEvent.modify(quantity: parent.filledQuantity, at: time)
                reports.append(ExecutionReport(orderID: childID, event: event))
                try? working[child].order.apply(event)
            }
            working[child].dormant = false
            working[child].arrival = max(working[child].arrival, time)
        }
    }

    private mutating func cancelPeers(of index: Int, at time: Timestamp, reports: inout [ExecutionReport]) {
        for peer in working[index].order.ocoPeerIDs {
            guard let peerIndex = workingIndex(of: peer) else { continue }
            reports.append(ExecutionReport(orderID: peer, event: .cancel(at: time)))
            finish(peerIndex, at: time, reports: &reports)
        }
    }

    private mutating func compact() {
        guard anyDone else { return }
        working.removeAll(where: \.done)
        anyDone = false
    }

    private func isExpired(_ order: Order, at time: Timestamp) -> Bool {
        switch order.timeInForce {
        case .day: time.startOfUTCDay > order.createdAt.startOfUTCDay
        case .gtd(let expiry): time >= expiry
        case .gtc, .ioc, .fok: false
        }
    }
}
