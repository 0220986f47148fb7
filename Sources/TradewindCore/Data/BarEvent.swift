/// One market-data event for the engine: a closed bar of one instrument.
public struct BarEvent: Sendable {
    /// Index into the source's ``MarketDataSource/instruments``; an integer keeps the
    /// hot loop free of string copies.
    public var instrument: Int
    public var bar: Bar

    @inlinable
    public init(instrument: Int, bar: Bar) {
        self.instrument = instrument
        self.bar = bar
    }
}
