/// A point in time: nanoseconds since the Unix epoch, UTC.
///
/// Pure code never asks for the current time; it receives a `Timestamp` from a
/// ``TradingClock`` or from the event it is handling.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanosecondsSinceEpoch: Int64

    @inlinable
    public init(nanosecondsSinceEpoch: Int64) { self.nanosecondsSinceEpoch = nanosecondsSinceEpoch }

    public init(secondsSinceEpoch seconds: Int64) { self.nanosecondsSinceEpoch = seconds * 1_000_000_000 }

    public static let epoch = Timestamp(nanosecondsSinceEpoch: 0)

    @inlinable
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch
    }

    @inlinable
    public static func + (lhs: Timestamp, rhs: TimeSpan) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: lhs.nanosecondsSinceEpoch + rhs.nanoseconds)
    }

    @inlinable
    public static func - (lhs: Timestamp, rhs: Timestamp) -> TimeSpan {
        TimeSpan(nanoseconds: lhs.nanosecondsSinceEpoch - rhs.nanosecondsSinceEpoch)
    }

    /// ISO-8601 in UTC, e.g. `2004-08-19T00:00:00Z`; fractional seconds only when present.
    public var description: String { iso8601 }
}

/// A signed length of time in nanoseconds.
public struct TimeSpan: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var nanoseconds: Int64

    @inlinable
    public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    public static func seconds(_ n: Int64) -> TimeSpan { TimeSpan(nanoseconds: n * 1_000_000_000) }
    public static func minutes(_ n: Int64) -> TimeSpan { .seconds(n * 60) }
    public static func hours(_ n: Int64) -> TimeSpan { .seconds(n * 3_600) }
    public static func days(_ n: Int64) -> TimeSpan { .seconds(n * 86_400) }
    public static let zero = TimeSpan(nanoseconds: 0)

    /// Parses a count and a unit: `250ms`, `30s`, `5m`, `1h`, `1d`, `1w`; `0` alone is zero.
    public init?(compact text: String) {
        if text == "0" {
            self = .zero
            return
        }
        let units: [(String, Int64)] = [("ms", 1_000_000), ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
                                        ("d", 86_400_000_000_000), ("w", 604_800_000_000_000)]
        for (suffix, size) in units where text.hasSuffix(suffix) {
            guard let count = Int64(text.dropLast(suffix.count)), count >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow else { return nil }
            self.init(nanoseconds: product)
            return
        }
        return nil
    }

    /// Length in (fractional) days; for statistics and annualisation only.
    public var days: Double { Double(nanoseconds) / 86_400e9 }

    public static func < (lhs: TimeSpan, rhs: TimeSpan) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    /// A compact human form: `1d`, `5m`, `1h30m`, `250ms`.
    public var description: String {
        if nanoseconds == 0 { return "0s" }
        var rest = nanoseconds.magnitude
        var parts: [String] = []
        let units: [(UInt64, String)] = [
            (86_400_000_000_000, "d"), (3_600_000_000_000, "h"), (60_000_000_000, "m"),
            (1_000_000_000, "s"), (1_000_000, "ms"), (1_000, "us"), (1, "ns"),
        ]
        for (size, name) in units where rest >= size {
            parts.append("\(rest / size)\(name)")
            rest %= size
        }
        return (nanoseconds < 0 ? "-" : "") + parts.joined()
    }
}

/// The source of "now" for the engine: simulated in backtests, the wall clock live.
///
/// The engine calls ``observe(eventTime:)`` for every event it processes: a
/// simulated clock jumps to that time, a wall clock ignores it. Nothing else in
/// the engine needs to know which kind it has.
public protocol TradingClock {
    /// The current time as this clock sees it.
    var now: Timestamp { get }
    /// Informs the clock that an event stamped `eventTime` is being processed.
    mutating func observe(eventTime: Timestamp)
}
