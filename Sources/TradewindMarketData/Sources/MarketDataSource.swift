public import TradewindCore

/// Where market data comes from: history in a backtest, a feed when trading.
///
/// Events arrive in non-decreasing ``Bar/closeTime`` order across instruments.
public protocol MarketDataSource {
    /// The instruments whose events this source produces, indexed by ``BarEvent/instrument``.
    var instruments: [Instrument] { get }
    /// The next event, or `nil` when the source is exhausted.
    mutating func next() throws -> BarEvent?
}

/// Replays in-memory bar series, merging several instruments by close time.
///
/// Equal close times go to the lower instrument index, so the merged order never depends on
/// anything but the data. Several instruments are merged with a binary heap: O(log n) per bar.
public struct HistoricalBarSource: MarketDataSource {
    public let instruments: [Instrument]
    @usableFromInline let series: [[Bar]]
    @usableFromInline var cursors: [Int]
    // The common one-instrument case reads a flat array with a plain cursor.
    @usableFromInline let single: [Bar]
    @usableFromInline var singleCursor = 0
    /// Min-heap of (next close time, instrument) over instruments with bars left.
    @usableFromInline var heap: [(time: Timestamp, instrument: Int)] = []

    /// - Parameter series: one ``BarSeries`` per instrument, each ascending.
    public init(_ series: [BarSeries]) {
        self.instruments = series.map(\.instrument)
        self.series = series.map(\.bars)
        self.cursors = Array(repeating: 0, count: series.count)
        self.single = series.count == 1 ? series[0].bars : []
        if series.count > 1 {
            for (index, bars) in self.series.enumerated() {
                if let first = bars.first { push((first.closeTime, index)) }
            }
        }
    }

    /// For a one-instrument source: all bars not yet produced, leaving the source exhausted
    /// (as if ``next()`` had been called until `nil`). `nil` for several instruments.
    public mutating func drainSingleInstrument() -> ArraySlice<Bar>? {
        guard series.count == 1 else { return nil }
        defer { singleCursor = single.count }
        return single[singleCursor...]
    }

    /// The total number of bars this source will produce.
    public var count: Int { series.reduce(0) { $0 + $1.count } }

    @inlinable
    public mutating func next() -> BarEvent? {
        if series.count == 1 {
            guard singleCursor < single.count else { return nil }
            defer { singleCursor += 1 }
            return BarEvent(instrument: 0, bar: single[singleCursor])
        }
        guard let top = heap.first else { return nil }
        let instrument = top.instrument
        let bar = series[instrument][cursors[instrument]]
        cursors[instrument] += 1
        if cursors[instrument] < series[instrument].count {
            heap[0] = (series[instrument][cursors[instrument]].closeTime, instrument)
        } else {
            heap[0] = heap[heap.count - 1]
            heap.removeLast()
        }
        if !heap.isEmpty { siftDown(0) }
        return BarEvent(instrument: instrument, bar: bar)
    }

    @inlinable
    static func precedes(_ a: (time: Timestamp, instrument: Int), _ b: (time: Timestamp, instrument: Int)) -> Bool {
        a.time < b.time || (a.time == b.time && a.instrument < b.instrument)
    }

    mutating func push(_ entry: (time: Timestamp, instrument: Int)) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard Self.precedes(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    @usableFromInline
    mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { return }
            var smallest = left
            if left + 1 < heap.count && Self.precedes(heap[left + 1], heap[left]) { smallest = left + 1 }
            guard Self.precedes(heap[smallest], heap[parent]) else { return }
            heap.swapAt(smallest, parent)
            parent = smallest
        }
    }
}
