public import TradewindCore

/// The margin rules of a margin account. Requirements are fractions of gross exposure
/// (Σ |quantity × mark| over all positions).
///
/// - **Initial margin** (`initialRate`, `1 / leverage`): an order that would raise exposure is
///   denied unless equity covers the initial margin of the exposure it would leave. Equity below
///   the initial margin of the open positions is a *margin call*: the strategy is told once,
///   and new exposure is refused until equity recovers.
/// - **Maintenance margin** (`maintenanceRate`): equity below it means *liquidation*: the venue
///   closes every position. The check uses each bar's adverse extreme (the low for a long, the
///   high for a short), and the liquidation price is where equity meets the maintenance margin,
///   rounded to the tick against the trader, or the open if the bar gapped past it.
public struct MarginPolicy: Hashable, Sendable {
    public var initialRate: Rate
    public var maintenanceRate: Rate
    /// Fee charged on liquidation fills, as a fraction of their notional.
    public var liquidationFeeRate: Rate

    /// - Throws: ``PortfolioError/invalidMargin(_:)`` unless `0 < maintenance ≤ initial ≤ 1`.
    public init(initialRate: Rate, maintenanceRate: Rate, liquidationFeeRate: Rate = Rate("0")) throws(PortfolioError) {
        let one = Rate(uncheckedRaw: 1, precision: 0)
        guard maintenanceRate.isPositive, maintenanceRate <= initialRate, initialRate <= one else {
            throw .invalidMargin("need 0 < maintenance (\(maintenanceRate)) ≤ initial (\(initialRate)) ≤ 1")
        }
        guard !liquidationFeeRate.isNegative else { throw .invalidMargin("liquidation fee \(liquidationFeeRate) is negative") }
        self.initialRate = initialRate
        self.maintenanceRate = maintenanceRate
        self.liquidationFeeRate = liquidationFeeRate
    }

    /// `leverage`× buying power: initial margin `1 / leverage`.
    /// - Throws: ``PortfolioError/invalidMargin(_:)``.
    public init(leverage: Int, maintenanceRate: Rate, liquidationFeeRate: Rate = Rate("0")) throws(PortfolioError) {
        guard leverage >= 1, leverage <= 1000 else { throw .invalidMargin("leverage \(leverage) must be 1…1000") }
        // 1 / leverage exactly when it terminates; otherwise rounded up to 12 digits (stricter).
        let scaled = (FixedPoint.pow10(12) + Int64(leverage) - 1) / Int64(leverage)
        try self.init(initialRate: Rate(uncheckedRaw: scaled, precision: 12), maintenanceRate: maintenanceRate,
                      liquidationFeeRate: liquidationFeeRate)
    }

    /// Reg T-like defaults: 2× buying power, 25 % maintenance.
    public static let standard = try! MarginPolicy(leverage: 2, maintenanceRate: Rate("0.25"))
}

/// Funding of a perpetual future: every `interval` from the Unix epoch (8 h: 00:00, 08:00,
/// 16:00 UTC) longs pay shorts `position × mark × rate` (shorts pay when the rate is negative).
/// The mark is the close of the bar in which the funding time falls.
public struct FundingSchedule: Hashable, Sendable {
    public var interval: TimeSpan
    /// Rates in force from their time on, ascending; before the first, the first applies.
    public var rates: [(from: Timestamp, rate: Rate)] { zip(times, values).map { ($0, $1) } }
    private var times: [Timestamp]
    private var values: [Rate]

    /// - Throws: ``PortfolioError/invalidFunding(_:)`` for a non-positive interval, no rates, or
    ///   rates out of time order.
    public init(interval: TimeSpan = .hours(8), rates: [(from: Timestamp, rate: Rate)]) throws(PortfolioError) {
        guard interval > .zero else { throw .invalidFunding("interval \(interval) must be positive") }
        guard !rates.isEmpty else { throw .invalidFunding("no funding rates") }
        guard zip(rates, rates.dropFirst()).allSatisfy({ $0.from < $1.from }) else {
            throw .invalidFunding("funding rates must be in ascending time order")
        }
        self.interval = interval
        self.times = rates.map(\.from)
        self.values = rates.map(\.rate)
    }

    /// One rate for the whole run.
    /// - Throws: ``PortfolioError/invalidFunding(_:)`` for a non-positive interval.
    public static func constant(_ rate: Rate, interval: TimeSpan = .hours(8)) throws(PortfolioError) -> FundingSchedule {
        try FundingSchedule(interval: interval, rates: [(.epoch, rate)])
    }

    /// The rate in force at `time`.
    public func rate(at time: Timestamp) -> Rate {
        var low = 0, high = times.count
        while low < high {
            let mid = (low + high) / 2
            if times[mid] <= time { low = mid + 1 } else { high = mid }
        }
        return values[max(low - 1, 0)]
    }

    /// The first funding time strictly after `time`.
    public func nextTime(after time: Timestamp) -> Timestamp {
        let step = interval.nanoseconds
        let t = time.nanosecondsSinceEpoch
        let next = (t >= 0 ? t / step + 1 : -((-t) / step)) * step
        return Timestamp(nanosecondsSinceEpoch: next > t ? next : next + step)
    }

    public static func == (lhs: FundingSchedule, rhs: FundingSchedule) -> Bool {
        lhs.interval == rhs.interval && lhs.times == rhs.times && lhs.values == rhs.values
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(interval)
        hasher.combine(times)
        hasher.combine(values)
    }
}

/// Invalid account settings.
public enum PortfolioError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidMargin(String)
    case invalidFunding(String)

    public var description: String {
        switch self {
        case .invalidMargin(let reason): "invalid margin policy: \(reason)"
        case .invalidFunding(let reason): "invalid funding schedule: \(reason)"
        }
    }
}
