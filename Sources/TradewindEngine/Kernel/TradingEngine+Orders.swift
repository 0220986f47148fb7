import TradewindCore
import TradewindRisk
import TradewindStrategy

extension TradingEngine {
    /// Sends a strategy's queued commands through the pre-trade checks to the venue.
    mutating func dispatchCommands(_ slot: Int) throws(EngineError) {
        contexts[slot].drainCommands(into: &commands)
        guard !commands.isEmpty else { return }
        var index = 0
        while index < commands.count {
            switch commands[index] {
            case .submit(let id, let request): try submit(id, request, owner: slot)
            case .cancel(let id): try requestCancel(id)
            }
            index += 1
            try applyReports()
            // onFill callbacks may queue more commands; they run in the same pass.
            contexts[slot].drainCommands(into: &commands)
        }
        commands.removeAll(keepingCapacity: true)
    }

    mutating func submit(_ id: ClientOrderID, _ request: OrderRequest, owner slot: Int) throws(EngineError) {
        let now = clock.now
        var order: Order
        do {
            order = try Order(id: id, request: request, createdAt: now)
        } catch {
            // An order that cannot even be built is recorded as denied so the strategy's
            // mistake is visible in the results instead of vanishing.
            order = try makeDeniedPlaceholder(id, request, reason: error.description)
            record(order, owner: slot)
            try notifyStrategy(of: order, owner: slot)
            return
        }
        if let reason = preTradeCheck(order) ?? riskCheck(order) {
            try transition(&order, .deny(reason: reason, at: now))
            record(order, owner: slot)
            try notifyStrategy(of: order, owner: slot)
            return
        }
        try transition(&order, .submit(at: now))
        record(order, owner: slot)
        openOrderIDs.append(id)
        contexts[slot].addOpenOrder(id, instrument: order.instrumentID)
        venue.submit(order, now: now, reports: &reports)
    }

    /// Cancelling an order that already finished is a normal race, not an error: it is ignored.
    mutating func requestCancel(_ id: ClientOrderID) throws(EngineError) {
        guard let index = orderIndex[id], orders[index].status.isWorking, orders[index].status != .pendingCancel else { return }
        try transition(&orders[index], .requestCancel(at: clock.now))
        venue.cancel(id, now: clock.now, reports: &reports)
    }

    /// Reduce-only, then buying power and no-short checks for cash accounts or initial margin
    /// for margin accounts, priced at the latest mark. The account's positions decide, whichever
    /// strategy asks.
    func preTradeCheck(_ order: Order) -> String? {
        guard let instrument = instruments.firstIndex(where: { $0.id == order.instrumentID }) else {
            return "unknown instrument \(order.instrumentID)"
        }
        let position = portfolio.positions[instrument].quantity
        // A bracket's exits close the position their entry opens; the venue holds them until then.
        if order.parentOrderID != nil { return nil }
        if order.reduceOnly {
            let reduces = order.side == .buy ? position.isNegative && order.quantity <= position.magnitude
                                             : position.isPositive && order.quantity <= position
            if !reduces { return "reduce-only order would open or grow a position: \(order.side) \(order.quantity) with \(position) held" }
        }
        guard portfolio.accountType == .cash else { return marginCheck(order, instrument: instrument) }
        switch order.side {
        case .buy:
            let price = order.type.limitPrice ?? portfolio.mark(of: instrument)
            guard let price else { return nil }
            let cost = price * order.quantity
            if cost > portfolio.account.cash {
                return "insufficient cash: order needs about \(cost.formatted(places: 2)), cash is \(portfolio.account.cash.formatted(places: 2))"
            }
        case .sell:
            // Orders of one OCO group can only ever execute once between them: count the group once.
            var counted: [ClientOrderID] = []
            var committed = Quantity.zero(precision: position.precision)
            for id in openOrderIDs {
                guard let index = orderIndex[id] else { continue }
                let open = orders[index]
                guard open.side == .sell, open.instrumentID == order.instrumentID, !order.ocoPeerIDs.contains(open.id) else { continue }
                if !open.ocoPeerIDs.isEmpty {
                    if open.ocoPeerIDs.contains(where: counted.contains) { continue }
                    counted.append(open.id)
                }
                committed += open.remainingQuantity
            }
            if order.quantity + committed > position {
                return "cash account cannot sell short: selling \(order.quantity) with \(position) held"
            }
        }
        return nil
    }

    /// The risk engine's decision on an order (brackets' exits, which only reduce, pass).
    mutating func riskCheck(_ order: Order) -> String? {
        guard hasRisk, order.parentOrderID == nil,
              let index = instruments.firstIndex(where: { $0.id == order.instrumentID }) else { return nil }
        let proposal = OrderProposal(instrument: instruments[index], side: order.side, quantity: order.quantity,
                                     price: order.type.limitPrice ?? order.type.triggerPrice, lastPrice: portfolio.mark(of: index),
                                     position: portfolio.positions[index].quantity, grossExposure: portfolio.grossExposure,
                                     openOrders: openOrderIDs.count)
        // Read first: changing `risk` (observed, to keep `hasRisk`) takes the whole engine.
        let now = clock.now
        return risk!.check(proposal, at: now).reason
    }

    /// Post-trade limits on the equity just recorded; a halt cancels every working order.
    mutating func observeRisk() throws(EngineError) {
        let equity = portfolio.equity, now = clock.now
        guard let event = risk?.observe(equity: equity, at: now), event.to == .halted else { return }
        for id in openOrderIDs { try requestCancel(id) }
        if !reports.isEmpty { try applyReports() }
    }

    /// An order that would raise gross exposure needs equity for the initial margin of the
    /// exposure it would leave, priced at its limit or trigger, else the latest mark.
    func marginCheck(_ order: Order, instrument: Int) -> String? {
        guard let price = order.type.limitPrice ?? order.type.triggerPrice ?? portfolio.mark(of: instrument) else { return nil }
        let signed = order.side == .buy ? order.quantity : -order.quantity
        let gross = portfolio.revalued(instrument, at: price * (portfolio.positions[instrument].quantity + signed)).grossExposure
        guard gross > portfolio.grossExposure else { return nil }
        let required = gross * margin.initialRate
        if portfolio.equity < required {
            return "insufficient margin: exposure \(gross.formatted(places: 2)) needs initial margin \(required.formatted(places: 2)), "
                + "equity is \(portfolio.equity.formatted(places: 2))"
        }
        return nil
    }

    func makeDeniedPlaceholder(_ id: ClientOrderID, _ request: OrderRequest, reason: String) throws(EngineError) -> Order {
        // Build a well-formed order carrying the request's identity, then deny it.
        var safe = request
        if !safe.quantity.isPositive { safe.quantity = Quantity(uncheckedRaw: 1, precision: 0) }
        safe.type = .market
        safe.timeInForce = .gtc
        safe.postOnly = false
        var order: Order
        do { order = try Order(id: id, request: safe, createdAt: clock.now) } catch { throw .order(error) }
        try transition(&order, .deny(reason: reason, at: clock.now))
        return order
    }

    mutating func record(_ order: Order, owner: Int) {
        orderIndex[order.id] = orders.count
        orders.appendLarge(order)
        orderOwners.appendLarge(owner)
    }

    func transition(_ order: inout Order, _ event: OrderEvent) throws(EngineError) {
        do { try order.apply(event) } catch { throw .order(error) }
    }

    /// Applies buffered venue reports in arrival order.
    ///
    /// A fill whose trade id the order already has is a replay (venues re-send after
    /// reconnects) and is dropped, so it can never be counted twice. Any other
    /// inconsistency is fatal; the buffer is emptied either way.
    mutating func applyReports() throws(EngineError) {
        guard !reports.isEmpty else { return }
        defer { reports.removeAll(keepingCapacity: true) }
        var index = 0
        while index < reports.count {
            let report = reports[index]
            index += 1
            guard let position = orderIndex[report.orderID] else { throw .unknownOrder(report.orderID) }
            do {
                try orders[position].apply(report.event)
            } catch .duplicateFill {
                continue
            } catch {
                throw .order(error)
            }
            let owner = orderOwners[position]
            if orders[position].status.isTerminal {
                if let open = openOrderIDs.firstIndex(of: report.orderID) { openOrderIDs.remove(at: open) }
                contexts[owner].removeOpenOrder(report.orderID)
            }
            if case .fill(let fill) = report.event {
                try applyFill(fill, owner: owner)
            } else {
                try notifyStrategy(of: orders[position], owner: owner)
            }
        }
    }

    mutating func notifyStrategy(of order: Order, owner slot: Int) throws(EngineError) {
        do { try strategySlots[slot].onOrderUpdate(order, context: &contexts[slot]) } catch { throw callbackFailure(slot, "onOrderUpdate", error) }
    }

    /// Books a fill to the account and to the owning strategy, then tells that strategy.
    mutating func applyFill(_ fill: Fill, owner slot: Int) throws(EngineError) {
        guard let instrument = instruments.firstIndex(where: { $0.id == fill.instrumentID }) else {
            throw .unknownOrder(fill.orderID)
        }
        book(fill, instrument: instrument, owner: slot)
        do { try strategySlots[slot].onFill(fill, context: &contexts[slot]) } catch { throw callbackFailure(slot, "onFill", error) }
    }

    /// The accounting of a fill: account, trades, the owner's book, every strategy's view.
    @inline(__always)
    mutating func book(_ fill: Fill, instrument: Int, owner slot: Int) {
        fills.appendLarge(fill)
        let change = portfolio.apply(fill, instrument: instrument)
        if let trade = change.closedTrade { trades.appendLarge(trade) }
        if let strategyTrade = attribution[slot].positions[instrument].apply(fill).closedTrade {
            attribution[slot].trades.appendLarge(strategyTrade)
        }
        attribution[slot].fillCount += 1
        attribution[slot].fees += fill.fee
        for other in strategySlots.indices { refreshAccount(other) }
        refreshPosition(slot, instrument)
    }

    /// Cash and equity are shared: every strategy sees them change.
    mutating func refreshAccount(_ slot: Int) {
        contexts[slot].now = clock.now
        contexts[slot].cash = portfolio.account.cash
        contexts[slot].equity = portfolio.equity
    }
}
