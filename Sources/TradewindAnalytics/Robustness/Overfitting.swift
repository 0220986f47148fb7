import RealModule

/// How much of a backtest's edge survives the search that found it.
///
/// Trying many strategy variants and keeping the best inflates its Sharpe ratio: with enough
/// trials, noise alone produces an impressive one. Two corrections from the literature:
///
/// - the **deflated Sharpe ratio** (Bailey & López de Prado, 2014): the probability that the
///   best trial's true Sharpe exceeds the Sharpe the best of that many worthless trials would
///   show, allowing for the sample length and the returns' skew and fat tails;
/// - the **probability of backtest overfitting** (Bailey, Borwein, López de Prado & Zhu, 2015),
///   by combinatorially symmetric cross-validation (CSCV): split the history into blocks, pick
///   the best trial on every half of the blocks, and count how often it ranks in the bottom half
///   of the trials on the other half.
///
/// All Sharpe ratios here are per period (not annualised), as in the papers.
public enum Overfitting {
    /// Euler–Mascheroni constant, from the expected maximum of Gaussian draws.
    static let eulerGamma = 0.5772156649015329

    /// The Sharpe ratio the best of `trials` independent worthless strategies is expected to
    /// show, given the variance of the trials' Sharpe ratios.
    public static func expectedMaximumSharpe(trials: Int, sharpeVariance: Double) -> Double {
        guard trials > 1 else { return 0 }
        let n = Double(trials)
        return sharpeVariance.squareRoot() * ((1 - eulerGamma) * Normal.quantile(1 - 1 / n)
            + eulerGamma * Normal.quantile(1 - 1 / (n * Double.exp(1))))
    }

    /// Probabilistic Sharpe ratio: the probability that the true Sharpe exceeds `benchmark`,
    /// given the observed Sharpe over `observations` returns with this skew and (non-excess)
    /// kurtosis. `nil` when the variance term is not positive (extreme Sharpe and skew).
    public static func probabilisticSharpe(_ sharpe: Double, benchmark: Double, observations: Int,
                                           skew: Double, kurtosis: Double) -> Double? {
        guard observations > 1 else { return nil }
        let variance = 1 - skew * sharpe + (kurtosis - 1) / 4 * sharpe * sharpe
        guard variance > 0 else { return nil }
        return Normal.cdf((sharpe - benchmark) * Double(observations - 1).squareRoot() / variance.squareRoot())
    }

    public struct Deflated: Sendable, Equatable {
        /// Index of the best trial.
        public var best: Int
        /// Per-period Sharpe ratio of the best trial.
        public var sharpe: Double
        /// The Sharpe the best of the trials would show by luck alone.
        public var benchmark: Double
        /// Probability that the best trial's true Sharpe beats the benchmark; above 0.95 is the
        /// usual bar.
        public var probability: Double?
        public var trials: Int
    }

    /// The deflated Sharpe ratio of the best of `trials` (each a per-period return series of the
    /// same length, e.g. the same strategy with different parameters over the same bars).
    public static func deflatedSharpe(trials: [[Double]]) -> Deflated? {
        let sharpes = trials.map(perPeriodSharpe)
        guard let bestIndex = sharpes.indices.filter({ sharpes[$0] != nil }).max(by: { sharpes[$0]! < sharpes[$1]! }) else { return nil }
        let valid = sharpes.compactMap { $0 }
        let mean = valid.reduce(0, +) / Double(valid.count)
        let variance = valid.count > 1 ? valid.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(valid.count - 1) : 0
        let best = trials[bestIndex]
        let shape = moments(best)
        let benchmark = expectedMaximumSharpe(trials: trials.count, sharpeVariance: variance)
        return Deflated(best: bestIndex, sharpe: sharpes[bestIndex]!, benchmark: benchmark,
                        probability: probabilisticSharpe(sharpes[bestIndex]!, benchmark: benchmark, observations: best.count,
                                                         skew: shape.skew, kurtosis: shape.kurtosis),
                        trials: trials.count)
    }

    public struct BacktestOverfitting: Sendable, Equatable {
        /// Share of the splits where the in-sample best ranks at or below the out-of-sample
        /// median (logit ≤ 0).
        public var probability: Double
        /// Share of the splits where the in-sample best loses money out of sample (Sharpe < 0).
        public var probabilityOfLoss: Double
        /// Median over the splits of logit(relative out-of-sample rank of the in-sample best).
        public var medianLogit: Double
        public var splits: Int
        public var blocks: Int
    }

    /// Probability of backtest overfitting by CSCV with Sharpe ratio as the performance measure.
    ///
    /// - Parameters:
    ///   - trials: N return series of equal length T (one per trial).
    ///   - blocks: S, even; the T rows are cut into S consecutive blocks (the first T mod S rows
    ///     spread one each over the first blocks), giving C(S, S/2) splits.
    /// - Returns: `nil` with fewer than 2 trials or fewer than 2 rows per block.
    public static func probabilityOfOverfitting(trials: [[Double]], blocks: Int = 16) -> BacktestOverfitting? {
        let n = trials.count
        guard n >= 2, blocks >= 2, blocks % 2 == 0, let rows = trials.first?.count, trials.allSatisfy({ $0.count == rows }),
              rows >= 2 * blocks else { return nil }
        // Per block and trial: count, Σr, Σr²; a split's statistics are sums over its blocks.
        var sums = [[Double]](repeating: [Double](repeating: 0, count: n), count: blocks)
        var squares = sums
        var counts = [Int](repeating: 0, count: blocks)
        for block in 0..<blocks {
            let range = (rows * block / blocks)..<(rows * (block + 1) / blocks)
            counts[block] = range.count
            for trial in 0..<n {
                var s = 0.0, q = 0.0
                for r in trials[trial][range] { s += r; q += r * r }
                sums[block][trial] = s
                squares[block][trial] = q
            }
        }
        func sharpe(_ sum: Double, _ square: Double, _ count: Int) -> Double {
            let mean = sum / Double(count)
            let variance = (square - sum * mean) / Double(count - 1)
            return variance > 0 ? mean / variance.squareRoot() : (mean == 0 ? 0 : mean.sign == .minus ? -.infinity : .infinity)
        }
        var logits: [Double] = []
        var losses = 0
        var inSample = [Double](repeating: 0, count: n), outOfSample = inSample
        for chosen in combinations(of: blocks, choosing: blocks / 2) {
            var isSum = [Double](repeating: 0, count: n), isSquare = isSum, total = isSum, totalSquare = isSum
            var isCount = 0, allCount = 0
            for block in 0..<blocks {
                allCount += counts[block]
                for trial in 0..<n { total[trial] += sums[block][trial]; totalSquare[trial] += squares[block][trial] }
                guard chosen.contains(block) else { continue }
                isCount += counts[block]
                for trial in 0..<n { isSum[trial] += sums[block][trial]; isSquare[trial] += squares[block][trial] }
            }
            for trial in 0..<n {
                inSample[trial] = sharpe(isSum[trial], isSquare[trial], isCount)
                outOfSample[trial] = sharpe(total[trial] - isSum[trial], totalSquare[trial] - isSquare[trial], allCount - isCount)
            }
            // The first of equal in-sample bests, so the choice is deterministic.
            var best = 0
            for trial in 1..<n where inSample[trial] > inSample[best] { best = trial }
            // Relative rank in (0, 1): ties share the average rank.
            let below = outOfSample.filter { $0 < outOfSample[best] }.count
            let equal = outOfSample.filter { $0 == outOfSample[best] }.count
            let rank = Double(below) + Double(equal + 1) / 2
            let omega = rank / Double(n + 1)
            logits.append(Double.log(omega / (1 - omega)))
            if outOfSample[best] < 0 { losses += 1 }
        }
        let sorted = logits.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return BacktestOverfitting(probability: Double(logits.filter { $0 <= 0 }.count) / Double(logits.count),
                                   probabilityOfLoss: Double(losses) / Double(logits.count), medianLogit: median,
                                   splits: logits.count, blocks: blocks)
    }

    /// Mean ÷ sample standard deviation (n − 1); `nil` for fewer than two returns or none varying.
    static func perPeriodSharpe(_ returns: [Double]) -> Double? {
        guard returns.count > 1 else { return nil }
        let mean = returns.reduce(0, +) / Double(returns.count)
        let variance = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(returns.count - 1)
        return variance > 0 ? mean / variance.squareRoot() : nil
    }

    /// Skewness and kurtosis (not excess) from the population moments, as the DSR paper and
    /// `scipy.stats.skew` / `kurtosis(fisher=False)` define them.
    static func moments(_ returns: [Double]) -> (skew: Double, kurtosis: Double) {
        let n = Double(returns.count)
        let mean = returns.reduce(0, +) / n
        var m2 = 0.0, m3 = 0.0, m4 = 0.0
        for r in returns {
            let d = r - mean
            m2 += d * d; m3 += d * d * d; m4 += d * d * d * d
        }
        (m2, m3, m4) = (m2 / n, m3 / n, m4 / n)
        guard m2 > 0 else { return (0, 3) }
        return (m3 / Double.pow(m2, 1.5), m4 / (m2 * m2))
    }

    /// Every way to choose `k` of `0..<n`, in lexicographic order.
    static func combinations(of n: Int, choosing k: Int) -> [Set<Int>] {
        var result: [Set<Int>] = []
        var current = Array(0..<k)
        while true {
            result.append(Set(current))
            var i = k - 1
            while i >= 0 && current[i] == n - k + i { i -= 1 }
            if i < 0 { return result }
            current[i] += 1
            for j in (i + 1)..<k { current[j] = current[j - 1] + 1 }
        }
    }
}

/// The standard normal distribution.
public enum Normal {
    public static func cdf(_ x: Double) -> Double { 0.5 * Double.erfc(-x / 2.0.squareRoot()) }

    /// The inverse of ``cdf(_:)``: Acklam's rational approximation (relative error 1.15e-9)
    /// polished by one Halley step on the exact `erfc`, which brings it to full precision.
    public static func quantile(_ p: Double) -> Double {
        guard p > 0 else { return -.infinity }
        guard p < 1 else { return .infinity }
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02,
                 -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01,
                 -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00,
                 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        let low = 0.02425
        var x: Double
        if p < low {
            let q = (-2 * Double.log(p)).squareRoot()
            x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        } else if p <= 1 - low {
            let q = p - 0.5, r = q * q
            x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
                / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
        } else {
            let q = (-2 * Double.log(1 - p)).squareRoot()
            x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
        }
        let e = cdf(x) - p
        let u = e * (2 * Double.pi).squareRoot() * Double.exp(x * x / 2)
        x -= u / (1 + x * u / 2)
        return x
    }
}
