/// Ichimoku Kinkō Hyō (not in TA-Lib), computed without look-ahead.
///
/// - conversion (tenkan-sen): midpoint of the highest high and lowest low of `conversion` bars;
/// - base (kijun-sen): the same over `base` bars;
/// - leading span A (senkou A): (conversion + base) ÷ 2, and leading span B: the midpoint over
///   `leading` bars — both *computed* on this bar and conventionally *plotted* `base` bars ahead;
/// - lagging span (chikou): this bar's close, conventionally plotted `base` bars back.
/// Displacement is a charting concern, so values are reported on the bar that determines them.
public struct Ichimoku: BarIndicator, Sendable {
    public struct Value: Hashable, Sendable {
        public var conversion: Double
        public var base: Double
        public var leadingA: Double
        public var leadingB: Double
        public var lagging: Double

        @inlinable
        public init(conversion: Double, base: Double, leadingA: Double, leadingB: Double, lagging: Double) {
            self.conversion = conversion
            self.base = base
            self.leadingA = leadingA
            self.leadingB = leadingB
            self.lagging = lagging
        }
    }

    @usableFromInline var conversion: DonchianChannels
    @usableFromInline var base: DonchianChannels
    @usableFromInline var leading: DonchianChannels
    @usableFromInline var close = 0.0
    @inlinable
    public var value: Value? {
        guard let c = conversion.value?.middle, let b = base.value?.middle, let l = leading.value?.middle else { return nil }
        return Value(conversion: c, base: b, leadingA: (c + b) / 2, leadingB: l, lagging: close)
    }

    public init(conversion: Int = 9, base: Int = 26, leading: Int = 52) throws(IndicatorError) {
        self.conversion = try DonchianChannels(period: conversion)
        self.base = try DonchianChannels(period: base)
        self.leading = try DonchianChannels(period: leading)
    }

    @inlinable
    public mutating func update(_ bar: BarSample) throws(IndicatorError) {
        try bar.checkFinite("ICHIMOKU")
        advance(bar)
    }

    /// `update` for input already known to be finite.
    @inlinable
    mutating func advance(_ bar: BarSample) {
        conversion.advance(bar)
        base.advance(bar)
        leading.advance(bar)
        close = bar.close
    }
}
