import ArgumentParser
import Foundation
import TradewindCore
import TradewindMarketData
import TradewindStorage

/// `tradewind-bench storage`: bulk insert, range read and a mixed concurrent load.
struct StorageBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "storage",
        abstract: "Bulk insert and range read of one-minute candles, then concurrent tasks mixing reads and writes.",
        discussion: """
            Runs against a fresh SQLite file in the temporary directory, and against PostgreSQL when --postgres is given \
            (a fresh schema in that database, dropped with the run's data left for inspection).
            """
    )

    @Option(help: "Rows to insert and read back.") var rows = 1_000_000
    @Option(help: "PostgreSQL URL to measure as well (postgres://user:pass@host:port/db).") var postgres: String?
    @Option(help: "Concurrent tasks in the mixed load.") var tasks = 64
    @Option(help: "Seconds the mixed load runs.") var seconds = 30.0
    @Option(help: "Timed read runs (median reported).") var runs = 3

    func run() async throws {
        var targets = ["sqlite:" + NSTemporaryDirectory() + "tradewind-bench-\(UUID().uuidString).db"]
        if let postgres {
            let separator = postgres.contains("?") ? "&" : "?"
            targets.append(postgres + separator + "schema=bench\(UUID().uuidString.prefix(8).lowercased())&pool=\(min(64, max(8, tasks)))")
        }
        let bars = RandomWalk(seed: 7).bars(count: rows)
        for url in targets { try await measure(url, bars: bars) }
    }

    func measure(_ url: String, bars: [Bar]) async throws {
        let store = try await openStore(url)
        let instrument = try Instrument(id: InstrumentID(symbol: "WALK", venue: "BENCH"), pricePrecision: 2, sizePrecision: 0)
        _ = try await store.register(instrument)
        print("\(store.location)")

        let clock = ContinuousClock()
        let insert = try await clock.measure {
            let inserted = try await store.insertCandles(bars, instrument: instrument.id, timeframe: "1m")
            precondition(inserted == bars.count)
        }
        print("  bulk insert: \(bars.count) rows in \(format(insert)) s = \(Int(Double(bars.count) / insert.inSeconds)) rows/s")

        var reads: [Double] = []
        for _ in 0..<runs {
            let elapsed = try await clock.measure {
                let read = try await store.candles(instrument: instrument.id, timeframe: "1m", from: nil, to: nil)
                precondition(read.count == bars.count)
            }
            reads.append(elapsed.inSeconds)
        }
        reads.sort()
        print("  range read: \(bars.count) rows in \(String(format: "%.3f", reads[reads.count / 2])) s (median of \(runs)) = "
            + "\(Int(Double(bars.count) / reads[reads.count / 2])) rows/s")

        try await mixedLoad(store, instrument: instrument, bars: bars)
        await store.close()
    }

    /// Each task loops until the deadline: 4 reads of a random day (1,440 bars) for every write of 100 new bars.
    func mixedLoad(_ store: any Store, instrument: Instrument, bars: [Bar]) async throws {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        let lastStart = bars.last!.openTime.nanosecondsSinceEpoch
        let results = await withTaskGroup(of: (latencies: [Double], errors: [String], reads: Int, writes: Int).self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var latencies: [Double] = []
                    var errors: [String] = []
                    var reads = 0, writes = 0
                    var state = UInt64(task + 1) &* 0x9E37_79B9_7F4A_7C15
                    var round = 0
                    while ContinuousClock.now < deadline {
                        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                        let start = ContinuousClock.now
                        do {
                            if round % 5 == 4 {
                                // Fresh bars after the series: tasks write disjoint minutes.
                                let base = lastStart / 1_000_000_000 + 60 + Int64((task * 10_000 + writes % 10_000) * 100 * 60)
                                let batch = (0..<100).map { i in
                                    Bar(openTime: Timestamp(secondsSinceEpoch: base + Int64(i) * 60), closeTime: Timestamp(secondsSinceEpoch: base + Int64(i + 1) * 60),
                                        openRaw: 10_000, highRaw: 10_010, lowRaw: 9_990, closeRaw: 10_005, volumeRaw: 1, pricePrecision: 2, sizePrecision: 0)
                                }
                                _ = try await store.insertCandles(batch, instrument: instrument.id, timeframe: "1m")
                                writes += 1
                            } else {
                                let offset = Int(state >> 33) % max(1, bars.count - 1_440)
                                _ = try await store.candles(instrument: instrument.id, timeframe: "1m", from: bars[offset].openTime,
                                                            to: bars[offset + min(1_440, bars.count - offset - 1)].openTime)
                                reads += 1
                            }
                        } catch {
                            errors.append("\(error)")
                        }
                        latencies.append((ContinuousClock.now - start).inSeconds)
                        round += 1
                    }
                    return (latencies, errors, reads, writes)
                }
            }
            var all: (latencies: [Double], errors: [String], reads: Int, writes: Int) = ([], [], 0, 0)
            for await result in group {
                all.latencies += result.latencies
                all.errors += result.errors
                all.reads += result.reads
                all.writes += result.writes
            }
            return all
        }
        let sorted = results.latencies.sorted()
        func percentile(_ p: Double) -> String { sorted.isEmpty ? "-" : String(format: "%.1f ms", sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000) }
        print("  mixed load: \(tasks) tasks × \(Int(seconds)) s: \(results.reads) reads (a day of 1,440 bars) + \(results.writes) writes (100 bars), "
            + "\(Int(Double(sorted.count) / seconds)) ops/s, p50 \(percentile(0.5)), p99 \(percentile(0.99)), errors \(results.errors.count)")
        for error in Set(results.errors).prefix(3) { print("    error: \(error)") }
    }

    func format(_ duration: Duration) -> String { String(format: "%.3f", duration.inSeconds) }
}
