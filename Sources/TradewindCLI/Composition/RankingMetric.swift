public import ArgumentParser
public import TradewindAnalytics

/// A metric runs are ranked on (compare, walk-forward): higher scores rank first.
typealias RankingMetric = PerformanceMetric

extension PerformanceMetric: ExpressibleByArgument {}
