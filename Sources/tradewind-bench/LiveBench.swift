import ArgumentParser
import Foundation
import Logging
import TradewindCore
import TradewindLive
import TradewindMarketData
import TradewindSimulation
import TradewindStorage
import TradewindStrategy

/// `tradewind-bench live`: tick-to-order latency inside the node under the load of many bots.
struct LiveBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "live",
        abstract: "Tick-to-order latency of many paper bots sharing one node and one journal.",
        discussion: """
            Every bar goes to all bots at once (as one feed fans out to a node's bots); each bot runs SMA(2/5) \
            so it trades often, through the risk engine, the write-ahead journal (a fresh SQLite file, WAL, \
            synchronous=NORMAL) and the paper venue. Reported: bar arrival → order out of the risk engine \
            (decision), and bar arrival → order handed to the venue adapter after its intent is durable (to venue).
            """
    )

    @Option(help: "Bots in the node.") var bots = 50
    @Option(help: "Live bars per bot.") var bars = 2_000
    @Flag(help: "Write each bot's journal entries in their own transactions instead of group commits.") var noGroupCommit = false

    func run() async throws {
        let url = "sqlite:" + NSTemporaryDirectory() + "tradewind-live-bench-\(UUID().uuidString).db"
        let store = try await openStore(url)
        let journal: any BotJournal = noGroupCommit ? store : GroupCommitJournal(store)
        let instrument = try Instrument(id: InstrumentID(symbol: "WALK", venue: "PAPER"), pricePrecision: 2, sizePrecision: 0)
        let series = RandomWalk(seed: 11).bars(count: bars + 30)
        var running: [TradingBot<SMACross>] = []
        for index in 0..<bots {
            let definition = BotDefinition(name: "bench\(index)", strategy: "sma-cross", parameters: [("fast", "2"), ("slow", "5"), ("size", "1")],
                                           instruments: [instrument], interval: .minutes(1), warmupBars: 30,
                                           startingCash: Money("10000000"), fees: FeeModel(rate: Rate("0.001")))
            let bot = TradingBot(definition: definition, strategy: try SMACross.make(definition.parameters),
                                 adapter: PaperVenue(instruments: [instrument], fees: definition.fees),
                                 feed: ReplayFeed(series: [instrument.id: series], warmup: 30), journal: journal,
                                 logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
            try await bot.prepare()
            running.append(bot)
        }
        let live = Array(series.dropFirst(30))
        let started = ContinuousClock.now
        for bar in live {
            let arrived = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for bot in running { group.addTask { try await bot.onBar(bar, instrument: 0, arrived: arrived) } }
                try await group.waitForAll()
            }
        }
        let elapsed = ContinuousClock.now - started
        var decision: [Int64] = [], toVenue: [Int64] = []
        for bot in running {
            decision += await bot.tickToDecision
            toVenue += await bot.tickToOrder
        }
        decision.sort()
        toVenue.sort()
        func percentile(_ values: [Int64], _ p: Double) -> String {
            values.isEmpty ? "-" : String(format: "%.1f µs", Double(values[min(values.count - 1, Int(Double(values.count) * p))]) / 1000)
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if let group = journal as? GroupCommitJournal {
            let commits = await group.commits, appends = await group.batchedAppends
            print("journal: \(appends) appends in \(commits) transactions (group commit)")
        } else {
            print("journal: one transaction per append")
        }
        print("\(bots) paper bots, \(live.count) bars each, \(toVenue.count) orders, \(String(format: "%.2f", seconds)) s "
              + "(\(Int(Double(bots * live.count) / seconds)) bot-bars/s)")
        print("  bar in → order decided (risk engine passed): p50 \(percentile(decision, 0.5)), p99 \(percentile(decision, 0.99)), max \(percentile(decision, 1))")
        print("  bar in → order handed to the adapter (intent durable): p50 \(percentile(toVenue, 0.5)), p99 \(percentile(toVenue, 0.99)), max \(percentile(toVenue, 1))")
        await store.close()
    }
}
