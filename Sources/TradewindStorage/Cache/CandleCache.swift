import Metrics
public import TradewindCore

/// An in-memory least-recently-used cache of candle range reads in front of a store.
///
/// Keyed by (instrument, time frame, from, to); bounded by the total number of bars held.
/// Any insert into a series drops that series' cached ranges, so a read never returns bars
/// older than the store's. Hits and misses are counted and emitted as metrics
/// (`tradewind_candle_cache_hits_total`, `tradewind_candle_cache_misses_total`).
public actor CandleCache {
    public struct Statistics: Hashable, Sendable {
        public var hits: Int
        public var misses: Int
        public var bars: Int
        public var entries: Int
        /// hits / (hits + misses); 0 before the first read.
        public var hitRate: Double { hits + misses == 0 ? 0 : Double(hits) / Double(hits + misses) }
    }

    struct Key: Hashable {
        var instrument: InstrumentID
        var timeframe: String
        var from: Timestamp?
        var to: Timestamp?
    }

    let store: any CandleRepository
    /// Most bars kept across all entries.
    public let capacity: Int
    private var entries: [Key: (bars: [Bar], lastUse: UInt64)] = [:]
    private var clock: UInt64 = 0
    private var heldBars = 0
    private var hits = 0
    private var misses = 0
    private let hitCounter = Counter(label: "tradewind_candle_cache_hits_total")
    private let missCounter = Counter(label: "tradewind_candle_cache_misses_total")

    public init(store: any CandleRepository, capacity: Int = 20_000_000) {
        self.store = store
        self.capacity = capacity
    }

    public func candles(instrument: InstrumentID, timeframe: String, from: Timestamp?, to: Timestamp?) async throws(StorageError) -> [Bar] {
        let key = Key(instrument: instrument, timeframe: timeframe, from: from, to: to)
        clock += 1
        if let entry = entries[key] {
            entries[key] = (entry.bars, clock)
            hits += 1
            hitCounter.increment()
            return entry.bars
        }
        misses += 1
        missCounter.increment()
        let bars = try await store.candles(instrument: instrument, timeframe: timeframe, from: from, to: to)
        guard bars.count <= capacity else { return bars }
        while heldBars + bars.count > capacity, let victim = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
            heldBars -= victim.value.bars.count
            entries[victim.key] = nil
        }
        entries[key] = (bars, clock)
        heldBars += bars.count
        return bars
    }

    /// Inserts through to the store and forgets the series' cached ranges.
    public func insertCandles(_ bars: [Bar], instrument: InstrumentID, timeframe: String) async throws(StorageError) -> Int {
        let inserted = try await store.insertCandles(bars, instrument: instrument, timeframe: timeframe)
        for key in entries.keys where key.instrument == instrument && key.timeframe == timeframe {
            heldBars -= entries[key]!.bars.count
            entries[key] = nil
        }
        return inserted
    }

    public var statistics: Statistics { Statistics(hits: hits, misses: misses, bars: heldBars, entries: entries.count) }
}
