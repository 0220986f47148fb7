public import TradewindCore

/// A clock that moves only when told: the backtest's sense of "now".
///
/// It never goes backwards. When several instruments interleave, a bar may open
/// before another instrument's bar closed; the clock then stays where it is.
public struct SimulatedClock: TradingClock, Sendable {
    public private(set) var now: Timestamp

    public init(start: Timestamp = .epoch) { self.now = start }

    public mutating func observe(eventTime: Timestamp) {
        if eventTime > now { now = eventTime }
    }

    /// Moves to `time`, which must not be earlier than now (a programming error otherwise).
    public mutating func advance(to time: Timestamp) {
        precondition(time >= now, "simulated time cannot go back from \(now) to \(time)")
        now = time
    }
}
