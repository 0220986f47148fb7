public import TradewindCore
public import TradewindMarketData

/// Builds bars from short literals for tests: `BarBuilder.daily("2024-01-02", 10, 11, 9, 10.5)`.
public enum BarBuilder {
    /// A test instrument with 2 price decimals and whole-unit sizes.
    public static let instrument: Instrument = try! Instrument(
        id: InstrumentID(symbol: "TEST", venue: "SIM"), pricePrecision: 2, sizePrecision: 0)

    /// A one-day bar opening at midnight UTC of `day` (`YYYY-MM-DD`); prices in text keep exact decimals.
    public static func daily(_ day: String, _ open: String, _ high: String, _ low: String, _ close: String, volume: String = "1000") -> Bar {
        guard let start = Timestamp(iso8601: day) else { preconditionFailure("bad day \(day)") }
        return Bar(openTime: start, closeTime: start + .days(1), open: price(open), high: price(high), low: price(low),
                   close: price(close), volume: Quantity(volume))
    }

    /// A flat daily bar (open = high = low = close).
    public static func daily(_ day: String, _ price: String) -> Bar { daily(day, price, price, price, price) }

    /// Consecutive daily bars from `start` with the given closes; each opens at the previous close.
    public static func dailyCloses(from start: String, _ closes: [String]) -> [Bar] {
        guard var time = Timestamp(iso8601: start) else { preconditionFailure("bad day \(start)") }
        var bars: [Bar] = []
        var open = closes.first ?? "1"
        for close in closes {
            let high = max(Price(open), Price(close)).description
            let low = min(Price(open), Price(close)).description
            bars.append(Bar(openTime: time, closeTime: time + .days(1), open: price(open), high: price(high), low: price(low),
                            close: price(close), volume: Quantity("1000")))
            time = time + .days(1)
            open = close
        }
        return bars
    }

    /// The one-minute bar `minute` minutes after `start`, opening and closing at `close`, its low
    /// and high at `close` unless given: what a live feed publishes in the venue tests.
    public static func minute(_ minute: Int, after start: Timestamp, close: Price, low: Price? = nil, high: Price? = nil,
                              volume: Quantity = Quantity("10")) -> Bar {
        let open = start + .minutes(Int64(minute))
        return Bar(openTime: open, closeTime: open + .minutes(1), open: close, high: high ?? close, low: low ?? close, close: close,
                   volume: volume)
    }

    /// A series of the test instrument.
    public static func series(_ bars: [Bar]) -> BarSeries {
        BarSeries(instrument: instrument, bars: bars, interval: .fixed(.days(1)))
    }

    static func price(_ text: String) -> Price { Price(text).rescaled(to: 2) ?? Price(text) }
}
