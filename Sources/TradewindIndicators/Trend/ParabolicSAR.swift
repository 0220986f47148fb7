/// Wilder's parabolic stop-and-reverse (TA-Lib `SAR`).
///
/// The first bar only establishes the extreme; the initial direction is short when the
/// second bar has a positive −DM (its low fell by more than its high rose), long otherwise.
/// The acceleration starts at `acceleration`, grows by it on each new extreme up to
/// `maximum`, and resets on a reversal. The SAR never enters the last two bars' range.
public struct ParabolicSAR: BarIndicator, Sendable {
    public let acceleration: Double
    public let maximum: Double
    @usableFromInline var previous: BarSample?
    @usableFromInline var started = false
    @usableFromInline var isLong = true
    @usableFromInline var sar = 0.0
    @usableFromInline var extreme = 0.0
    @usableFromInline var factor = 0.0
    @usableFromInline var current: Double?
    @inlinable
    public var value: Double? { current }

    public init(acceleration: Double = 0.02, maximum: Double = 0.2) throws(IndicatorError) {
        guard acceleration >= 0, maximum >= 0, acceleration.isFinite, maximum.isFinite else {
            throw .invalidParameter(indicator: "SAR", reason: "acceleration and maximum must be non-negative")
        }
        self.acceleration = min(acceleration, maximum)
        self.maximum = maximum
    }

    @inlinable
    public mutating func update(_ bar: BarSample) throws(IndicatorError) {
        try bar.checkFinite("SAR")
        advance(bar)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ bar: BarSample) {
        guard let last = previous else {
            previous = bar
            return
        }
        var prevHigh = last.high, prevLow = last.low
        if !started {
            started = true
            let up = bar.high - last.high
            let down = last.low - bar.low
            isLong = !(down > 0 && up < down)
            factor = acceleration
            if isLong {
                extreme = bar.high
                sar = last.low
            } else {
                extreme = bar.low
                sar = last.high
            }
            // TA-Lib compares the first bar against itself.
            prevHigh = bar.high
            prevLow = bar.low
        }
        previous = bar
        let (high, low) = (bar.high, bar.low)
        if isLong {
            if low <= sar {
                isLong = false
                sar = max(extreme, prevHigh, high)
                current = sar
                factor = acceleration
                extreme = low
                sar = sar + factor * (extreme - sar)
                sar = max(sar, prevHigh, high)
            } else {
                current = sar
                if high > extreme {
                    extreme = high
                    factor = min(factor + acceleration, maximum)
                }
                sar = sar + factor * (extreme - sar)
                sar = min(sar, prevLow, low)
            }
        } else {
            if high >= sar {
                isLong = true
                sar = min(extreme, prevLow, low)
                current = sar
                factor = acceleration
                extreme = high
                sar = sar + factor * (extreme - sar)
                sar = min(sar, prevLow, low)
            } else {
                current = sar
                if low < extreme {
                    extreme = low
                    factor = min(factor + acceleration, maximum)
                }
                sar = sar + factor * (extreme - sar)
                sar = max(sar, prevHigh, high)
            }
        }
    }
}
