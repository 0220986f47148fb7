import Foundation
import Synchronization
public import TradewindCore

/// A bar as the bot saw it, in its journal (`market.bar`): exact decimal text, bar times in
/// nanoseconds, and whether it was a warm-up (history) bar or a live one.
public struct MarketBarRecord: Codable, Sendable, Equatable {
    public var instrument: Int
    public var openTime: Int64
    public var closeTime: Int64
    public var open: String
    public var high: String
    public var low: String
    public var close: String
    public var volume: String
    public var warmup: Bool

    public static let kind = "market.bar"

    public init(instrument: Int, bar: Bar, warmup: Bool) {
        self.instrument = instrument
        openTime = bar.openTime.nanosecondsSinceEpoch
        closeTime = bar.closeTime.nanosecondsSinceEpoch
        open = bar.open.description
        high = bar.high.description
        low = bar.low.description
        close = bar.close.description
        volume = bar.volume.description
        self.warmup = warmup
    }

    public init(payload: String) throws {
        self = try JSONDecoder().decode(MarketBarRecord.self, from: Data(payload.utf8))
    }

    public var row: (kind: String, payload: String) { (Self.kind, payload) }

    /// The journal row of a live bar. Every bot on a feed journals the same bar, so the payloads
    /// of the latest bars are kept and each is encoded once per node, not once per bot.
    static func liveRow(instrument: Int, bar: Bar) -> (kind: String, payload: String) {
        if let payload = recent.withLock({ $0.payload(instrument: instrument, bar: bar) }) { return (kind, payload) }
        let payload = MarketBarRecord(instrument: instrument, bar: bar, warmup: false).payload
        recent.withLock { $0.insert(instrument: instrument, bar: bar, payload: payload) }
        return (kind, payload)
    }

    private static let recent = Mutex(RecentPayloads())

    /// The payloads of the last few live bars seen (one per feed a node's bots share; a miss only
    /// costs an encoding).
    struct RecentPayloads {
        private var entries: [(instrument: Int, bar: Bar, payload: String)] = []
        private var next = 0
        static let capacity = 16

        /// Newest first: the bots on a feed ask for the bar just inserted.
        func payload(instrument: Int, bar: Bar) -> String? {
            let newest = entries.count < Self.capacity ? entries.count - 1 : (next + Self.capacity - 1) % Self.capacity
            for step in 0..<entries.count {
                let entry = entries[(newest - step + Self.capacity) % Self.capacity]
                if entry.instrument == instrument && entry.bar == bar { return entry.payload }
            }
            return nil
        }

        mutating func insert(instrument: Int, bar: Bar, payload: String) {
            if entries.count < Self.capacity {
                entries.append((instrument, bar, payload))
            } else {
                entries[next] = (instrument, bar, payload)
                next = (next + 1) % Self.capacity
            }
        }
    }

    /// The `Codable` form, written directly (``JournalJSON``): one is journaled per bar and bot.
    var payload: String {
        var json = JournalJSON()
        json.string("close", close)
        json.integer("closeTime", closeTime)
        json.string("high", high)
        json.integer("instrument", Int64(instrument))
        json.string("low", low)
        json.string("open", open)
        json.integer("openTime", openTime)
        json.string("volume", volume)
        json.bool("warmup", warmup)
        return json.finish()
    }

    public func bar(pricePrecision: UInt8) throws -> Bar {
        Bar(openTime: Timestamp(nanosecondsSinceEpoch: openTime), closeTime: Timestamp(nanosecondsSinceEpoch: closeTime),
            open: try Price(parsing: open, precision: pricePrecision), high: try Price(parsing: high, precision: pricePrecision),
            low: try Price(parsing: low, precision: pricePrecision), close: try Price(parsing: close, precision: pricePrecision),
            volume: try Quantity(parsing: volume))
    }
}

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }
}
