import Foundation
import Testing
import TradewindCore
import TradewindFakeExchange
import TradewindLive
import TradewindStorage
import TradewindTesting

/// `tradewind bot run` against the local fake Binance exchange, killed with SIGKILL at random
/// points and restarted: the journal and the venue must agree, with no fill lost and no order
/// placed twice.
@Suite(.serialized) struct LiveBotCLITests {
    /// A day ago, on a minute: bars published faster than real time stay in the past.
    static let start: Int64 = {
        let now = Int64(Date().timeIntervalSince1970)
        return (now / 60 * 60 - 86_400) * 1_000_000_000
    }()

    static func bar(_ minute: Int, _ close: Double) -> Bar {
        let cents = Int64((close * 100).rounded())
        return BarBuilder.minute(minute, after: Timestamp(nanosecondsSinceEpoch: start), close: Price(uncheckedRaw: cents, precision: 2),
                                 low: Price(uncheckedRaw: cents - 500, precision: 2), high: Price(uncheckedRaw: cents + 500, precision: 2),
                                 volume: Quantity("50"))
    }

    /// A price that swings every few bars, so SMA(2)/SMA(4) crosses often.
    static func price(_ minute: Int) -> Double { 40_000 + 400 * sin(Double(minute) / 2.3) + 150 * sin(Double(minute) / 0.9) }

    static func botFile(exchange: FakeExchange, directory: URL, name: String) async throws -> URL {
        let key = directory.appendingPathComponent("key"), secret = directory.appendingPathComponent("secret")
        try Data("test-key".utf8).write(to: key)
        try Data("test-secret\n".utf8).write(to: secret)
        let yaml = """
        name: \(name)
        strategy: sma-cross
        parameters: {fast: "2", slow: "4", size: "0.01"}
        interval: 1m
        instruments:
          - {symbol: BTCUSDT, venue: BINANCE, price_precision: 2, size_precision: 5}
        warmup_bars: 10
        starting_cash: "100000"
        on_stop: keep
        database: sqlite:\(directory.appendingPathComponent("bot.sqlite").path)
        venue:
          kind: binance
          rest: \(await exchange.restBase)
          stream: \(await exchange.streamBase)
          api_key_file: \(key.path)
          secret_file: \(secret.path)
        """
        let url = directory.appendingPathComponent("bot.yaml")
        try Data(yaml.utf8).write(to: url)
        return url
    }

    /// Waits (up to a minute) until `bots` bots of the process have logged that they are ready
    /// (warmed up, reconciled, streaming), or the process ends. Fixed sleeps are too short on
    /// a loaded machine.
    static func waitUntilReady(_ process: BackgroundCLI, bots: Int = 1) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, process.process.isRunning,
              process.errors.components(separatedBy: "bot ready").count - 1 < bots {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test("kill -9 at 20 random points: venue and journal agree, no fill lost, no order twice")
    func survivesKillNine() async throws {
        let exchange = FakeExchange(balances: ["USDT": 1_000_000])
        try await exchange.start()
        await exchange.set(marketOrderSlices: 2)
        for minute in 0..<20 { await exchange.publish(Self.bar(minute, Self.price(minute)), symbol: "BTCUSDT") }
        let directory = try CLIRunner.temporaryDirectory("live")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try await Self.botFile(exchange: exchange, directory: directory, name: "killme")

        let market = Task {
            var minute = 20
            while !Task.isCancelled {
                await exchange.publish(Self.bar(minute, Self.price(minute)), symbol: "BTCUSDT")
                minute += 1
                try? await Task.sleep(for: .milliseconds(25))
            }
        }
        var random = SplitMix64(seed: 20_261_202)
        for run in 0..<20 {
            let bot = try BackgroundCLI(["bot", "run", file.path])
            // Odd runs die at a random moment after launch, often during start-up and
            // reconciliation; even runs die at a random moment after the bot is ready, while it
            // trades. Counting from readiness keeps the kills meaningful on a loaded machine,
            // where start-up alone can outlast a fixed lifetime.
            if run % 2 == 0 { try await Self.waitUntilReady(bot) }
            let lifetime = (run % 2 == 0 ? 50 : 250) + Int(random.next() % 700)
            try await Task.sleep(for: .milliseconds(lifetime))
            bot.kill()
        }
        // A last, clean run: it reconciles whatever the kills left, trades until the venue has
        // seen a handful of orders in all, and stops on SIGTERM.
        let last = try BackgroundCLI(["bot", "run", file.path])
        try await Self.waitUntilReady(last)
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline, await exchange.orderSummary().count < 5 { try await Task.sleep(for: .milliseconds(50)) }
        market.cancel()
        try await Task.sleep(for: .milliseconds(300))
        kill(last.process.processIdentifier, SIGTERM)
        await last.exited()
        #expect(last.process.terminationStatus == 0, "graceful stop: \(last.errors.suffix(2000))")
        #expect(last.output.contains("bot killme: stopped"), "\(last.output)")

        let store = try await openStore("sqlite:" + directory.appendingPathComponent("bot.sqlite").path)
        let record = try #require(try await store.bot(named: "killme"))
        let rows = try await store.events(bot: record.id, after: nil)
        await store.close()
        let events = try rows.compactMap { try JournalEvent(kind: $0.kind, payload: $0.payload) }
        let state = JournalEvent.replay(events)
        // Each run that got as far as starting its bot recorded it (a kill can land before that
        // when start-up is slow); the last, clean run certainly did.
        let starts = rows.filter { $0.kind == "bot.started" }.count
        #expect((2...21).contains(starts), "\(starts) starts")

        // No order twice: every client order id reached the venue at most once.
        let venueOrders = await exchange.orderSummary()
        #expect(venueOrders.count >= 5, "the bot traded: \(venueOrders.count) orders")
        #expect(venueOrders.values.allSatisfy { $0.count == 1 })
        let intents = Set(events.compactMap { if case .intent(let id, _, _, _) = $0 { id } else { nil } })
        #expect(Set(venueOrders.keys).isSubset(of: intents), "every venue order was journaled before it was sent")

        // No fill lost: the journal's fills are exactly the venue's trades.
        let journalTrades = Set(events.compactMap { if case .fill(_, let trade, _, _, _, _) = $0 { trade } else { nil } })
        #expect(journalTrades.count == (await exchange.tradeCount()))
        // Positions agree: the journal's BTC equals the venue's balance (the bot started from none).
        let held = state.positions[InstrumentID(symbol: "BTCUSDT", venue: "BINANCE")] ?? Quantity.zero(precision: 5)
        #expect(Decimal(string: held.description) == (await exchange.balance("BTC")))
        // Every order the venue finished is finished in the journal.
        let open = Set(state.open.map(\.clientOrderID))
        for (id, order) in venueOrders where ["FILLED", "CANCELED", "EXPIRED", "REJECTED"].contains(order.status) {
            #expect(!open.contains(id), "\(id) is \(order.status) at the venue but open in the journal")
        }
        await exchange.stop()
    }

    @Test("an invalid bot file is refused with every problem named")
    func invalidFile() async throws {
        let url = try CLIRunner.temporaryFile(named: "bad.yaml", """
        name: bad
        strategy: no-such-strategy
        interval: 7x
        instruments: []
        on_stop: maybe
        venue: {kind: binance}
        """)
        let output = try await CLIRunner.run(["bot", "check", url.path])
        #expect(output.status == 78)
        for field in ["strategy:", "interval:", "instruments:", "on_stop:", "venue.rest:", "venue.api_key:"] {
            #expect(output.stderr.contains(field), "\(field) in \(output.stderr)")
        }
        #expect(!output.stderr.contains("test-secret"))
    }
}

/// The journal's durability setting, as an operator sets it.
@Suite struct JournalSyncCLITests {
    @Test("TRADEWIND_JOURNAL_SYNC=every-append: the example paper bot trades as it does by default; an unknown value stops it before it opens anything, naming the variable")
    func journalSync() async throws {
        let directory = try CLIRunner.temporaryDirectory("sync")
        defer { try? FileManager.default.removeItem(at: directory) }
        // The README's paper bot, its database in the test's directory.
        let example = try String(contentsOfFile: Fixtures.repositoryRoot + "/examples/bots/paper-goog.yaml", encoding: .utf8)
        try Data(example.replacingOccurrences(of: "examples/data/GOOG-1d.csv", with: Fixtures.repositoryRoot + "/examples/data/GOOG-1d.csv").utf8)
            .write(to: directory.appendingPathComponent("bot.yaml"))
        func run(sync: String) async throws -> BackgroundCLI {
            let bot = try BackgroundCLI(["bot", "run", "bot.yaml"], in: directory.path, environment: ["TRADEWIND_JOURNAL_SYNC": sync])
            await bot.exited()
            return bot
        }

        let refused = try await run(sync: "sometimes")
        #expect(refused.process.terminationStatus != 0)
        #expect(refused.errors.contains("invalid TRADEWIND_JOURNAL_SYNC=sometimes: expected one of process-crash, every-append"), "\(refused.errors)")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("tradewind.db").path), "refused before the database is opened")

        let synced = try await run(sync: "every-append")
        #expect(synced.process.terminationStatus == 0, "\(synced.errors.suffix(2_000))")
        #expect(synced.output.contains("bot paper-goog: stopped, equity 107430.08, fills 65, open orders 0"), "\(synced.output)")
        let logs = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("tradewind.db.logs").path)
        #expect(logs.isEmpty, "the log was copied and removed on the clean stop: \(logs)")
    }
}

/// Paper bots on a replayed feed, many in one node, and the backtest-vs-live divergence report.
@Suite(.serialized) struct PaperNodeCLITests {
    static func paperBot(_ name: String, in directory: URL, fast: Int, venueKind: String = "paper", extra: String = "") throws -> URL {
        let yaml = BotFiles.paperSMACross(name: name, fast: fast, slow: 20, warmupBars: 30, data: directory.appendingPathComponent("GOOG-1d.csv").path,
                                          pace: 0, venueKind: venueKind, venueExtra: extra)
        let url = directory.appendingPathComponent("\(name).yaml")
        try Data(yaml.utf8).write(to: url)
        return url
    }

    @Test("a node runs many paper bots; a failing bot does not stop the others; each has its own journal")
    func nodeIsolatesBots() async throws {
        let directory = try CLIRunner.temporaryDirectory("node")
        defer { try? FileManager.default.removeItem(at: directory) }
        // The first 500 sessions of GOOG: enough for dozens of trades per bot.
        let goog = try String(contentsOfFile: Fixtures.repositoryRoot + "/examples/data/GOOG-1d.csv", encoding: .utf8)
        try Data(goog.split(separator: "\n").prefix(501).joined(separator: "\n").utf8).write(to: directory.appendingPathComponent("GOOG-1d.csv"))
        var names: [String] = []
        for index in 0..<8 {
            _ = try Self.paperBot("paper\(index)", in: directory, fast: 3 + index)
            names.append("paper\(index).yaml")
        }
        // A Binance bot whose venue is unreachable: it fails on start, alone.
        let key = directory.appendingPathComponent("key")
        try Data("k".utf8).write(to: key)
        _ = try Self.paperBot("broken", in: directory, fast: 5, venueKind: "binance",
                              extra: ", rest: \"http://127.0.0.1:9\", stream: \"ws://127.0.0.1:9\", api_key_file: \(key.path), secret_file: \(key.path)")
        names.append("broken.yaml")
        let node = directory.appendingPathComponent("node.yaml")
        try Data("database: sqlite:\(directory.appendingPathComponent("node.sqlite").path)\nbots: [\(names.joined(separator: ", "))]\n".utf8).write(to: node)
        let output = try await CLIRunner.run(["node", "--config", node.path])
        #expect(output.status == 1, "the broken bot makes the node exit non-zero")
        #expect(output.stderr.contains("bots stopped on errors: broken"))
        for index in 0..<8 {
            #expect(output.stdout.contains("bot paper\(index): stopped"), "\(output.stdout)")
        }
        #expect(output.stdout.contains("bot broken: failed"))
        // Each bot's journal is its own: the divergence of each against its backtest is nil.
        for index in [0, 7] {
            let report = try await CLIRunner.run(["divergence", "--bot", "paper\(index)", "--db", "sqlite:\(directory.appendingPathComponent("node.sqlite").path)", "--json"])
            #expect(report.status == 0, "\(report.stderr)")
            let json = try JSONSerialization.jsonObject(with: Data(report.stdout.utf8)) as? [String: Any]
            let live = json?["liveOrders"] as? Int ?? 0, backtest = json?["backtestOrders"] as? Int ?? -1
            #expect(live > 10 && live == backtest && json?["matched"] as? Int == live)
            #expect(json?["livePnL"] as? String == json?["backtestPnL"] as? String)
            let rows = json?["rows"] as? [[String: Any]] ?? []
            #expect(rows.allSatisfy { ($0["causes"] as? [String])?.isEmpty == true })
        }
    }

    @Test("divergence names partial fills, latency and fees on the fake exchange")
    func divergenceCauses() async throws {
        let exchange = FakeExchange(balances: ["USDT": 1_000_000])
        try await exchange.start()
        await exchange.set(marketOrderSlices: 3)
        for minute in 0..<20 { await exchange.publish(LiveBotCLITests.bar(minute, LiveBotCLITests.price(minute)), symbol: "BTCUSDT") }
        let directory = try CLIRunner.temporaryDirectory("div")
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try await LiveBotCLITests.botFile(exchange: exchange, directory: directory, name: "diverge")
        let bot = try BackgroundCLI(["bot", "run", file.path])
        try await LiveBotCLITests.waitUntilReady(bot)
        try await Task.sleep(for: .milliseconds(200))
        for minute in 20..<60 {
            // Bars 40–44 close while nobody listens: the bot misses them.
            if minute == 40 { await exchange.dropStreams() }
            await exchange.publish(LiveBotCLITests.bar(minute, LiveBotCLITests.price(minute)), symbol: "BTCUSDT")
            try await Task.sleep(for: .milliseconds(minute >= 40 && minute < 45 ? 1 : 60))
        }
        try await Task.sleep(for: .milliseconds(500))
        kill(bot.process.processIdentifier, SIGTERM)
        await bot.exited()
        #expect(bot.process.terminationStatus == 0, "\(bot.errors.suffix(1500))")
        let report = try await CLIRunner.run(["divergence", "--bot", "diverge", "--db", "sqlite:\(directory.appendingPathComponent("bot.sqlite").path)"])
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("partial fill: live filled"), "\(report.stdout)")
        #expect(report.stdout.contains("latency") || report.stdout.contains("slippage"), "\(report.stdout)")
        #expect(report.stdout.contains("fees: live"), "the venue charged 0.1 %, the bot's model nothing")
        await exchange.stop()
    }
}

/// The issue's example: one node process, 20 bots over paper and Binance at once.
@Suite(.serialized) struct MixedNodeCLITests {
    @Test("20 bots in one node, 10 paper and 10 on Binance (each its own account), stopped by SIGTERM")
    func twentyBotsOverTwoVenues() async throws {
        let directory = try CLIRunner.temporaryDirectory("mixed")
        defer { try? FileManager.default.removeItem(at: directory) }
        let goog = try String(contentsOfFile: Fixtures.repositoryRoot + "/examples/data/GOOG-1d.csv", encoding: .utf8)
        try Data(goog.split(separator: "\n").prefix(301).joined(separator: "\n").utf8).write(to: directory.appendingPathComponent("GOOG-1d.csv"))
        var names: [String] = []
        for index in 0..<10 {
            _ = try PaperNodeCLITests.paperBot("paper\(index)", in: directory, fast: 3 + index)
            names.append("paper\(index).yaml")
        }
        var exchanges: [FakeExchange] = []
        for index in 0..<10 {
            let exchange = FakeExchange(balances: ["USDT": 1_000_000])
            try await exchange.start()
            for minute in 0..<20 { await exchange.publish(LiveBotCLITests.bar(minute, LiveBotCLITests.price(minute)), symbol: "BTCUSDT") }
            exchanges.append(exchange)
            let botDirectory = directory.appendingPathComponent("binance\(index)")
            try FileManager.default.createDirectory(at: botDirectory, withIntermediateDirectories: true)
            let file = try await LiveBotCLITests.botFile(exchange: exchange, directory: botDirectory, name: "binance\(index)")
            names.append(file.path)
        }
        let database = directory.appendingPathComponent("node.sqlite").path
        let node = directory.appendingPathComponent("node.yaml")
        try Data("database: sqlite:\(database)\nbots: [\(names.joined(separator: ", "))]\n".utf8).write(to: node)
        let process = try BackgroundCLI(["node", "--config", node.path])
        try await LiveBotCLITests.waitUntilReady(process, bots: 20)
        try await Task.sleep(for: .milliseconds(200))
        for minute in 20..<60 {
            for exchange in exchanges { await exchange.publish(LiveBotCLITests.bar(minute, LiveBotCLITests.price(minute)), symbol: "BTCUSDT") }
            try await Task.sleep(for: .milliseconds(40))
        }
        try await Task.sleep(for: .milliseconds(500))
        kill(process.process.processIdentifier, SIGTERM)
        await process.exited()
        #expect(process.process.terminationStatus == 0, "\(process.errors.suffix(1500))")
        for index in 0..<10 {
            #expect(process.output.contains("bot paper\(index): stopped"), "\(process.output)")
            #expect(process.output.contains("bot binance\(index): stopped"), "\(process.output)")
        }
        // Each Binance bot's journal agrees with its own exchange.
        let store = try await openStore("sqlite:" + database)
        for (index, exchange) in exchanges.enumerated() {
            let record = try #require(try await store.bot(named: "binance\(index)"))
            let events = try await store.events(bot: record.id, after: nil).compactMap { try JournalEvent(kind: $0.kind, payload: $0.payload) }
            let held = JournalEvent.replay(events).positions[InstrumentID(symbol: "BTCUSDT", venue: "BINANCE")] ?? Quantity.zero(precision: 5)
            #expect(Decimal(string: held.description) == (await exchange.balance("BTC")), "binance\(index)")
            let trades = Set(events.compactMap { if case .fill(_, let trade, _, _, _, _) = $0 { trade } else { nil } })
            #expect(trades.count == (await exchange.tradeCount()) && trades.count > 0, "binance\(index) traded and booked every trade")
            await exchange.stop()
        }
        await store.close()
    }
}
