import ArgumentParser
import Foundation
import Logging
import TradewindAlerts
import TradewindCore
import TradewindNotifications
import TradewindStorage

/// `tradewind-bench notify`: what reporting an event costs the trading path.
struct NotifyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Latency a notification adds to the trading path, while a delivery service drains the queue.",
        discussion: """
            Each event is built as a bot builds it (a fill's title interpolated, the wall clock read) and handed to \
            the bounded queue; a delivery service with batching and a rate limit drains it into a channel that \
            takes 1 ms per message and records every message in a fresh SQLite file. Reported: per-event latency \
            of the hand-off at a steady rate (--rate events/s for --seconds) and for a burst as fast as possible.
            """
    )

    @Option(help: "Events per second in the paced run.") var rate = 10_000
    @Option(help: "Seconds of the paced run.") var seconds = 5
    @Option(help: "Events in the unpaced burst.") var burst = 1_000_000
    @Option(help: "How the paced loop waits for its next millisecond: spin (a busy trading loop, the default) or sleep.")
    var pacing = "spin"

    /// A channel that takes a millisecond per message, as a fast network would.
    struct SlowChannel: NotificationChannel {
        let name = "bench"
        func send(_ notice: Notice) async throws(DeliveryError) {
            try? await Task.sleep(for: .milliseconds(1))
        }
    }

    func run() async throws {
        let store = try await openStore("sqlite:" + NSTemporaryDirectory() + "tradewind-notify-bench-\(UUID().uuidString).db")
        let queue = NoticeQueue(capacity: 1_000)
        let delivery = DeliveryService(queue: queue, channels: [SlowChannel()], routing: AlertRouting(routes: [.info: ["bench"], .critical: ["bench"]]),
                                       store: store, settings: DeliverySettings(batchWindow: .seconds(60), perMinute: 600, burst: 10),
                                       logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        let service = Task { try await delivery.run() }
        let symbols = (0..<10).map { "SYM\($0)" }
        let price = Price("43000.10"), quantity = Quantity("0.5")

        func event(_ number: Int) -> Notice {
            let symbol = symbols[number % symbols.count]
            // As TradingBot reports a fill: values now, text when delivered.
            return Notice(severity: number % 1_000 == 999 ? .critical : .info, category: "fill", subject: symbol, bot: "bench",
                          headline: .fill(bought: true, quantity: quantity, symbol: symbol, price: price), time: WallClock.now())
        }

        // Paced: the trading loop reports `rate` events a second.
        var paced: [Int64] = [], building: [Int64] = [], offering: [Int64] = []
        paced.reserveCapacity(rate * seconds)
        building.reserveCapacity(rate * seconds)
        offering.reserveCapacity(rate * seconds)
        let start = ContinuousClock.now
        let perMillisecond = max(1, rate / 1_000)
        var number = 0
        for millisecond in 0..<(seconds * 1_000) {
            for _ in 0..<perMillisecond {
                let before = ContinuousClock.now
                let notice = event(number)
                let built = ContinuousClock.now
                queue.offer(notice)
                let after = ContinuousClock.now
                paced.append((after - before).inNanoseconds)
                building.append((built - before).inNanoseconds)
                offering.append((after - built).inNanoseconds)
                number += 1
            }
            let target = start + .milliseconds(millisecond + 1)
            if pacing == "sleep" {
                if ContinuousClock.now < target { try await Task.sleep(until: target, clock: .continuous) }
            } else {
                while ContinuousClock.now < target {}
            }
        }
        let pacedDrops = queue.drops
        print("  of which building the notice: p50 \(Self.format(building, 0.5)), p99 \(Self.format(building, 0.99)); "
              + "the queue's offer: p50 \(Self.format(offering, 0.5)), p99 \(Self.format(offering, 0.99)), p99.9 \(Self.format(offering, 0.999))")
        print("paced (\(pacing)): \(paced.count) events at \(rate)/s for \(seconds) s: hand-off p50 \(Self.format(paced, 0.5)), p99 \(Self.format(paced, 0.99)), "
              + "p99.9 \(Self.format(paced, 0.999)), max \(Self.format(paced, 1)); dropped \(pacedDrops.info) info (queue of \(queue.capacity))")

        // Burst: as fast as the loop can go; the queue fills and sheds info notices.
        var bursty: [Int64] = []
        bursty.reserveCapacity(burst)
        let burstStart = ContinuousClock.now
        for index in 0..<burst {
            let before = ContinuousClock.now
            queue.offer(event(index))
            bursty.append((ContinuousClock.now - before).inNanoseconds)
        }
        let burstElapsed = ContinuousClock.now - burstStart
        let burstSeconds = Double(burstElapsed.inNanoseconds) / 1e9
        print("burst: \(burst) events in \(String(format: "%.3f", burstSeconds)) s (\(String(format: "%.1f", Double(burst) / burstSeconds / 1e6)) M/s): "
              + "hand-off p50 \(Self.format(bursty, 0.5)), p99 \(Self.format(bursty, 0.99)), p99.9 \(Self.format(bursty, 0.999)), "
              + "max \(Self.format(bursty, 1)); dropped \(queue.drops.info) info in all")
        queue.close()
        try await service.value
        let sent = try await store.notifications(status: .sent, limit: 100_000)
        print("delivered: \(sent.count) messages (digests and merges) for \(paced.count + burst) events; critical delivered: \(sent.filter { $0.draft.severity == "critical" }.count)")
        let p99 = Self.percentile(paced, 0.99)
        print(p99 < 5_000 ? "target met: paced hand-off p99 \(p99) ns < 5 µs" : "target MISSED: paced hand-off p99 \(p99) ns ≥ 5 µs")
        await store.close()
    }

    static func percentile(_ values: [Int64], _ p: Double) -> Int64 {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
    }

    static func format(_ values: [Int64], _ p: Double) -> String {
        let value = percentile(values, p)
        return value < 10_000 ? "\(value) ns" : String(format: "%.1f µs", Double(value) / 1_000)
    }
}
