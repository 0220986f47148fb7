import RealModule
public import TradewindCore
public import TradewindEngine

/// Walk-forward analysis: choose parameters on an in-sample window, trade them on the
/// out-of-sample window that follows, move on, and judge the strategy only by the stitched
/// out-of-sample result — the part of the history the choice never saw.
///
/// This type holds the arithmetic (windows, stitching, efficiency); running a strategy on a
/// window is the caller's, so the same analysis serves any engine or optimiser.
public enum WalkForward {
    /// Bar index ranges of one step.
    public struct Window: Hashable, Sendable {
        public var index: Int
        public var inSample: Range<Int>
        public var outOfSample: Range<Int>

        public init(index: Int, inSample: Range<Int>, outOfSample: Range<Int>) {
            self.index = index
            self.inSample = inSample
            self.outOfSample = outOfSample
        }
    }

    /// Windows over `barCount` bars. Rolling windows keep the in-sample length and slide by the
    /// out-of-sample length; anchored windows all start at bar 0 and grow. The last
    /// out-of-sample window may be shorter; one under half the length is dropped.
    public static func windows(barCount: Int, inSample: Int, outOfSample: Int, anchored: Bool) -> [Window] {
        guard inSample > 0, outOfSample > 0 else { return [] }
        var windows: [Window] = []
        var split = inSample
        while split < barCount {
            let end = min(barCount, split + outOfSample)
            if end - split < (outOfSample + 1) / 2 { break }
            windows.append(Window(index: windows.count, inSample: (anchored ? 0 : split - inSample)..<split, outOfSample: split..<end))
            split += outOfSample
        }
        return windows
    }

    /// What one candidate scored on a window.
    public struct Evaluation: Sendable {
        public var parameters: String
        /// The ranking metric (higher is better); `nil` when it cannot be computed (no trades).
        public var score: Double?
        /// Compound annual growth rate of the run.
        public var annualReturn: Double?
        public var equity: [EquityPoint]
        public var startingEquity: Double
        public var tradeCount: Int

        public init(parameters: String, score: Double?, annualReturn: Double?, equity: [EquityPoint], startingEquity: Double, tradeCount: Int) {
            self.parameters = parameters
            self.score = score
            self.annualReturn = annualReturn
            self.equity = equity
            self.startingEquity = startingEquity
            self.tradeCount = tradeCount
        }
    }

    public struct Step: Sendable {
        public var window: Window
        /// Open of the first in-sample bar, open of the last in-sample bar, open of the first
        /// out-of-sample bar and close of the last one.
        public var start: Timestamp
        public var inSampleEnd: Timestamp
        public var split: Timestamp
        public var end: Timestamp
        /// Candidates that ran (invalid combinations, e.g. fast ≥ slow, are not counted).
        public var candidates: Int
        public var best: Evaluation
        public var outOfSample: Evaluation

        public init(window: Window, start: Timestamp, inSampleEnd: Timestamp, split: Timestamp, end: Timestamp, candidates: Int,
                    best: Evaluation, outOfSample: Evaluation) {
            self.window = window
            self.start = start
            self.inSampleEnd = inSampleEnd
            self.split = split
            self.end = end
            self.candidates = candidates
            self.best = best
            self.outOfSample = outOfSample
        }
    }

    public struct Summary: Sendable {
        public var steps: [Step]
        /// The out-of-sample equity curves chained: each window's returns compounded on the
        /// previous window's final equity, from the first window's starting equity.
        public var stitched: [(time: Timestamp, equity: Double)]
        public var totalReturn: Double
        public var annualReturn: Double?
        /// Pardo's walk-forward efficiency: annualised out-of-sample return ÷ annualised
        /// in-sample return of the chosen parameters, averaged over the windows that have both
        /// (in-sample return above zero). Near or above 1 the choice generalises; near 0 or
        /// negative it was fitted to noise.
        public var efficiency: Double?
        public var windowsProfitable: Int
    }

    /// The best candidate: highest score; ties and missing scores resolved by annual return,
    /// then by the first in grid order, so the choice is deterministic.
    /// `nil` entries are candidates that could not run; the result indexes `candidates`.
    public static func best(of candidates: [Evaluation?]) -> Int? {
        func key(_ e: Evaluation) -> (Double, Double) { (e.score ?? -.infinity, e.annualReturn ?? -.infinity) }
        var chosen: Int?
        for (index, candidate) in candidates.enumerated() {
            guard let candidate else { continue }
            if let current = chosen, let best = candidates[current], !(key(best) < key(candidate)) { continue }
            chosen = index
        }
        return chosen
    }

    public static func summarize(_ steps: [Step]) -> Summary {
        var stitched: [(time: Timestamp, equity: Double)] = []
        var level = steps.first?.outOfSample.startingEquity ?? 0
        let initial = level
        var profitable = 0
        for step in steps {
            let run = step.outOfSample
            guard run.startingEquity > 0 else { continue }
            for point in run.equity { stitched.append((point.time, level * point.equity.doubleValue / run.startingEquity)) }
            let final = run.equity.last?.equity.doubleValue ?? run.startingEquity
            if final > run.startingEquity { profitable += 1 }
            level *= final / run.startingEquity
        }
        let total = initial > 0 ? level / initial - 1 : 0
        var annual: Double?
        if let first = steps.first, let last = steps.last {
            let years = (last.end - first.split).days / 365.2425
            if years > 0 && 1 + total > 0 { annual = Double.pow(1 + total, 1 / years) - 1 }
        }
        let ratios = steps.compactMap { step -> Double? in
            guard let inSample = step.best.annualReturn, inSample > 0, let outOfSample = step.outOfSample.annualReturn else { return nil }
            return outOfSample / inSample
        }
        return Summary(steps: steps, stitched: stitched, totalReturn: total, annualReturn: annual,
                       efficiency: ratios.isEmpty ? nil : ratios.reduce(0, +) / Double(ratios.count), windowsProfitable: profitable)
    }
}
