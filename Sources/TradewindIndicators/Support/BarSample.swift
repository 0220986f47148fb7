public import TradewindCore

/// One bar as indicator input: prices and volume as `Double` (indicators are statistics,
/// not accounting) plus the close time, which session-anchored indicators need.
public struct BarSample: Hashable, Sendable {
    public var time: Timestamp
    public var open: Double
    public var high: Double
    public var low: Double
    public var close: Double
    public var volume: Double

    public init(time: Timestamp = .epoch, open: Double, high: Double, low: Double, close: Double, volume: Double = 0) {
        self.time = time
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.volume = volume
    }

    /// The bar's values as doubles, stamped with its close time.
    @inlinable
    public init(_ bar: Bar) {
        self.init(time: bar.closeTime, open: bar.open.doubleValue, high: bar.high.doubleValue, low: bar.low.doubleValue,
                  close: bar.close.doubleValue, volume: bar.volume.doubleValue)
    }

    /// (high + low + close) / 3.
    @inlinable public var typicalPrice: Double { (high + low + close) / 3 }

    /// - Throws: ``IndicatorError/nonFiniteInput(indicator:value:)`` if any field is NaN or infinite.
    @inlinable
    public func checkFinite(_ indicator: @autoclosure () -> String) throws(IndicatorError) {
        // Field by field: an array literal here would allocate on every update.
        guard open.isFinite && high.isFinite && low.isFinite && close.isFinite && volume.isFinite else {
            let bad = !open.isFinite ? open : !high.isFinite ? high : !low.isFinite ? low : !close.isFinite ? close : volume
            throw .nonFiniteInput(indicator: indicator(), value: bad)
        }
    }
}

/// A streaming indicator over whole bars (high, low, close, volume, time).
public protocol BarIndicator {
    associatedtype Value
    /// The current value, or `nil` while warming up.
    var value: Value? { get }
    /// Feeds one bar.
    /// - Throws: ``IndicatorError/nonFiniteInput(indicator:value:)``; the state is unchanged.
    mutating func update(_ bar: BarSample) throws(IndicatorError)
}

extension BarIndicator {
    public var isReady: Bool { value != nil }

    /// Runs a fresh copy over `bars` and returns the value after each.
    public func batch(_ bars: [BarSample]) throws(IndicatorError) -> [Value?] {
        var copy = self
        var output: [Value?] = []
        output.reserveCapacity(bars.count)
        for bar in bars {
            try copy.update(bar)
            output.append(copy.value)
        }
        return output
    }
}

/// TA-Lib treats magnitudes below 1e-8 as zero when guarding divisions.
@inlinable
func isNearZero(_ x: Double) -> Bool { -0.000_000_01 < x && x < 0.000_000_01 }

@inlinable
func checkPeriod(_ period: Int, minimum: Int = 1, _ name: String) throws(IndicatorError) {
    guard period >= minimum else {
        throw .invalidParameter(indicator: name, reason: "period must be at least \(minimum), got \(period)")
    }
}
