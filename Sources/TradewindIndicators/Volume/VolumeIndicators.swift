public import TradewindCore

/// On-balance volume (TA-Lib `OBV`): starts at the first bar's volume, then adds the volume
/// of bars that close higher and subtracts that of bars that close lower.
public struct OnBalanceVolume: BarIndicator, Sendable {
    @usableFromInline var previousClose: Double?
    @usableFromInline var current: Double?
    @inlinable
    public var value: Double? { current }

    public init() {}

    @inlinable
    public mutating func update(_ bar: BarSample) throws(IndicatorError) {
        try bar.checkFinite("OBV")
        advance(bar)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ bar: BarSample) {
        defer { previousClose = bar.close }
        guard let previous = previousClose, let total = current else {
            current = bar.volume
            return
        }
        if bar.close > previous {
            current = total + bar.volume
        } else if bar.close < previous {
            current = total - bar.volume
        }
    }
}

/// Volume-weighted average price anchored to the UTC day: Σ(typical price × volume) ÷
/// Σ volume since the first bar of the day (not in TA-Lib).
///
/// A bar belongs to the day in which it *closes* (a bar ending exactly at midnight belongs
/// to the day before). No value until the session has traded some volume.
public struct VolumeWeightedAveragePrice: BarIndicator, Sendable {
    @usableFromInline var session: Timestamp?
    @usableFromInline var priceVolume = 0.0
    @usableFromInline var volume = 0.0
    @inlinable
    public var value: Double? { volume > 0 ? priceVolume / volume : nil }

    public init() {}

    @inlinable
    public mutating func update(_ bar: BarSample) throws(IndicatorError) {
        try bar.checkFinite("VWAP")
        advance(bar)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ bar: BarSample) {
        let day = Timestamp(nanosecondsSinceEpoch: bar.time.nanosecondsSinceEpoch - 1).startOfUTCDay
        if day != session {
            session = day
            priceVolume = 0
            volume = 0
        }
        priceVolume += bar.typicalPrice * bar.volume
        volume += bar.volume
    }
}
