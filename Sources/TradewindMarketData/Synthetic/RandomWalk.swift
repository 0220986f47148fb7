import RealModule
public import TradewindCore

/// Seeded synthetic bars: a geometric random walk of closes with plausible
/// highs, lows and volumes. Same seed → same bars, on every machine.
///
/// Used for benchmarks and property tests where years of intraday data are needed
/// but none is shipped.
public struct RandomWalk: Sendable {
    public var seed: UInt64
    public var start: Timestamp
    public var interval: TimeSpan
    /// First open, in price units.
    public var startPrice: Double
    /// Standard deviation of one bar's log return.
    public var volatility: Double
    public var pricePrecision: UInt8

    public init(seed: UInt64, start: Timestamp = Timestamp(year: 2020, month: 1, day: 1)!, interval: TimeSpan = .minutes(1),
                startPrice: Double = 100, volatility: Double = 0.001, pricePrecision: UInt8 = 2) {
        self.seed = seed
        self.start = start
        self.interval = interval
        self.startPrice = startPrice
        self.volatility = volatility
        self.pricePrecision = pricePrecision
    }

    /// `count` consecutive bars, each opening at the previous close.
    public func bars(count: Int) -> [Bar] {
        var rng = SplitMix64(seed: seed)
        let scale = Double(FixedPoint.pow10(pricePrecision))
        let tick: Int64 = 1
        var bars: [Bar] = []
        bars.reserveLarge(count)  // on 2 MB pages, as the CSV reader lays out a large file's bars
        var openRaw = Int64((startPrice * scale).rounded())
        var logPrice = Double.log(startPrice)
        var time = start
        for _ in 0..<count {
            logPrice += volatility * Self.gaussian(&rng)
            let closeRaw = max(tick, Int64((Double.exp(logPrice) * scale).rounded()))
            let wick = Double.exp(logPrice) * volatility * 0.5
            let highRaw = max(openRaw, closeRaw) + Int64((abs(Self.gaussian(&rng)) * wick * scale).rounded())
            let lowRaw = max(tick, min(openRaw, closeRaw) - Int64((abs(Self.gaussian(&rng)) * wick * scale).rounded()))
            let volume = Int64(100 + rng.next() % 10_000)
            let close = time + interval
            bars.append(Bar(openTime: time, closeTime: close, openRaw: openRaw, highRaw: highRaw, lowRaw: lowRaw,
                            closeRaw: closeRaw, volumeRaw: volume, pricePrecision: pricePrecision, sizePrecision: 0))
            openRaw = closeRaw
            time = close
        }
        return bars
    }

    /// A standard normal draw (Box–Muller; the second value is discarded for simplicity).
    static func gaussian(_ rng: inout SplitMix64) -> Double {
        let u1 = max(rng.nextUnitDouble(), .leastNonzeroMagnitude)
        let u2 = rng.nextUnitDouble()
        return (-2 * Double.log(u1)).squareRoot() * Double.cos(2 * .pi * u2)
    }
}
