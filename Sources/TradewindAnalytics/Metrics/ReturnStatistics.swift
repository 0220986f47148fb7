import RealModule

/// Risk and performance statistics of a series of simple per-period returns, with
/// empyrical's definitions (see docs/METRICS.md, "Return-series statistics"):
///
/// - annualisation by `periodsPerYear` (252 daily equities, 365 daily crypto, 52, 12…);
/// - risk-free rate and required return 0;
/// - standard deviations with ddof = 1;
/// - percentiles by linear interpolation between order statistics (numpy's default);
/// - max drawdown from a wealth curve that starts at 1 before the first return (a first-period
///   loss is a drawdown), negative;
/// - historical VaR = the cutoff percentile of returns, CVaR = the mean of the
///   ⌊(n − 1)·cutoff⌋ + 1 smallest returns (both negative for losses);
/// - skew and kurtosis bias-corrected, kurtosis in excess of 3 (pandas' `skew`/`kurt`).
///
/// A statistic that is undefined for the data (too few returns, zero dispersion, no
/// drawdown for Calmar) is `nan`, as empyrical returns it.
public struct ReturnStatistics: Hashable, Sendable {
    public var count: Int
    public var periodsPerYear: Double
    public var cumulativeReturn: Double
    public var annualReturn: Double
    public var annualVolatility: Double
    public var sharpe: Double
    public var sortino: Double
    public var calmar: Double
    public var omega: Double
    public var tailRatio: Double
    public var stability: Double
    public var maxDrawdown: Double
    public var var95: Double
    public var cvar95: Double
    public var var99: Double
    public var cvar99: Double
    /// Normal-distribution VaR and CVaR from the sample mean and deviation (per period).
    public var parametricVar95: Double
    public var parametricCvar95: Double
    public var parametricVar99: Double
    public var parametricCvar99: Double
    public var skew: Double
    public var kurtosis: Double
    public var drawdowns: DrawdownSummary

    public init(returns r: [Double], periodsPerYear: Double) {
        count = r.count
        self.periodsPerYear = periodsPerYear
        let n = Double(r.count)
        let growth = r.reduce(1.0) { $0 * (1 + $1) }
        cumulativeReturn = r.isEmpty ? .nan : growth - 1
        annualReturn = r.isEmpty ? .nan : Double.pow(growth, periodsPerYear / n) - 1
        let mean = r.isEmpty ? Double.nan : r.reduce(0, +) / n
        let sd = Self.standardDeviation(r, mean: mean)
        let constant = r.min() == r.max()
        annualVolatility = r.count < 2 ? .nan : sd * periodsPerYear.squareRoot()
        sharpe = r.count < 2 ? .nan : mean / (constant ? 0 : sd) * periodsPerYear.squareRoot()
        let downside = r.isEmpty ? Double.nan : (r.reduce(0) { $0 + Swift.min($1, 0) * Swift.min($1, 0) } / n).squareRoot() * periodsPerYear.squareRoot()
        sortino = r.count < 2 ? .nan : mean * periodsPerYear / downside
        drawdowns = DrawdownSummary(returns: r)
        maxDrawdown = r.isEmpty ? .nan : drawdowns.maxDrawdown
        if maxDrawdown < 0 {
            let ratio = annualReturn / abs(maxDrawdown)
            calmar = ratio.isInfinite ? .nan : ratio
        } else {
            calmar = .nan
        }
        if r.count < 2 {
            omega = .nan
        } else {
            let gains = r.filter { $0 > 0 }.reduce(0, +)
            let losses = -r.filter { $0 < 0 }.reduce(0, +)
            omega = losses > 0 ? gains / losses : .nan
        }
        let sorted = r.sorted()
        tailRatio = r.isEmpty ? .nan : abs(Self.percentile(sorted, 95)) / abs(Self.percentile(sorted, 5))
        stability = Self.stability(r)
        var95 = r.isEmpty ? .nan : Self.percentile(sorted, 5)
        var99 = r.isEmpty ? .nan : Self.percentile(sorted, 1)
        cvar95 = Self.conditionalValueAtRisk(sorted, cutoff: 0.05)
        cvar99 = Self.conditionalValueAtRisk(sorted, cutoff: 0.01)
        // Φ⁻¹(α) and φ(Φ⁻¹(α)) / α for α = 5 % and 1 %.
        parametricVar95 = mean - 1.6448536269514722 * sd
        parametricCvar95 = mean - sd * 2.0627128075074257
        parametricVar99 = mean - 2.3263478740408408 * sd
        parametricCvar99 = mean - sd * 2.6652142203458076
        (skew, kurtosis) = Self.shape(r, mean: mean)
    }

    static func standardDeviation(_ r: [Double], mean: Double) -> Double {
        guard r.count >= 2 else { return .nan }
        return (r.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(r.count - 1)).squareRoot()
    }

    /// numpy's default percentile (linear interpolation) of ascending values; `q` in 0…100.
    public static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let position = Double(sorted.count - 1) * q / 100
        let lower = Int(position.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        let fraction = position - Double(lower)
        // numpy's lerp: exact at both ends.
        return fraction >= 0.5 ? sorted[upper] - (sorted[upper] - sorted[lower]) * (1 - fraction)
                               : sorted[lower] + (sorted[upper] - sorted[lower]) * fraction
    }

    static func conditionalValueAtRisk(_ sorted: [Double], cutoff: Double) -> Double {
        guard !sorted.isEmpty else { return .nan }
        let last = Int(Double(sorted.count - 1) * cutoff)
        return sorted[0...last].reduce(0, +) / Double(last + 1)
    }

    /// R² of a least-squares line through the cumulative log returns.
    static func stability(_ r: [Double]) -> Double {
        guard r.count >= 2 else { return .nan }
        var level = 0.0
        let y = r.map { value -> Double in
            level += Double.log(onePlus: value)
            return level
        }
        let n = Double(y.count)
        let meanX = (n - 1) / 2
        let meanY = y.reduce(0, +) / n
        var sxx = 0.0, syy = 0.0, sxy = 0.0
        for (index, value) in y.enumerated() {
            let dx = Double(index) - meanX, dy = value - meanY
            sxx += dx * dx
            syy += dy * dy
            sxy += dx * dy
        }
        guard sxx > 0, syy > 0 else { return .nan }
        let correlation = sxy / (sxx * syy).squareRoot()
        return correlation * correlation
    }

    /// Bias-corrected sample skewness and excess kurtosis (pandas).
    static func shape(_ r: [Double], mean: Double) -> (skew: Double, kurtosis: Double) {
        let n = Double(r.count)
        var m2 = 0.0, m3 = 0.0, m4 = 0.0
        for value in r {
            let d = value - mean
            m2 += d * d
            m3 += d * d * d
            m4 += d * d * d * d
        }
        m2 /= n
        m3 /= n
        m4 /= n
        let skew = r.count < 3 || m2 == 0 ? Double.nan : (n * (n - 1)).squareRoot() / (n - 2) * m3 / Double.pow(m2, 1.5)
        let kurtosis = r.count < 4 || m2 == 0 ? Double.nan
            : ((n + 1) * (m4 / (m2 * m2) - 3) + 6) * (n - 1) / ((n - 2) * (n - 3))
        return (skew, kurtosis)
    }
}

/// The drawdowns of a return series' wealth curve (starting at 1 before the first return).
public struct DrawdownSummary: Hashable, Sendable {
    public struct Drawdown: Hashable, Sendable {
        /// Index of the peak in the wealth curve (0 = before the first return).
        public var peak: Int
        public var trough: Int
        /// First index back at the peak, `nil` if never recovered.
        public var recovery: Int?
        /// Trough wealth / peak wealth − 1 (negative).
        public var depth: Double
        /// Periods from peak to recovery (or to the end when not recovered).
        public var length: Int
    }

    /// Every drawdown, in time order.
    public var drawdowns: [Drawdown]
    /// The deepest fall, negative (0 without a drawdown).
    public var maxDrawdown: Double { drawdowns.map(\.depth).min() ?? 0 }
    /// The deepest drawdown.
    public var worst: Drawdown? { drawdowns.min { $0.depth < $1.depth } }
    /// Mean depth of all drawdowns (negative; 0 without one).
    public var averageDrawdown: Double { drawdowns.isEmpty ? 0 : drawdowns.map(\.depth).reduce(0, +) / Double(drawdowns.count) }

    public init(returns: [Double]) {
        var wealth = 1.0, peakWealth = 1.0
        var peak = 0, trough = 0, troughWealth = 1.0
        var inDrawdown = false
        var found: [Drawdown] = []
        for (offset, value) in returns.enumerated() {
            let index = offset + 1
            wealth *= 1 + value
            if wealth >= peakWealth {
                if inDrawdown {
                    found.append(Drawdown(peak: peak, trough: trough, recovery: index, depth: troughWealth / peakWealth - 1, length: index - peak))
                    inDrawdown = false
                }
                peakWealth = wealth
                peak = index
            } else {
                if !inDrawdown || wealth < troughWealth {
                    troughWealth = wealth
                    trough = index
                }
                inDrawdown = true
            }
        }
        if inDrawdown {
            found.append(Drawdown(peak: peak, trough: trough, recovery: nil, depth: troughWealth / peakWealth - 1, length: returns.count - peak))
        }
        drawdowns = found
    }
}
