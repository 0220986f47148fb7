/// One market-data event for the engine: a closed bar of one instrument.
public struct BarEvent: Sendable {
    /// Index into the source's ``MarketDataSource/instruments``; an integer keeps the
    /// hot loop free of string copies.
    public var instrument: Int
    public var bar: Bar
    /// `.zero` for bars as the source delivers them; the length of a higher time frame the
    /// engine built for a strategy that asked for it (``Strategy/timeframes``).
    public var timeframe: TimeSpan

    @inlinable
    public init(instrument: Int, bar: Bar, timeframe: TimeSpan = .zero) {
        self.instrument = instrument
        self.bar = bar
        self.timeframe = timeframe
    }

    /// Whether this is a source bar rather than a higher time frame built from them.
    @inlinable public var isSourceBar: Bool { timeframe.nanoseconds == 0 }
}
