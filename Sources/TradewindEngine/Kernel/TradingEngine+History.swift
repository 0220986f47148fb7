import TradewindCore

/// What a live engine lets go of. A backtest keeps every order, fill, closed trade and equity
/// point for its report; a live bot runs for months and journals all of them as they happen, so
/// its engine keeps only what its next decisions need.
extension TradingEngine {
    /// Fills, closed trades and finished orders ever booked, summed over the strategies (and kept
    /// across ``discardHistory(keepingEquityPoints:)``, unlike ``fills``).
    public var fillCount: Int { attribution.reduce(0) { $0 + $1.fillCount } }

    /// Drops finished orders, the fills and closed trades already booked, and all but the newest
    /// `keepingEquityPoints` equity points.
    ///
    /// Kept: every unfinished order (with the trade ids of its fills, so a repeated fill is still
    /// refused), positions, the account, the risk engine's state, and each strategy's fill count
    /// and fees. ``order(_:)`` no longer finds a dropped order, so a caller applying venue reports
    /// skips those for orders it does not know (a finished order takes no further report anyway).
    /// - Complexity: O(unfinished orders + `keepingEquityPoints`); call it now and then, not per bar.
    public mutating func discardHistory(keepingEquityPoints: Int) {
        var keptOrders: [Order] = []
        var keptOwners: [Int] = []
        var keptIndex: [ClientOrderID: Int] = [:]
        keptIndex.reserveCapacity(openOrderIDs.count)
        for position in orders.indices where !orders[position].status.isTerminal {
            keptIndex[orders[position].id] = keptOrders.count
            keptOrders.append(orders[position])
            keptOwners.append(orderOwners[position])
        }
        orders = keptOrders
        orderOwners = keptOwners
        orderIndex = keptIndex
        fills.removeAll()
        trades.removeAll()
        for slot in attribution.indices { attribution[slot].trades.removeAll() }
        let keep = max(0, keepingEquityPoints)
        if equityCurve.count > keep { equityCurve = EquityCurve(equityCurve.suffix(keep)) }
    }
}
