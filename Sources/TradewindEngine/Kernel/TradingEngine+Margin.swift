import TradewindCore
import TradewindStrategy

/// Account mechanics that happen between fills: perpetual funding, margin calls and
/// liquidation (see ``MarginPolicy`` and ``FundingSchedule`` for the rules).
extension TradingEngine {
    /// Settles every funding time of the bar's instrument that falls within the bar.
    mutating func settleFunding(_ event: BarEvent) throws(EngineError) {
        try settleFunding(instrument: event.instrument, from: event.bar.openTime, through: event.bar.closeTime, mark: event.bar.close)
    }

    /// Settles every funding time of `instrument` up to `end` (the first one after `start` when
    /// the instrument has not been seen before), at `mark`.
    mutating func settleFunding(instrument: Int, from start: Timestamp, through end: Timestamp, mark: Price) throws(EngineError) {
        guard let schedule = funding[instrument] else { return }
        var next = nextFunding[instrument] ?? schedule.nextTime(after: start)
        while next <= end {
            let quantity = portfolio.positions[instrument].quantity
            if !quantity.isZero {
                let rate = schedule.rate(at: next)
                // Each strategy pays on its own position; the shares add up to the account's
                // payment because the positions do.
                var amount = Money.zero
                for slot in strategySlots.indices {
                    let held = attribution[slot].positions[instrument].quantity
                    guard !held.isZero else { continue }
                    let share = (mark * held) * rate
                    attribution[slot].funding += share
                    amount += share
                }
                portfolio.applyFunding(amount)
                try notifyStrategies(of: .funding(instrumentID: instruments[instrument].id, rate: rate, markPrice: mark,
                                                  amount: amount, at: next))
            }
            next = next + schedule.interval
        }
        nextFunding[instrument] = next
    }

    /// Liquidates if the bar's adverse extreme takes equity below maintenance; otherwise
    /// raises or clears the margin call.
    mutating func checkMargin(_ event: BarEvent) throws(EngineError) {
        let bar = event.bar
        let quantity = portfolio.positions[event.instrument].quantity
        try checkMargin(instrument: event.instrument, adverse: quantity.isPositive ? bar.low : bar.high, mark: bar.close,
                        at: bar.closeTime) { (engine: Self) in engine.liquidationPrice(event, quantity: quantity) }
    }

    /// The margin check at one price: the worst the event reached against the position
    /// (`adverse`), then the mark it ended at; `liquidation` says where and when a breach at
    /// the adverse price is executed.
    mutating func checkMargin(instrument index: Int, adverse: Price, mark: Price, at time: Timestamp,
                              liquidation: (Self) -> (Price, Timestamp)) throws(EngineError) {
        let quantity = portfolio.positions[index].quantity
        let maintenanceRate = margin.maintenanceRate
        if !quantity.isZero {
            let (worstEquity, worstGross) = portfolio.revalued(index, at: adverse * quantity)
            if worstEquity < worstGross * maintenanceRate {
                let (price, when) = liquidation(self)
                try liquidate(at: when, price: price, of: index, equity: worstEquity, maintenance: worstGross * maintenanceRate)
                return
            }
        }
        let maintenance = portfolio.grossExposure * maintenanceRate
        if !portfolio.grossExposure.isZero && portfolio.equity < maintenance {
            try liquidate(at: time, price: mark, of: index, equity: portfolio.equity, maintenance: maintenance)
            return
        }
        let initial = portfolio.grossExposure * margin.initialRate
        if portfolio.equity < initial {
            if !inMarginCall {
                inMarginCall = true
                try notifyStrategies(of: .marginCall(equity: portfolio.equity, initialMargin: initial, maintenanceMargin: maintenance,
                                                   at: time))
            }
        } else {
            inMarginCall = false
        }
    }

    /// Where equity meets the maintenance margin along the bar, on the tick grid against the
    /// trader; the open if the bar opened past it. With equity E and exposure X_o elsewhere
    /// at the close c, and q held here: E + q(p − c) = m (X_o + |q| p).
    func liquidationPrice(_ event: BarEvent, quantity: Quantity) -> (Price, Timestamp) {
        let bar = event.bar
        let isLong = quantity.isPositive
        let q = quantity.doubleValue
        let m = margin.maintenanceRate.doubleValue
        let elsewhere = (portfolio.grossExposure - portfolio.value(event.instrument).magnitude).doubleValue
        let level = (m * elsewhere - portfolio.equity.doubleValue + q * bar.close.doubleValue) / (q - m * abs(q))
        let tick = instruments[event.instrument].tickSize
        let ticks = (level / tick.doubleValue).rounded(isLong ? .down : .up)
        let onGrid = Price(uncheckedRaw: Int64(ticks) * tick.raw, precision: tick.precision)
        // The adverse extreme is the path's second point if it is nearer the open, else the third.
        let adverseFirst = isLong ? !bar.isHighFirst : bar.isHighFirst
        let extremeTime = bar.pathTime(adverseFirst ? 1 : 2)
        if isLong ? bar.open <= onGrid : bar.open >= onGrid { return (bar.open, bar.openTime) }
        return (isLong ? max(onGrid, bar.low) : min(onGrid, bar.high), extremeTime)
    }

    /// Cancels the working orders and closes every position, each strategy's share as its own
    /// order and fill: the breaching instrument at `price`, the others at their marks.
    mutating func liquidate(at time: Timestamp, price: Price, of breached: Int, equity: Money, maintenance: Money) throws(EngineError) {
        for id in openOrderIDs { try requestCancel(id) }
        try applyReports()
        for slot in strategySlots.indices {
            for index in instruments.indices where !attribution[slot].positions[index].isFlat {
                let quantity = attribution[slot].positions[index].quantity
                guard let fillPrice = index == breached ? price : portfolio.mark(of: index) else { continue }
                liquidationSequence += 1
                let id = ClientOrderID(prefix: "liquidation", number: liquidationSequence)
                let side: OrderSide = quantity.isPositive ? .sell : .buy
                let request = OrderRequest(instrumentID: instruments[index].id, side: side, quantity: quantity.magnitude, reduceOnly: true)
                var order: Order
                do { order = try Order(id: id, request: request, createdAt: time) } catch { throw .order(error) }
                try transition(&order, .submit(at: time))
                try transition(&order, .accept(at: time))
                let fill = Fill(orderID: id, tradeID: TradeID(prefix: "LIQ", number: liquidationSequence), instrumentID: order.instrumentID, side: side,
                                quantity: quantity.magnitude, price: fillPrice,
                                fee: (fillPrice * quantity.magnitude) * margin.liquidationFeeRate, liquidity: .taker, timestamp: time)
                try transition(&order, .fill(fill))
                record(order, owner: slot)
                try applyFill(fill, owner: slot)
            }
        }
        inMarginCall = false
        try notifyStrategies(of: .liquidation(equity: equity, maintenanceMargin: maintenance, at: time))
    }

    /// Account events concern every strategy sharing the account.
    mutating func notifyStrategies(of event: AccountEvent) throws(EngineError) {
        for slot in strategySlots.indices {
            refreshContext(slot)
            do { try strategySlots[slot].onAccountEvent(event, context: &contexts[slot]) } catch {
                throw callbackFailure(slot, "onAccountEvent", error)
            }
        }
    }
}
