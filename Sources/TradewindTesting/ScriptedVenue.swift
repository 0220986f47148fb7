public import TradewindCore
public import TradewindEngine

/// A venue whose behaviour the test scripts: it records every call and answers
/// with the reports the test queued. Real enough to drive the engine's order
/// handling without any matching logic.
public struct ScriptedVenue: ExecutionVenue, Sendable {
    public private(set) var submitted: [Order] = []
    public private(set) var cancelled: [ClientOrderID] = []
    public private(set) var barsSeen = 0
    /// Reports to deliver on the next call of any method, in order.
    public var queued: [ExecutionReport] = []
    /// Whether to acknowledge each submission immediately.
    public var acceptOnSubmit: Bool

    public init(acceptOnSubmit: Bool = true) { self.acceptOnSubmit = acceptOnSubmit }

    public mutating func submit(_ order: Order, now: Timestamp, reports: inout [ExecutionReport]) {
        submitted.append(order)
        if acceptOnSubmit { reports.append(ExecutionReport(orderID: order.id, event: .accept(at: now))) }
        deliver(into: &reports)
    }

    public mutating func cancel(_ orderID: ClientOrderID, now: Timestamp, reports: inout [ExecutionReport]) {
        cancelled.append(orderID)
        reports.append(ExecutionReport(orderID: orderID, event: .cancel(at: now)))
        deliver(into: &reports)
    }

    public mutating func onBar(_ event: BarEvent, reports: inout [ExecutionReport]) {
        barsSeen += 1
        deliver(into: &reports)
    }

    private mutating func deliver(into reports: inout [ExecutionReport]) {
        reports.append(contentsOf: queued)
        queued.removeAll()
    }
}
