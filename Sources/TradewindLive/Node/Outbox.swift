import TradewindCore
import TradewindEngine

/// The trading engine's venue in a live bot: it only collects what the engine sends, so the bot
/// can write each order to the journal before handing it to the real venue adapter. While the bot
/// warms its strategy up on history bars, orders are refused at once (history is not traded).
final class Outbox: ExecutionVenue {
    enum Command {
        case submit(Order)
        case cancel(ClientOrderID)
    }

    private(set) var pending: [Command] = []
    var warmingUp = false

    func submit(_ order: Order, now: Timestamp, reports: inout [ExecutionReport]) {
        if warmingUp {
            reports.append(ExecutionReport(orderID: order.id, event: .reject(reason: "warm-up: orders on history bars are not sent", at: now)))
            return
        }
        pending.append(.submit(order))
    }

    func cancel(_ orderID: ClientOrderID, now: Timestamp, reports: inout [ExecutionReport]) {
        if warmingUp {
            reports.append(ExecutionReport(orderID: orderID, event: .cancel(at: now)))
            return
        }
        pending.append(.cancel(orderID))
    }

    func onBar(_ event: BarEvent, reports: inout [ExecutionReport]) {}

    func drain() -> [Command] {
        defer { pending.removeAll(keepingCapacity: true) }
        return pending
    }
}
