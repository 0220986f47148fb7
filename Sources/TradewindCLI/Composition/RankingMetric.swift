import ArgumentParser
import TradewindAnalytics

/// A metric runs are ranked on (compare, walk-forward). Higher is better; for max drawdown
/// a shallower fall is better.
enum RankingMetric: String, CaseIterable, ExpressibleByArgument {
    case sharpe, sortino, totalReturn = "total-return", annualReturn = "annual-return", maxDrawdown = "max-drawdown",
         profitFactor = "profit-factor", winRate = "win-rate", sqn

    static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The score of a run; `nil` when the metric cannot be computed (e.g. no trades).
    func score(_ m: PerformanceMetrics) -> Double? {
        let value: Double? = switch self {
        case .sharpe: m.sharpeRatio
        case .sortino: m.sortinoRatio
        case .totalReturn: m.totalReturn
        case .annualReturn: m.annualizedReturn
        case .maxDrawdown: -m.maxDrawdown
        case .profitFactor: m.profitFactor
        case .winRate: m.winRate
        case .sqn: m.sqn
        }
        return value.flatMap { $0.isNaN ? nil : $0 }
    }
}
