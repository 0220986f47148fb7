public import TradewindCore
import TradewindStrategy

/// What a live bot needs that a backtest does not: its own order ids, and the state its journal
/// recorded before a restart. The strategy itself is never told about restored state through
/// callbacks: it sees the positions and open orders in its context, as if it had never stopped.
extension TradingEngine {
    /// Order ids become `<prefix>-<n>` (a strategy's name otherwise); with several strategies,
    /// `<prefix>.<slot>-<n>`. Call before the first event.
    public mutating func useOrderIDPrefix(_ prefix: String) {
        for slot in contexts.indices {
            contexts[slot].orderIDPrefix = contexts.count == 1 ? prefix : "\(prefix).\(slot)"
        }
    }

    /// Books a fill recorded before a restart to the account and the first strategy's book,
    /// without calling the strategy (it happened in an earlier life of the bot).
    public mutating func restore(fill: Fill) throws(EngineError) {
        guard let instrument = instruments.firstIndex(where: { $0.id == fill.instrumentID }) else {
            throw .configuration("recovered fill \(fill.tradeID) is for \(fill.instrumentID), which the bot does not trade")
        }
        book(fill, instrument: instrument, owner: 0)
    }

    /// Takes over a working order from before a restart (already submitted and accepted, with
    /// its earlier fills applied), owned by the first strategy; later reports apply to it.
    public mutating func adopt(_ order: Order) throws(EngineError) {
        guard orderIndex[order.id] == nil else { return }
        guard order.status.isWorking else { throw .configuration("adopted order \(order.id) is \(order.status), not working") }
        record(order, owner: 0)
        openOrderIDs.append(order.id)
        contexts[0].addOpenOrder(order.id, instrument: order.instrumentID)
    }
}
