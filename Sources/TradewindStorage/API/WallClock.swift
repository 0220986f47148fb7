import Foundation
public import TradewindCore

/// The wall clock, for the edges (venue timestamps, back-off, records' times); the strategy and
/// the pure modules never read it — they are handed times.
public enum WallClock {
    public static func now() -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1e9).rounded()))
    }
}
