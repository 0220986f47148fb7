import Foundation
import Synchronization
import Testing
import TradewindCore
@testable import TradewindLive
import TradewindMarketData
import TradewindRisk
import TradewindStorage
import TradewindSimulation
import TradewindStrategy
import TradewindTesting

/// A paper bot driven bar by bar: journal, restart, risk limits, group commit.
@Suite struct TradingBotTests {
    static let walk = try! Instrument(id: InstrumentID(symbol: "WALK", venue: "PAPER"), pricePrecision: 2, sizePrecision: 0)

    static func store() async throws -> any Store {
        try await openStore("sqlite:" + NSTemporaryDirectory() + "tradewind-bot-\(UUID().uuidString).db")
    }

    static func bot(_ name: String, journal: any BotJournal, bars: [Bar], risk: RiskLimits? = nil) throws -> TradingBot<SMACross> {
        let definition = BotDefinition(name: name, strategy: "sma-cross", parameters: [("fast", "2"), ("slow", "5"), ("size", "3")],
                                       instruments: [walk], interval: .minutes(1), warmupBars: 10, startingCash: Money("100000"), risk: risk)
        return TradingBot(definition: definition, strategy: try SMACross.make(definition.parameters),
                          adapter: PaperVenue(instruments: [walk], fees: definition.fees),
                          feed: ReplayFeed(series: [walk.id: bars], warmup: 10), journal: journal)
    }

    /// A second incarnation of "walker" on `journal`: it resumes with the first's positions and
    /// cash, trades the rest of the bars, journals no client order id twice, and its journal
    /// replays to what it holds. Returns the client order ids of the journal's intents.
    static func resumeWalker(after before: BotStatus, journal: any BotJournal, bars: [Bar]) async throws -> [String] {
        let second = try Self.bot("walker", journal: journal, bars: bars)
        try await second.prepare()
        let after = await second.status
        #expect(after.incarnation == 2)
        #expect(after.positions == before.positions)
        #expect(after.cash == before.cash)
        for bar in bars[200..<400] { try await second.onBar(bar, instrument: 0) }
        let record = try #require(try await journal.bot(named: "walker"))
        let events = try await journal.events(bot: record.id, after: nil).compactMap { try JournalEvent(kind: $0.kind, payload: $0.payload) }
        let ids = events.compactMap { if case .intent(let id, _, _, _) = $0 { id } else { nil } }
        #expect(Set(ids).count == ids.count, "no client order id twice")
        // The journal replays to what the bot holds.
        let replayed = JournalEvent.replay(events)
        #expect((replayed.positions[Self.walk.id] ?? .zero(precision: 0)) == (await second.status).positions[Self.walk.id])
        return ids
    }

    @Test func aRestartedBotResumesWithTheJournalsPositionsAndNewOrderIDs() async throws {
        let store = try await Self.store()
        let bars = RandomWalk(seed: 3).bars(count: 400)
        let first = try Self.bot("walker", journal: store, bars: bars)
        try await first.prepare()
        for bar in bars[10..<200] { try await first.onBar(bar, instrument: 0) }
        let before = await first.status
        #expect(before.fills > 4)

        // The process "dies" here; a new incarnation reads the same journal.
        let ids = try await Self.resumeWalker(after: before, journal: store, bars: bars)
        #expect(ids.contains { $0.hasPrefix("walker-1-") } && ids.contains { $0.hasPrefix("walker-2-") })
        await store.close()
    }

    /// Past several of the engine's history trims (every 1,024 bars): every fill is still booked
    /// and counted, the latencies kept are the newest, and a restart restores what the bot held.
    @Test func aBotTradingPastItsHistoryTrimsBooksAndCountsEveryFill() async throws {
        let store = try await Self.store()
        let bars = RandomWalk(seed: 9).bars(count: 3_200)
        let definition = BotDefinition(name: "long", strategy: "sma-cross", parameters: [("fast", "2"), ("slow", "5"), ("size", "3")],
                                       instruments: [Self.walk], interval: .minutes(1), warmupBars: 10, startingCash: Money("100000"))
        let bot = TradingBot(definition: definition, strategy: try SMACross.make(definition.parameters),
                             adapter: PaperVenue(instruments: [Self.walk], fees: definition.fees),
                             feed: ReplayFeed(series: [Self.walk.id: bars], warmup: 10), journal: store, latencySamples: 100)
        try await bot.prepare()
        for bar in bars[10...] { try await bot.onBar(bar, instrument: 0) }
        let status = await bot.status
        let record = try #require(try await store.bot(named: "long"))
        let events = try await store.events(bot: record.id, after: nil).compactMap { try JournalEvent(kind: $0.kind, payload: $0.payload) }
        let fills = events.filter { if case .fill = $0 { true } else { false } }
        let intents = events.filter { if case .intent = $0 { true } else { false } }
        #expect(fills.count > 500 && status.fills == fills.count)
        #expect(status.bars == bars.count)
        let latencies = await bot.tickToOrder
        #expect(latencies.recorded == intents.count && latencies.samples.count == 100)
        // The engine holds at most the bars since its last trim, and the points it keeps.
        let held = await bot.heldHistory
        #expect(held.equityPoints <= 2 * 1_024 && held.fills < fills.count / 2 && held.orders < intents.count / 2, "\(held)")

        let restarted = TradingBot(definition: definition, strategy: try SMACross.make(definition.parameters),
                                   adapter: PaperVenue(instruments: [Self.walk], fees: definition.fees),
                                   feed: ReplayFeed(series: [Self.walk.id: bars], warmup: 10), journal: store)
        try await restarted.prepare()
        let after = await restarted.status
        #expect(after.positions == status.positions && after.cash == status.cash && after.fills == status.fills)
        await store.close()
    }

    @Test func aDrawdownLimitHaltsTheBotAndTheHaltIsJournaled() async throws {
        let store = try await Self.store()
        let bars = RandomWalk(seed: 5).bars(count: 600)
        let bot = try Self.bot("careful", journal: store, bars: bars, risk: RiskLimits(maxDrawdown: Rate("0.000001")))
        try await bot.prepare()
        for bar in bars[10...] { try await bot.onBar(bar, instrument: 0) }
        #expect(await bot.status.tradingState == .halted)
        let record = try #require(try await store.bot(named: "careful"))
        let rows = try await store.events(bot: record.id, after: nil)
        let halt = try #require(rows.firstIndex { $0.kind == "risk.state" && $0.payload.contains("\"to\":\"halted\"") })
        #expect(rows[halt].payload.contains("drawdown"))
        #expect(rows[..<halt].contains { $0.kind == "order.intent" }, "it traded before the halt")
        #expect(!rows[halt...].contains { $0.kind == "order.intent" }, "and sent nothing after it")
        await store.close()
    }

    @Test func theRiskEngineRefusesOrdersBeforeTheyReachTheJournal() async throws {
        let store = try await Self.store()
        let bars = RandomWalk(seed: 5).bars(count: 300)
        // Size 3 is above the order limit of 2: every order is refused by the risk engine and never journaled as an intent.
        let bot = try Self.bot("limited", journal: store, bars: bars, risk: RiskLimits(maxOrderQuantity: Quantity("2")))
        try await bot.prepare()
        for bar in bars[10...] { try await bot.onBar(bar, instrument: 0) }
        let record = try #require(try await store.bot(named: "limited"))
        #expect(!(try await store.events(bot: record.id, after: nil)).contains { $0.kind == "order.intent" })
        #expect(await bot.status.fills == 0)
        await store.close()
    }

    /// Bots on the paper venue (an in-process venue) driven together, as a node's bots share a
    /// bar: each books the venue's acceptance of an order on the bar it handed it over (after its
    /// intent and terms, before the next bar's fill), its orders agree with the venue's, and its
    /// results are those of a bot driven alone.
    @Test func paperBotsSharingBarsBookEachAcceptanceOnTheBarOfItsOrder() async throws {
        let store = try await Self.store()
        let bars = RandomWalk(seed: 7).bars(count: 300)
        let alone = try Self.bot("alone", journal: store, bars: bars)
        try await alone.prepare()
        for bar in bars[10...] { try await alone.onBar(bar, instrument: 0) }
        let together = try (0..<4).map { try Self.bot("together\($0)", journal: store, bars: bars) }
        for bot in together { try await bot.prepare() }
        for bar in bars[10...] {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for bot in together { group.addTask { try await bot.onBar(bar, instrument: 0) } }
                try await group.waitForAll()
            }
        }
        let expected = await alone.status
        #expect(expected.fills > 4)
        for bot in together {
            let status = await bot.status
            #expect(status.fills == expected.fills && status.equity == expected.equity && status.positions == expected.positions)
            #expect(await bot.workingOrders.allSatisfy { $0.status != .submitted }, "every answer is booked once the bar is done")
            let record = try #require(try await store.bot(named: status.name))
            let kinds = try await store.events(bot: record.id, after: nil).map(\.kind).filter { $0.hasPrefix("order.") }
            let intents = kinds.indices.filter { kinds[$0] == "order.intent" }
            #expect(intents.count == expected.fills || intents.count == expected.fills + 1)
            for index in intents {
                #expect(Array(kinds[index..<min(index + 3, kinds.count)]) == ["order.intent", "order.terms", "order.accepted"])
            }
        }
        await store.close()
    }

    /// A store whose copies from a write-ahead log can be made to fail, as if the process died
    /// before its copier ran: the entries then exist only in the log file.
    /// Through `any VenueAdapter` (as reconciliation and an adapter's other callers see it) the
    /// paper venue's `async` calls are its in-process ones, not the adapter protocol's defaults.
    @Test func thePaperVenuesAsyncCallsAreItsInProcessOnes() async throws {
        let bars = RandomWalk(seed: 5).bars(count: 2)
        let venue: any VenueAdapter = PaperVenue(instruments: [Self.walk], fees: FeeModel(rate: Rate("0.001")))
        _ = await venue.observe(bars[0], instrument: Self.walk)
        let request = VenueOrderRequest(clientOrderID: "o-1", instrument: Self.walk, side: .buy, quantity: Quantity("3"),
                                        type: .market, timeInForce: .gtc)
        #expect(try await venue.place(request).map(\.kind) == [.accepted(venueOrderID: "P1")])
        let fills = await venue.observe(bars[1], instrument: Self.walk)
        #expect(fills.count == 1 && fills.allSatisfy { if case .fill = $0.kind { true } else { false } })
        #expect(try await venue.position(instrument: Self.walk) == Quantity("3"))
        #expect(try await venue.cancel(clientOrderID: "o-1", instrument: Self.walk).isEmpty, "a filled order has nothing to cancel")
    }

    /// Orders handed over are not matched until the venue is asked to match them, then in the
    /// order they came; a refused one comes back as a rejection; any other call matches them first.
    @Test func thePaperVenueMatchesHandedOverOrdersOnlyWhenAskedAndInOrder() async throws {
        let bars = RandomWalk(seed: 5).bars(count: 3)
        let venue = PaperVenue(instruments: [Self.walk], fees: FeeModel(rate: Rate("0.001")))
        _ = venue.observeNow(bars[0], instrument: Self.walk)
        func request(_ id: String, _ side: OrderSide, _ quantity: String) -> VenueOrderRequest {
            VenueOrderRequest(clientOrderID: id, instrument: Self.walk, side: side, quantity: Quantity(quantity), type: .market, timeInForce: .gtc)
        }
        venue.handOver(request("a", .buy, "3"))
        venue.handOver(request("b", .sell, "1"))
        venue.handOver(request("a", .buy, "5"))
        #expect(try await venue.order(clientOrderID: "a", instrument: Self.walk) == nil, "handed over, not yet matched")
        let answers = venue.matchHandedOver()
        #expect(answers.map(\.clientOrderID) == ["a", "b", "a"])
        #expect(answers.prefix(2).map(\.kind) == [.accepted(venueOrderID: "P1"), .accepted(venueOrderID: "P2")])
        guard case .rejected(let reason) = answers[2].kind else { Issue.record("the duplicate id was not rejected: \(answers[2])"); return }
        #expect(reason.contains("duplicate client order id a"))
        #expect(venue.matchHandedOver().isEmpty, "each order is matched once")

        // The next bar (or a cancel) finds what was handed over before it already at the venue.
        venue.handOver(request("c", .buy, "2"))
        let next = venue.observeNow(bars[1], instrument: Self.walk)
        #expect(next.first?.clientOrderID == "c" && next.first?.kind == .accepted(venueOrderID: "P3"))
        #expect(next.dropFirst().allSatisfy { if case .fill = $0.kind { true } else { false } } && next.count == 4, "a, b and c fill on the bar")
        venue.handOver(request("d", .buy, "1"))
        let canceled = try venue.cancelNow(clientOrderID: "d", instrument: Self.walk)
        #expect(canceled.map(\.kind) == [.accepted(venueOrderID: "P4"), .canceled])
        #expect(try await venue.position(instrument: Self.walk) == Quantity("4"))

        // A refusal loses no earlier answer: a refused place comes back as a rejection after
        // them; a cancel of an order the venue never had is refused before anything is matched.
        venue.handOver(request("e", .buy, "1"))
        let placed = try venue.placeNow(request("a", .buy, "1"))
        #expect(placed.map(\.clientOrderID) == ["e", "a"] && placed.first?.kind == .accepted(venueOrderID: "P5"))
        guard case .rejected = placed.last?.kind else { Issue.record("the duplicate place was not rejected: \(placed)"); return }
        venue.handOver(request("f", .buy, "1"))
        #expect(throws: VenueError.self) { try venue.cancelNow(clientOrderID: "nobody", instrument: Self.walk) }
        #expect(venue.matchHandedOver().map(\.kind) == [.accepted(venueOrderID: "P6")], "still handed over, matched once asked")
    }

    /// A bot trades for months: the paper venue forgets finished orders and fills once they are
    /// older than its retention (bar time), and keeps every open order whatever its age.
    @Test func thePaperVenueForgetsFinishedOrdersAndFillsAfterItsRetention() async throws {
        let bars = RandomWalk(seed: 5).bars(count: 120)
        let venue = PaperVenue(instruments: [Self.walk], fees: FeeModel(rate: Rate("0.001")), retention: .minutes(30))
        func request(_ id: String, _ type: OrderType = .market) -> VenueOrderRequest {
            VenueOrderRequest(clientOrderID: id, instrument: Self.walk, side: .buy, quantity: Quantity("1"), type: type, timeInForce: .gtc)
        }
        _ = venue.observeNow(bars[0], instrument: Self.walk)
        _ = try venue.placeNow(request("early"))
        _ = try venue.placeNow(request("resting", .limit(price: Price("0.01"))))
        for bar in bars[1..<100] { _ = venue.observeNow(bar, instrument: Self.walk) }
        _ = try venue.placeNow(request("late"))
        for bar in bars[100...] { _ = venue.observeNow(bar, instrument: Self.walk) }

        #expect(try await venue.order(clientOrderID: "early", instrument: Self.walk) == nil, "finished two hours ago")
        #expect(try await venue.order(clientOrderID: "late", instrument: Self.walk)?.status == .filled)
        #expect(try await venue.openOrders(instrument: Self.walk).map(\.clientOrderID) == ["resting"], "open orders are never forgotten")
        #expect(try await venue.fills(instrument: Self.walk, since: .epoch).map(\.clientOrderID) == ["late"])
        #expect(try await venue.position(instrument: Self.walk) == Quantity("2"), "holdings count every fill")
    }

    @Test func entriesOnlyInTheWriteAheadLogWhenTheProcessDiesAreReplayedAndTheRestartedBotResumesFromThem() async throws {
        let store = try await Self.store()
        let directory = NSTemporaryDirectory() + "tradewind-bot-logs-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let bars = RandomWalk(seed: 3).bars(count: 400)
        let refusing = CopyRefusingStore(store)
        let firstJournal = try await WriteAheadJournal.open(store: refusing, directory: directory)
        let first = try Self.bot("walker", journal: firstJournal, bars: bars)
        try await first.prepare()
        // From here nothing reaches the database: every order and fill is in the log file only,
        // and the bot keeps trading on it.
        refusing.refusing.store(true, ordering: .relaxed)
        for bar in bars[10..<200] { try await first.onBar(bar, instrument: 0) }
        let before = await first.status
        #expect(before.fills > 4)
        let record = try #require(try await store.bot(named: "walker"))
        #expect(!(try await store.events(bot: record.id, after: nil)).contains { $0.kind == "order.intent" })
        // The process is gone: its log stays (it could not be copied) and its lock is released.
        await firstJournal.close()
        #expect(FileManager.default.fileExists(atPath: firstJournal.path))

        let secondJournal = try await WriteAheadJournal.open(store: store, directory: directory)
        #expect(!FileManager.default.fileExists(atPath: firstJournal.path), "the left log was replayed and removed")
        let ids = try await Self.resumeWalker(after: before, journal: secondJournal, bars: bars)
        // Every order the first process handed to the venue is in the journal.
        #expect(ids.filter { $0.hasPrefix("walker-1-") }.count == (await first.tickToOrder).recorded)
        #expect(ids.contains { $0.hasPrefix("walker-2-") })
        await secondJournal.close()
        await store.close()
    }

    @Test func groupCommitWritesConcurrentAppendsTogetherAndKeepsEachCallersEntries() async throws {
        let store = try await Self.store()
        let journal = GroupCommitJournal(store)
        var bots: [Int64] = []
        for index in 0..<20 { bots.append(try await journal.createBot(name: "b\(index)", definition: "", owner: "t", now: .epoch).id) }
        let sequences = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for bot in bots {
                for round in 0..<10 {
                    group.addTask {
                        try await journal.append(bot: bot, events: [("note", "\(round)a"), ("note", "\(round)b")], at: .epoch)
                    }
                }
            }
            var all: [[Int64]] = []
            for try await ids in group { all.append(ids) }
            return all
        }
        #expect(sequences.count == 200 && sequences.allSatisfy { $0.count == 2 && $0[1] == $0[0] + 1 })
        #expect(Set(sequences.flatMap { $0 }).count == 400)
        let commits = await journal.commits
        #expect(commits < 200, "appends shared transactions: \(commits) commits")
        for bot in bots {
            let rows = try await store.events(bot: bot, after: nil)
            #expect(rows.count == 20)
        }
        await store.close()
    }
}
