import Foundation
public import Logging
public import TradewindCore
import TradewindStorage

/// Closed klines from Binance: `GET /api/v3/klines` for history and back-fill, and the
/// `<symbol>@kline_<interval>` stream for new bars (only events with `x: true`, the bar closed).
/// After a dropped stream the feed reconnects and first fetches every bar it missed by REST, so
/// the strategy sees each bar once, in order, without gaps.
public final class BinanceMarketFeed: MarketFeed, Sendable {
    public let name = "binance"
    let rest: BinanceRESTClient
    let streamBase: String
    let logger: Logger

    public init(rest: BinanceRESTClient, logger: Logger = Logger(label: "tradewind.binance.feed")) {
        self.rest = rest
        self.streamBase = rest.endpoint.streamBase
        self.logger = logger
    }

    public static func intervalName(_ interval: TimeSpan) throws(VenueError) -> String {
        let names: [(Int64, String)] = [(60, "1m"), (180, "3m"), (300, "5m"), (900, "15m"), (1800, "30m"), (3600, "1h"), (7200, "2h"),
                                        (14400, "4h"), (21600, "6h"), (28800, "8h"), (43200, "12h"), (86400, "1d"), (1, "1s")]
        guard let name = names.first(where: { $0.0 * 1_000_000_000 == interval.nanoseconds })?.1 else {
            throw .unsupported("bar interval of \(interval.nanoseconds / 1_000_000_000) s (Binance klines are 1s, 1m…12h, 1d)")
        }
        return name
    }

    public func history(instrument: Instrument, interval: TimeSpan, limit: Int) async throws(VenueError) -> [Bar] {
        try await klines(instrument: instrument, interval: interval, start: nil, limit: limit)
    }

    func klines(instrument: Instrument, interval: TimeSpan, start: Timestamp?, limit: Int) async throws(VenueError) -> [Bar] {
        var parameters = [("symbol", instrument.id.symbol), ("interval", try Self.intervalName(interval)), ("limit", String(min(max(limit, 1), 1000)))]
        if let start { parameters.append(("startTime", String(start.nanosecondsSinceEpoch / 1_000_000))) }
        let body = try await rest.call(.get, "/api/v3/klines", parameters, weight: 2, mayRetry: true)
        guard let rows = try? JSONSerialization.jsonObject(with: body) as? [[Any]] else { throw .unavailable("klines: unreadable answer") }
        let now = WallClock.now()
        var bars: [Bar] = []
        for row in rows {
            guard row.count >= 7, let open = (row[0] as? NSNumber)?.int64Value, let close = (row[6] as? NSNumber)?.int64Value else {
                throw .unavailable("klines: malformed row")
            }
            // The newest kline may still be forming: only closed bars are history.
            guard Timestamp(nanosecondsSinceEpoch: (close + 1) * 1_000_000) <= now else { continue }
            bars.append(try Self.bar(openMillis: open, closeMillis: close, values: row[1...5].map { $0 as? String ?? "" }, instrument: instrument))
        }
        return bars
    }

    static func bar(openMillis: Int64, closeMillis: Int64, values: [String], instrument: Instrument) throws(VenueError) -> Bar {
        do {
            let p = instrument.pricePrecision
            return try Bar(openTime: Timestamp(nanosecondsSinceEpoch: openMillis * 1_000_000),
                           closeTime: Timestamp(nanosecondsSinceEpoch: (closeMillis + 1) * 1_000_000),
                           open: Price(parsing: values[0], precision: p), high: Price(parsing: values[1], precision: p),
                           low: Price(parsing: values[2], precision: p), close: Price(parsing: values[3], precision: p),
                           volume: Quantity(parsing: values[4]))
        } catch {
            throw .unavailable("kline \(openMillis): \(error)")
        }
    }

    public func bars(instrument: Instrument, interval: TimeSpan) -> AsyncThrowingStream<Bar, any Error> {
        let (stream, continuation) = AsyncThrowingStream<Bar, any Error>.makeStream(bufferingPolicy: .unbounded)
        let state = FeedState()
        let url = streamBase + "/ws/" + instrument.id.symbol.lowercased() + "@kline_" + ((try? Self.intervalName(interval)) ?? "1m")
        let task = Task { [self] in
            await keepStreaming(url: { url }, venue: "binance", stream: "klines:" + instrument.id.symbol, logger: logger, onConnect: {
                // Back-fill what closed while disconnected (nothing on the first connection).
                guard let last = await state.lastOpen else { return }
                do {
                    let missed = try await self.klines(instrument: instrument, interval: interval, start: last + interval, limit: 1000)
                    for bar in missed where await state.accept(bar) { continuation.yield(bar) }
                } catch {
                    self.logger.warning("kline back-fill failed: \(error)")
                }
            }, onText: { text in
                guard let fields = JSONFields(Data(text.utf8)), fields.string("e") == "kline",
                      let k = fields.object["k"] as? [String: Any] else { return }
                let kline = JSONFields(k)
                guard kline.bool("x") == true, let open = kline.int64("t"), let close = kline.int64("T") else { return }
                guard let bar = try? Self.bar(openMillis: open, closeMillis: close,
                                              values: ["o", "h", "l", "c", "v"].map { kline.string($0) ?? "" }, instrument: instrument) else { return }
                if await state.accept(bar) { continuation.yield(bar) }
            })
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}

/// The newest bar delivered, so a bar arriving twice (stream and back-fill) is passed on once.
actor FeedState {
    private(set) var lastOpen: Timestamp?

    func accept(_ bar: Bar) -> Bool {
        if let lastOpen, bar.openTime <= lastOpen { return false }
        lastOpen = bar.openTime
        return true
    }
}
