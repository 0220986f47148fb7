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
public struct HistoricalBarSource: MarketDataSource {
    public let instruments: [Instrument]
    @usableFromInline let series: [[Bar]]
    @usableFromInline var cursors: [Int]
    // The common one-instrument case reads a flat array with a plain cursor.
    @usableFromInline let single: [Bar]
    @usableFromInline var singleCursor = 0

    /// - Parameter series: one ``BarSeries`` per instrument, each ascending.
    public init(_ series: [BarSeries]) {
        self.instruments = series.map(\.instrument)
        self.series = series.map(\.bars)
        self.cursors = Array(repeating: 0, count: series.count)
        self.single = series.count == 1 ? series[0].bars : []
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
        // Earliest close time first; ties go to the lower instrument index (stable, deterministic).
        var best = -1
        for i in series.indices where cursors[i] < series[i].count {
            if best < 0 || series[i][cursors[i]].closeTime < series[best][cursors[best]].closeTime { best = i }
        }
        guard best >= 0 else { return nil }
        defer { cursors[best] += 1 }
        return BarEvent(instrument: best, bar: series[best][cursors[best]])
    }
}
