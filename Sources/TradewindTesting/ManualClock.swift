public import TradewindCore

/// A clock tests set by hand. Like the simulated clock it follows observed events,
/// but it also records every time it was told about, so tests can assert on order.
public struct ManualClock: TradingClock, Sendable {
    public var now: Timestamp
    public private(set) var observed: [Timestamp] = []

    public init(now: Timestamp = .epoch) { self.now = now }

    public mutating func observe(eventTime: Timestamp) {
        observed.append(eventTime)
        if eventTime > now { now = eventTime }
    }
}
