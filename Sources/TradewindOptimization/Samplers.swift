import RealModule
import TradewindAnalytics
import TradewindCore

/// A trial the sampler can learn from.
public struct Observation: Sendable {
    public var point: [Double]
    /// Higher is better (a minimised objective is negated before it gets here); `nil` when the
    /// trial failed or was pruned.
    public var score: Double?

    public init(point: [Double], score: Double?) {
        self.point = point
        self.score = score
    }
}

/// Chooses the next point to evaluate.
///
/// Randomness is seeded from the study's seed and the trial number, never from the order in
/// which parallel workers finish, so a study with one worker repeats exactly.
public protocol Sampler: Sendable {
    /// The point for trial `number` (0-based) given the finished trials; `nil` when the sampler
    /// has nothing left (a grid that has been walked).
    func suggest(number: Int, space: SearchSpace, history: [Observation]) -> [Double]?
}

/// Every grid point in order, skipping those the constraints exclude.
public struct GridSampler: Sampler {
    /// Grid indices of the feasible points, computed once.
    let feasible: [Int]

    public init(space: SearchSpace) throws(SearchSpaceError) {
        guard let size = space.gridSize else {
            let continuous = space.dimensions.first { $0.dimension.count == nil }!.name
            throw .invalid(continuous, "the grid sampler needs a step for a real-valued range (e.g. 0.1..1:0.1)")
        }
        guard size <= 10_000_000 else { throw .invalid(space.dimensions.map(\.name).joined(separator: "×"), "\(size) grid points; at most 10,000,000") }
        feasible = (0..<size).filter { space.isFeasible(space.gridPoint($0)) }
    }

    public var count: Int { feasible.count }

    public func suggest(number: Int, space: SearchSpace, history: [Observation]) -> [Double]? {
        number < feasible.count ? space.gridPoint(feasible[number]) : nil
    }
}

/// Uniform sampling (log-uniform on log scales), retried until the constraints hold.
public struct RandomSampler: Sampler {
    public var seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    public func suggest(number: Int, space: SearchSpace, history: [Observation]) -> [Double]? {
        var random = SplitMix64(seed: seed ^ (UInt64(number) &* 0x9E37_79B9_7F4A_7C15))
        return Self.feasible(space, &random) { random in space.dimensions.map { Self.uniform($0.dimension, &random) } }
    }

    /// Draws until a point satisfies the constraints (at most 10,000 tries; then the last draw).
    static func feasible(_ space: SearchSpace, _ random: inout SplitMix64, _ draw: (inout SplitMix64) -> [Double]) -> [Double] {
        var point = draw(&random)
        var tries = 1
        while !space.isFeasible(point) && tries < 10_000 {
            point = draw(&random)
            tries += 1
        }
        return point
    }

    static func uniform(_ dimension: Dimension, _ random: inout SplitMix64) -> Double {
        switch dimension {
        case .categorical(let values):
            return Double(Int(random.nextUnitDouble() * Double(values.count)) % values.count)
        case .int(let low, let high, let step, _):
            let count = (high - low) / step + 1
            if case .int(_, _, _, true) = dimension {
                return dimension.snap(Scale.from(Scale.to(Double(low), true) + random.nextUnitDouble() * (Scale.to(Double(high), true) - Scale.to(Double(low), true)), true))
            }
            return Double(low + (Int(random.nextUnitDouble() * Double(count)) % count) * step)
        case .float(let low, let high, _, let log):
            return dimension.snap(Scale.from(Scale.to(low, log) + random.nextUnitDouble() * (Scale.to(high, log) - Scale.to(low, log)), log))
        }
    }
}

/// Linear or logarithmic working scale of a dimension.
enum Scale {
    static func to(_ x: Double, _ log: Bool) -> Double { log ? Double.log(x) : x }
    static func from(_ x: Double, _ log: Bool) -> Double { log ? Double.exp(x) : x }
}

/// Tree-structured Parzen estimator (Bergstra, Bardenet, Bengio & Kégl, 2011), univariate as
/// in Optuna's default: after `startupTrials` random trials, the finished trials are split into
/// the best γ(n) = min(⌈0.1 n⌉, 25) and the rest; each dimension gets a Parzen density l(x) over
/// the good values and g(x) over the others (truncated Gaussians with neighbour-distance
/// bandwidths plus a flat prior component), `candidates` points are drawn from l and the one
/// with the highest l(x) ÷ g(x) is proposed.
public struct TPESampler: Sampler {
    public var seed: UInt64
    public var startupTrials: Int
    public var candidates: Int

    public init(seed: UInt64, startupTrials: Int = 10, candidates: Int = 24) {
        self.seed = seed
        self.startupTrials = startupTrials
        self.candidates = candidates
    }

    public func suggest(number: Int, space: SearchSpace, history: [Observation]) -> [Double]? {
        let scored = history.filter { $0.score != nil }
        guard scored.count >= startupTrials else {
            return RandomSampler(seed: seed).suggest(number: number, space: space, history: history)
        }
        var random = SplitMix64(seed: seed ^ 0x5DEE_CE66_D ^ (UInt64(number) &* 0xD1B5_4A32_D192_ED03))
        // Best first; ties keep trial order so the split is deterministic.
        let ranked = scored.enumerated().sorted { ($0.element.score!, -$0.offset) > ($1.element.score!, -$1.offset) }.map(\.element)
        let goodCount = min(Int((0.1 * Double(ranked.count)).rounded(.up)), 25)
        let good = ranked.prefix(goodCount), bad = ranked.dropFirst(goodCount)
        let estimators = space.dimensions.indices.map { index in
            (good: Parzen(space.dimensions[index].dimension, good.map { $0.point[index] }),
             bad: Parzen(space.dimensions[index].dimension, bad.map { $0.point[index] }))
        }
        return RandomSampler.feasible(space, &random) { random in
            estimators.map { pair in
                var best = pair.good.sample(&random), bestRatio = -Double.infinity
                for _ in 0..<candidates {
                    let x = pair.good.sample(&random)
                    let ratio = pair.good.logDensity(x) - pair.bad.logDensity(x)
                    if ratio > bestRatio { (best, bestRatio) = (x, ratio) }
                }
                return best
            }
        }
    }
}

/// A one-dimensional Parzen density over observed values, on the dimension's working scale.
struct Parzen {
    let dimension: Dimension
    /// Component centres and bandwidths; the last is the prior (centre of the range, width of it).
    var centres: [Double] = []
    var widths: [Double] = []
    /// Per component: 1 ÷ (width · √(2π) · mass inside the range), computed once.
    var scales: [Double] = []
    /// Categorical: probability of each value.
    var probabilities: [Double] = []
    let low: Double, high: Double, log: Bool

    init(_ dimension: Dimension, _ values: [Double]) {
        self.dimension = dimension
        switch dimension {
        case .categorical(let choices):
            var counts = [Double](repeating: 1.0 / Double(choices.count), count: choices.count)  // the prior
            for value in values { counts[Int(value)] += 1 }
            let total = counts.reduce(0, +)
            probabilities = counts.map { $0 / total }
            (low, high, log) = (0, Double(choices.count - 1), false)
            return
        case .int(let l, let h, let step, let lg):
            // Integers live on a continuous scale widened by half a step, then snap.
            log = lg
            low = Scale.to(lg ? max(Double(l) - 0.5 * Double(step), Double(l) * 0.5) : Double(l) - 0.5 * Double(step), lg)
            high = Scale.to(Double(h) + 0.5 * Double(step), lg)
        case .float(let l, let h, _, let lg):
            (low, high, log) = (Scale.to(l, lg), Scale.to(h, lg), lg)
        }
        let span = max(high - low, 1e-12)
        let points = values.map { Scale.to($0, log) }.sorted()
        let all = points + [(low + high) / 2]
        let minimum = span / Double(min(100, all.count + 1))
        for (index, centre) in points.enumerated() {
            let left = index > 0 ? centre - points[index - 1] : centre - low
            let right = index < points.count - 1 ? points[index + 1] - centre : high - centre
            widths.append(min(max(max(left, right), minimum), span))
            centres.append(centre)
        }
        centres.append((low + high) / 2)
        widths.append(span)
        let (a, b) = (low, high)
        scales = zip(centres, widths).map { centre, width in
            let mass = Normal.cdf((b - centre) / width) - Normal.cdf((a - centre) / width)
            return 1 / (width * (2 * Double.pi).squareRoot() * max(mass, 1e-12))
        }
    }

    func sample(_ random: inout SplitMix64) -> Double {
        if case .categorical = dimension {
            var u = random.nextUnitDouble()
            for (index, p) in probabilities.enumerated() {
                if u < p { return Double(index) }
                u -= p
            }
            return Double(probabilities.count - 1)
        }
        let component = Int(random.nextUnitDouble() * Double(centres.count)) % centres.count
        var x = low - 1
        var tries = 0
        while (x < low || x > high) && tries < 100 {
            x = centres[component] + widths[component] * gaussian(&random)
            tries += 1
        }
        return dimension.snap(Scale.from(min(max(x, low), high), log))
    }

    func logDensity(_ value: Double) -> Double {
        if case .categorical = dimension { return Double.log(probabilities[Int(value)]) }
        let x = Scale.to(value, log)
        var total = 0.0
        for index in centres.indices {
            let z = (x - centres[index]) / widths[index]
            total += Double.exp(-0.5 * z * z) * scales[index]
        }
        return Double.log(max(total / Double(centres.count), 1e-300))
    }

    private func gaussian(_ random: inout SplitMix64) -> Double {
        let u = 1 - random.nextUnitDouble(), v = random.nextUnitDouble()
        return (-2 * Double.log(u)).squareRoot() * Double.cos(2 * Double.pi * v)
    }
}
