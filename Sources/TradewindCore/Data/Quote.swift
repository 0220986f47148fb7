/// The best bid and offer at one instant.
public struct Quote: Hashable, Sendable {
    public var time: Timestamp
    public var bid: Price
    public var ask: Price
    public var bidSize: Quantity
    public var askSize: Quantity

    public init(time: Timestamp, bid: Price, ask: Price, bidSize: Quantity, askSize: Quantity) {
        self.time = time
        self.bid = bid
        self.ask = ask
        self.bidSize = bidSize
        self.askSize = askSize
    }

    /// (bid + ask) / 2, exact at one more decimal: (bid + ask) × 5 / 10.
    public var mid: Price {
        let precision = max(bid.precision, ask.precision)
        let sum = bid.rescaled(to: precision)!.raw + ask.rescaled(to: precision)!.raw
        return precision < FixedPoint.maxPrecision
            ? Price(uncheckedRaw: sum * 5, precision: precision + 1) : Price(uncheckedRaw: sum / 2, precision: precision)
    }
}

/// A quote of the instrument at ``instrument`` (an index, like ``BarEvent/instrument``).
public struct QuoteEvent: Hashable, Sendable {
    public var instrument: Int
    public var quote: Quote

    public init(instrument: Int, quote: Quote) {
        self.instrument = instrument
        self.quote = quote
    }
}

/// A trade print of the instrument at ``instrument``.
public struct TradeTickEvent: Hashable, Sendable {
    public var instrument: Int
    public var tick: Tick

    public init(instrument: Int, tick: Tick) {
        self.instrument = instrument
        self.tick = tick
    }
}

/// Any market event the engine replays: bars, quotes or trade prints.
public enum MarketEvent: Sendable {
    case bar(BarEvent)
    case quote(QuoteEvent)
    case trade(TradeTickEvent)

    /// When the event becomes known: a bar's close, a quote's or a print's time.
    public var time: Timestamp {
        switch self {
        case .bar(let event): event.bar.closeTime
        case .quote(let event): event.quote.time
        case .trade(let event): event.tick.time
        }
    }

    public var instrument: Int {
        switch self {
        case .bar(let event): event.instrument
        case .quote(let event): event.instrument
        case .trade(let event): event.instrument
        }
    }
}
