#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
public import TradewindCore

/// The wall clock, for the edges (venue timestamps, back-off, records' times); the strategy and
/// the pure modules never read it — they are handed times.
public enum WallClock {
    public static func now() -> Timestamp {
        // clock_gettime directly: exact nanoseconds, and cheap enough for the trading path.
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Timestamp(nanosecondsSinceEpoch: Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec))
    }
}
