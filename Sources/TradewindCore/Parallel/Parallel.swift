import Dispatch
#if canImport(Glibc)
import Glibc
#endif

/// CPU-bound work spread over the cores from synchronous code, with results in a fixed order
/// so that the outcome never depends on the number of cores or on scheduling.
///
/// For work that takes milliseconds or more: each call blocks the calling thread until every
/// piece is done, and the calling thread does one of the pieces itself.
public enum Parallel {
    /// The cores online (at least one).
    public static var cores: Int {
        #if canImport(Glibc)
        max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        #else
        1
        #endif
    }

    /// Runs both closures at once and returns both results. Errors are rethrown in argument
    /// order: the first closure's error wins when both fail.
    public static func both<A, B>(_ first: @Sendable () throws -> A, _ second: @Sendable () throws -> B) throws -> (A, B) {
        nonisolated(unsafe) var a: Result<A, any Error>?
        nonisolated(unsafe) var b: Result<B, any Error>?
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            if index == 0 { a = Result { try first() } } else { b = Result { try second() } }
        }
        return (try a!.get(), try b!.get())
    }

    /// `transform` of each index in `0..<count`, computed concurrently, in index order.
    public static func map<T>(_ count: Int, _ transform: @Sendable (Int) -> T) -> [T] {
        guard count > 1 else { return count == 1 ? [transform(0)] : [] }
        nonisolated(unsafe) var slots = [T?](repeating: nil, count: count)
        slots.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let buffer = buffer
            DispatchQueue.concurrentPerform(iterations: count) { index in buffer[index] = transform(index) }
        }
        return slots.map { $0! }
    }
}
