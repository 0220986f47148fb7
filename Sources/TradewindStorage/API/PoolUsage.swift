import Metrics
import Synchronization

/// How many of a store's connections are busy, for `/metrics`: `tradewind_db_connections_in_use`
/// against `tradewind_db_pool_size` (SQLite: its readers plus the writer; PostgreSQL: the pool).
final class PoolUsage: Sendable {
    private let inUse = Atomic<Int>(0)
    private let gauge: Gauge

    init(engine: String, size: Int) {
        gauge = Gauge(label: "tradewind_db_connections_in_use", dimensions: [("engine", engine)])
        Gauge(label: "tradewind_db_pool_size", dimensions: [("engine", engine)]).record(size)
    }

    func measure<T>(_ body: () async throws -> T) async rethrows -> T {
        gauge.record(inUse.add(1, ordering: .relaxed).newValue)
        defer { gauge.record(inUse.subtract(1, ordering: .relaxed).newValue) }
        return try await body()
    }

    func measureBlocking<T>(_ body: () throws -> T) rethrows -> T {
        gauge.record(inUse.add(1, ordering: .relaxed).newValue)
        defer { gauge.record(inUse.subtract(1, ordering: .relaxed).newValue) }
        return try body()
    }
}
