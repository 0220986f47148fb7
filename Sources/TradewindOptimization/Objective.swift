public import TradewindAnalytics

/// What a study optimises: one metric (or several, for a Pareto front), each maximised or
/// minimised, and filters a trial must pass to count (e.g. at least 30 trades).
public struct Objective: Sendable, CustomStringConvertible {
    public struct Target: Sendable, Equatable {
        public var metric: PerformanceMetric
        public var maximize: Bool
    }

    public struct Filter: Sendable, Equatable, CustomStringConvertible {
        public enum Relation: String, Sendable, CaseIterable { case atLeast = ">=", atMost = "<=", above = ">", below = "<" }
        public var metric: PerformanceMetric
        public var relation: Relation
        public var threshold: Double

        public func passes(_ value: Double?) -> Bool {
            guard let value else { return false }
            switch relation {
            case .atLeast: return value >= threshold
            case .atMost: return value <= threshold
            case .above: return value > threshold
            case .below: return value < threshold
            }
        }

        public var description: String { "\(metric.rawValue)\(relation.rawValue)\(Self.plain(threshold))" }

        static func plain(_ x: Double) -> String {
            let text = "\(x)"
            return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
        }
    }

    public var targets: [Target]
    public var filters: [Filter]

    public init(targets: [Target], filters: [Filter] = []) {
        self.targets = targets
        self.filters = filters
    }

    /// Parses `sharpe`, `sharpe:max` or `volatility:min` (default: the metric's natural direction)
    /// and filters such as `trades>=30` or `max-drawdown>-0.2`.
    /// - Throws: ``ObjectiveError`` naming what is wrong.
    public init(parsing objectives: [String], filters: [String]) throws(ObjectiveError) {
        guard !objectives.isEmpty else { throw .invalid("--objective", "name at least one metric: \(PerformanceMetric.names)") }
        var targets: [Target] = []
        for text in objectives {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            guard let metric = PerformanceMetric(rawValue: parts[0]) else {
                throw .invalid(text, "unknown metric; one of \(PerformanceMetric.names)")
            }
            var maximize = metric.higherIsBetter
            if parts.count == 2 {
                switch parts[1] {
                case "max", "maximize": maximize = true
                case "min", "minimize": maximize = false
                default: throw .invalid(text, "the direction is max or min")
                }
            }
            guard !targets.contains(where: { $0.metric == metric }) else { throw .invalid(text, "given twice") }
            targets.append(Target(metric: metric, maximize: maximize))
        }
        var parsed: [Filter] = []
        for text in filters {
            // Two-character relations first, so ">=" is not read as ">" followed by "=…".
            guard let relation = [Filter.Relation.atLeast, .atMost, .above, .below].first(where: { text.contains($0.rawValue) }) else {
                throw .invalid(text, "a filter is metric>=value, metric<=value, metric>value or metric<value")
            }
            let pieces = text.split(separator: relation.rawValue, maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard pieces.count == 2, let metric = PerformanceMetric(rawValue: pieces[0]) else {
                throw .invalid(text, "unknown metric '\(pieces[0])'; one of \(PerformanceMetric.names)")
            }
            guard let threshold = Double(pieces[1]), threshold.isFinite else { throw .invalid(text, "'\(pieces[1])' is not a number") }
            parsed.append(Filter(metric: metric, relation: relation, threshold: threshold))
        }
        self.init(targets: targets, filters: parsed)
    }

    public var isMultiObjective: Bool { targets.count > 1 }

    public var description: String {
        (targets.map { "\($0.maximize ? "maximize" : "minimize") \($0.metric.rawValue)" } + filters.map { "where \($0)" })
            .joined(separator: ", ")
    }

    /// A run's objective values, or why it does not count.
    public func evaluate(_ metrics: PerformanceMetrics) -> Result<[Double], ObjectiveError> {
        for filter in filters where !filter.passes(filter.metric.value(metrics)) {
            let actual = filter.metric.value(metrics).map { Filter.plain($0) } ?? "n/a"
            return .failure(.filtered("\(filter) not met (\(actual))"))
        }
        var values: [Double] = []
        for target in targets {
            guard let value = target.metric.value(metrics) else { return .failure(.filtered("\(target.metric.rawValue) cannot be computed")) }
            values.append(value)
        }
        return .success(values)
    }

    /// Values turned so that higher is better in every component.
    public func scores(_ values: [Double]) -> [Double] {
        zip(targets, values).map { $0.maximize ? $1 : -$1 }
    }

    /// Indices of the non-dominated value vectors: no other is at least as good in every
    /// objective and better in one. In input order.
    public func paretoFront(_ values: [[Double]]) -> [Int] {
        let scored = values.map(scores)
        return scored.indices.filter { i in
            !scored.indices.contains { j in
                j != i && zip(scored[j], scored[i]).allSatisfy { $0 >= $1 } && zip(scored[j], scored[i]).contains { $0 > $1 }
            }
        }
    }
}

public enum ObjectiveError: Error, Equatable, CustomStringConvertible {
    case invalid(String, String)
    /// The trial ran but does not count: a filter failed or the metric has no value.
    case filtered(String)

    public var description: String {
        switch self {
        case .invalid(let text, let reason): "objective '\(text)': \(reason)"
        case .filtered(let reason): reason
        }
    }
}

/// Stops trials whose partial result is worse than the median of the finished trials' partial
/// results at the same stage (Optuna's median pruner).
public struct MedianPruner: Sendable {
    /// Trials that run to the end before any is pruned.
    public var startupTrials: Int
    /// Stages (from 1) before which no trial is pruned.
    public var warmupStages: Int

    public init(startupTrials: Int = 5, warmupStages: Int = 1) {
        self.startupTrials = startupTrials
        self.warmupStages = warmupStages
    }

    /// - Parameters:
    ///   - score: this trial's partial score at `stage` (higher is better).
    ///   - finished: the partial scores of the finished, unpruned trials at `stage`.
    public func shouldPrune(stage: Int, score: Double?, finished: [Double]) -> Bool {
        guard stage > warmupStages, finished.count >= startupTrials else { return false }
        guard let score else { return true }
        let sorted = finished.sorted()
        let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        return score < median
    }
}
