import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization
public import TradewindCore
public import TradewindLive
public import TradewindStorage

/// Follows every bot's journal and keeps its ledger current: the API answers bot reads from
/// memory, and each new entry becomes live-stream events. The journal is the source, so bots
/// run by another process (`tradewind node`) show up too.
public final class JournalTail: Service, Sendable {
    /// A bot as the tail knows it: its record, its ledger, and (before its first start) the
    /// starting cash its file names, read once per definition.
    public struct Entry: Sendable {
        public var record: BotRecord
        public var ledger: BotLedger
        public var fileStartingCash: Money?
        /// Wall time the last live bar was journaled (for "no bar for N minutes").
        public var lastBarAt: Timestamp?
    }

    let store: any Store
    let hub: EventHub
    let interval: Duration
    let logger: Logger
    private let entries = Mutex<[String: Entry]>([:])
    /// What a list of bots needs to know of each without copying its ledger, in creation order.
    public struct Summary: Sendable {
        public var name: String
        public var owner: String
        public var state: String
        /// Changes whenever anything the bot's summary shows may have changed.
        public var version: String
    }
    private let summaries = Mutex<[Summary]>([])
    /// Each bot's answer for GET /bots, encoded once per change (journal position, record,
    /// running or not, last error) rather than once per request.
    private let encoded = Mutex<[String: (key: String, json: String)]>([:])

    public func list() -> [Summary] { summaries.withLock { $0 } }
    /// Bumped whenever ``list()`` changes (a bot added, or anything a summary shows), so a
    /// reader can keep what it built from the list until then.
    public var listGeneration: Int { generation.load(ordering: .acquiring) }
    private let generation = Atomic<Int>(0)

    /// The bot's JSON, from the cache when nothing it shows has changed; `make` gets the entry
    /// only when it must encode.
    func json(for name: String, key: String, make: (Entry) -> String) -> String? {
        if let cached = encoded.withLock({ $0[name] }), cached.key == key { return cached.json }
        guard let entry = entry(name) else { return nil }
        let json = make(entry)
        encoded.withLock { $0[name] = (key, json) }
        return json
    }
    private let ready = Atomic<Bool>(false)

    public init(store: any Store, hub: EventHub, interval: Duration = .milliseconds(200), logger: Logger) {
        self.store = store
        self.hub = hub
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do { try await poll() } catch {
                logger.warning("journal tail could not read the store", metadata: ["error": .string("\(error)")])
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// Reads what is new in every journal (also called directly to catch up at once).
    public func poll() async throws {
        let records = try await store.bots()
        var known = entries.withLock { $0 }
        for record in records {
            var entry = known[record.name] ?? Entry(record: record, ledger: BotLedger(), fileStartingCash: Self.startingCash(record))
            if entry.record.definition != record.definition { entry.fileStartingCash = Self.startingCash(record) }
            entry.record = record
            let events = try await store.events(bot: record.id, after: entry.ledger.sequence)
            var published: [StreamEvent] = []
            for event in events {
                for change in entry.ledger.apply(event) {
                    if case .bar = change { entry.lastBarAt = event.time }
                    published.append(contentsOf: Self.streamEvents(change, bot: record.name, owner: record.owner, time: event.time))
                }
            }
            known[record.name] = entry
            entries.withLock { $0[record.name] = entry }
            for event in published { hub.publish(event) }
        }
        let list = known.values.sorted { $0.record.id < $1.record.id }.map {
            Summary(name: $0.record.name, owner: $0.record.owner, state: $0.record.state,
                    version: "\($0.ledger.sequence)|\($0.record.updatedAt.nanosecondsSinceEpoch)|\($0.record.state)")
        }
        let changed = summaries.withLock { current in
            defer { current = list }
            return !current.elementsEqual(list) { $0.name == $1.name && $0.version == $1.version }
        }
        if changed { generation.add(1, ordering: .releasing) }
        ready.store(true, ordering: .releasing)
    }

    public var hasCaughtUp: Bool { ready.load(ordering: .acquiring) }

    public func entry(_ name: String) -> Entry? { entries.withLock { $0[name] } }
    /// Every bot, in creation order.
    public func all() -> [Entry] { entries.withLock { $0.values.sorted { $0.record.id < $1.record.id } } }

    static func startingCash(_ record: BotRecord) -> Money? {
        (try? BotFile.decode(record.definition, path: record.name)).flatMap { $0.starting_cash }.flatMap { try? Money(parsing: $0) }
    }

    static func streamEvents(_ change: BotLedger.Change, bot: String, owner: String, time: Timestamp) -> [StreamEvent] {
        let encoder = JSONEncoder.stream
        func event(_ type: String, _ value: some Encodable) -> StreamEvent {
            let data = String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
            return StreamEvent(type: type, bot: bot, owner: owner, data: data, time: time.iso8601)
        }
        switch change {
        case .bar(let instrument, let record):
            return [event("bar", BarView(instrument: instrument.description, openTime: Timestamp(nanosecondsSinceEpoch: record.openTime).iso8601,
                                         closeTime: Timestamp(nanosecondsSinceEpoch: record.closeTime).iso8601, open: record.open, high: record.high,
                                         low: record.low, close: record.close, volume: record.volume))]
        case .equity(let point): return [event("equity", EquityPointView(point))]
        case .order(let line): return [event("order", OrderView(line))]
        case .fill(let trade, let position): return [event("fill", TradeView(trade)), event("position", PositionView(position))]
        case .riskState(let state): return [event("risk", ["trading_state": state])]
        }
    }
}

extension JSONEncoder {
    /// The API's wire format: snake_case keys, sorted, slashes unescaped.
    static var stream: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
