/// One OHLCV bar of one instrument.
///
/// Stored as raw integers with one shared precision per kind (64 bytes, a cache
/// line), because backtests stream millions of these. The engine orders bars by
/// ``closeTime``: a strategy sees a bar only once it has closed.
public struct Bar: Hashable, Sendable {
    /// When the bar's first trade could happen (inclusive), UTC.
    public var openTime: Timestamp
    /// When the bar closed (exclusive end of its interval), UTC; the bar's event time.
    public var closeTime: Timestamp
    public var openRaw: Int64
    public var highRaw: Int64
    public var lowRaw: Int64
    public var closeRaw: Int64
    public var volumeRaw: Int64
    public var pricePrecision: UInt8
    public var sizePrecision: UInt8

    /// Builds a bar from exact values; prices are brought to a common precision.
    /// Untrusted input is checked by its reader (see ``isConsistent``); this initializer trusts its caller.
    public init(openTime: Timestamp, closeTime: Timestamp, open: Price, high: Price, low: Price, close: Price, volume: Quantity) {
        let precision = max(open.precision, high.precision, low.precision, close.precision)
        self.openTime = openTime
        self.closeTime = closeTime
        self.openRaw = open.rescaled(to: precision)!.raw
        self.highRaw = high.rescaled(to: precision)!.raw
        self.lowRaw = low.rescaled(to: precision)!.raw
        self.closeRaw = close.rescaled(to: precision)!.raw
        self.volumeRaw = volume.raw
        self.pricePrecision = precision
        self.sizePrecision = volume.precision
    }

    /// Builds a bar from raw integers already at `pricePrecision` / `sizePrecision`.
    @inlinable
    public init(openTime: Timestamp, closeTime: Timestamp, openRaw: Int64, highRaw: Int64, lowRaw: Int64, closeRaw: Int64,
                volumeRaw: Int64, pricePrecision: UInt8, sizePrecision: UInt8) {
        self.openTime = openTime
        self.closeTime = closeTime
        self.openRaw = openRaw
        self.highRaw = highRaw
        self.lowRaw = lowRaw
        self.closeRaw = closeRaw
        self.volumeRaw = volumeRaw
        self.pricePrecision = pricePrecision
        self.sizePrecision = sizePrecision
    }

    @inlinable public var open: Price { Price(uncheckedRaw: openRaw, precision: pricePrecision) }
    @inlinable public var high: Price { Price(uncheckedRaw: highRaw, precision: pricePrecision) }
    @inlinable public var low: Price { Price(uncheckedRaw: lowRaw, precision: pricePrecision) }
    @inlinable public var close: Price { Price(uncheckedRaw: closeRaw, precision: pricePrecision) }
    @inlinable public var volume: Quantity { Quantity(uncheckedRaw: volumeRaw, precision: sizePrecision) }

    /// Whether the bar is assumed to reach its high before its low: the extreme nearer the
    /// open comes first, the high on a tie. The one intrabar-path rule that bar aggregation
    /// and the fill simulator share.
    @inlinable public var isHighFirst: Bool { highRaw - openRaw <= openRaw - lowRaw }

    /// The assumed intrabar path as raw prices: open → nearer extreme → farther extreme → close.
    @inlinable public var pathRaw: (Int64, Int64, Int64, Int64) {
        isHighFirst ? (openRaw, highRaw, lowRaw, closeRaw) : (openRaw, lowRaw, highRaw, closeRaw)
    }

    /// When the path reaches its point `k` (0…3): the four points are evenly spaced from the
    /// open time to the close time.
    @inlinable public func pathTime(_ k: Int64) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: openTime.nanosecondsSinceEpoch + (closeTime.nanosecondsSinceEpoch - openTime.nanosecondsSinceEpoch) * k / 3)
    }

    /// Whether the prices and volume are self-consistent (`low ≤ open, close ≤ high`, `volume ≥ 0`,
    /// `openTime ≤ closeTime`).
    public var isConsistent: Bool {
        lowRaw <= highRaw && lowRaw <= openRaw && openRaw <= highRaw && lowRaw <= closeRaw && closeRaw <= highRaw
            && volumeRaw >= 0 && openTime <= closeTime
    }
}
