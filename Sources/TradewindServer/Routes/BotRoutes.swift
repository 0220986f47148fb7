import Foundation
import Hummingbird
import Synchronization
import TradewindCore
import TradewindLive
import TradewindRisk
import TradewindStorage

/// `/bots`: list, create from a bot file, start, stop, and each bot's orders, trades,
/// positions and PnL (from its journal, so stopped bots answer too).
struct BotRoutes {
    let supervisor: BotSupervisor
    let tail: JournalTail
    /// GET /bots bodies per audience (admins, or one user), with the journal-tail and supervisor
    /// generations they were built from: kept until either moves.
    let lists = ListCache()

    final class ListCache: Sendable {
        let bodies = Mutex<[String: (tail: Int, supervisor: Int, body: ByteBuffer)]>([:])
    }

    func add(to api: RouterGroup<ServerContext>) {
        api.get("bots") { _, context in
            let identity = try context.require(.viewer)
            // Built from the journal tail and the supervisor's snapshot, without waiting on any
            // bot: each bot's JSON is encoded once per change, and the whole list once per change
            // of either source. Equity is as of the last journaled bar (GET /bots/{name} asks a
            // running bot itself).
            let audience = identity.role == .admin ? "admin" : "user:" + identity.user
            let generations = (tail: tail.listGeneration, supervisor: supervisor.snapshotGeneration.load(ordering: .acquiring))
            if let cached = lists.bodies.withLock({ $0[audience] }), cached.tail == generations.tail, cached.supervisor == generations.supervisor {
                return Wire.bytes(cached.body, contentType: Wire.jsonType)
            }
            let (running, failures) = supervisor.snapshot.withLock { $0 }
            var items: [String] = []
            for bot in tail.list() where BotSupervisor.visible(owner: bot.owner, to: identity) {
                let isRunning = running.contains(bot.name)
                let key = "\(bot.version)|\(isRunning)|\(failures[bot.name] ?? "")"
                let json = tail.json(for: bot.name, key: key) { entry in
                    let view = view(entry, status: nil, running: isRunning, lastError: failures[bot.name])
                    return String(decoding: (try? JSONEncoder.stream.encode(view)) ?? Data("{}".utf8), as: UTF8.self)
                }
                if let json { items.append(json) }
            }
            let body = ByteBuffer(string: "{\"items\":[" + items.joined(separator: ",") + "]}")
            lists.bodies.withLock { $0[audience] = (generations.tail, generations.supervisor, body) }
            return Wire.bytes(body, contentType: Wire.jsonType)
        }
        api.post("bots") { request, context in
            let identity = try context.require(.trader)
            let buffer = try await Wire.body(request)
            let yaml = String(buffer: buffer)
            guard !yaml.isEmpty else { throw APIError.invalid("the body must be a bot file (YAML, as for `tradewind bot run`)") }
            let record: BotRecord
            do { record = try await supervisor.create(yaml: yaml, owner: identity.user) } catch let error as BotFileError {
                throw APIError.invalid("the bot file is invalid", details: .array(error.problems.map(JSONDetails.string)))
            }
            try await tail.poll()
            guard let entry = tail.entry(record.name) else { throw APIError.notFound("bot \(record.name)") }
            return try Wire.json(await view(entry), status: .created)
        }
        api.get("bots/{name}") { _, context in
            let entry = try self.entry(context)
            return try Wire.json(await view(entry))
        }
        api.post("bots/{name}/start") { _, context in
            try context.require(.trader)
            let entry = try self.entry(context)
            do { try await supervisor.start(entry.record.name) } catch let error as BotFileError {
                throw APIError.invalid("the stored bot file is invalid", details: .array(error.problems.map(JSONDetails.string)))
            }
            return try Wire.json(await view(entry), status: .accepted)
        }
        api.post("bots/{name}/stop") { _, context in
            try context.require(.trader)
            let entry = try self.entry(context)
            try await supervisor.stop(entry.record.name)
            try await tail.poll()
            return try Wire.json(await view(self.entry(context)))
        }
        api.get("bots/{name}/orders") { _, context in
            try Wire.json(ListView(items: try self.entry(context).ledger.orders.map(OrderView.init)))
        }
        api.get("bots/{name}/trades") { _, context in
            try Wire.json(ListView(items: try self.entry(context).ledger.trades.map(TradeView.init)))
        }
        api.get("bots/{name}/positions") { _, context in
            try Wire.json(ListView(items: try self.entry(context).ledger.positions.map(PositionView.init)))
        }
        api.get("bots/{name}/pnl") { _, context in
            let ledger = try self.entry(context).ledger
            return try Wire.json(PnLView(startingCash: ledger.startingCash.description, equity: ledger.equity.description, pnl: ledger.pnl.description,
                                         fees: ledger.fees.description, equityCurve: ledger.equityCurve.map(EquityPointView.init)))
        }
    }

    /// The named bot if the caller may see it (404 otherwise, so names do not leak).
    func entry(_ context: ServerContext) throws -> JournalTail.Entry {
        let identity = try context.require(.viewer)
        let name = context.parameters.get("name") ?? ""
        guard let entry = tail.entry(name), BotSupervisor.visible(owner: entry.record.owner, to: identity) else { throw APIError.notFound("bot \(name)") }
        return entry
    }

    func view(_ entry: JournalTail.Entry) async -> BotView {
        let status = await supervisor.statusIfRunning(entry.record.name)
        return view(entry, status: status, running: status != nil, lastError: supervisor.lastError(entry.record.name) ?? status?.lastError)
    }

    /// A bot as the API shows it: from its running status when there is one, else its journal.
    func view(_ entry: JournalTail.Entry, status: BotStatus?, running: Bool, lastError: String?) -> BotView {
        let ledger = entry.ledger
        // Before its first start a bot has no journal yet: its file says what it starts with.
        let startingCash = ledger.hasStarted ? ledger.startingCash : (entry.fileStartingCash ?? status?.equity ?? .zero)
        let equity = status?.equity ?? (ledger.hasStarted ? ledger.equity : startingCash)
        let open = ledger.orders.filter { $0.status == "working" }.count
        return BotView(name: entry.record.name, owner: entry.record.owner,
                       state: status?.phase.rawValue ?? (running ? "running" : entry.record.state),
                       tradingState: status?.tradingState.rawValue ?? ledger.tradingState, running: running,
                       equity: equity.description, pnl: (equity - startingCash).description,
                       cash: (status?.cash ?? (ledger.hasStarted ? ledger.cash : startingCash)).description, fees: ledger.fees.description,
                       openOrders: status?.openOrders ?? open, trades: ledger.trades.count, lastError: lastError,
                       createdAt: entry.record.createdAt.iso8601, updatedAt: entry.record.updatedAt.iso8601)
    }
}
