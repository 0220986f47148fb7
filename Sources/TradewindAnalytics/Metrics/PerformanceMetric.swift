import TradewindCore

/// A run's figure by name, for ranking, optimisation objectives and filters. Values are the
/// ones `tradewind backtest` prints (as fractions): max drawdown is negative, so for every
/// metric but volatility a higher value is better.
public enum PerformanceMetric: String, CaseIterable, Sendable {
    case sharpe, sortino, calmar
    case totalReturn = "total-return", annualReturn = "annual-return", volatility
    case maxDrawdown = "max-drawdown"
    case profitFactor = "profit-factor", winRate = "win-rate", sqn, kelly, expectancy
    case trades
    case netProfit = "net-profit"

    public static var names: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// Whether a higher value is better (all but volatility).
    public var higherIsBetter: Bool { self != .volatility }

    /// The value for a run; `nil` when it cannot be computed (a Sharpe ratio without variance,
    /// a win rate without trades).
    public func value(_ m: PerformanceMetrics) -> Double? {
        let value: Double? = switch self {
        case .sharpe: m.sharpeRatio
        case .sortino: m.sortinoRatio
        case .calmar: m.maxDrawdown > 0 ? m.annualizedReturn.map { $0 / m.maxDrawdown } : nil
        case .totalReturn: m.totalReturn
        case .annualReturn: m.annualizedReturn
        case .volatility: m.annualizedVolatility
        case .maxDrawdown: -m.maxDrawdown
        case .profitFactor: m.profitFactor
        case .winRate: m.winRate
        case .sqn: m.sqn
        case .kelly: m.kellyFraction
        case .expectancy: m.averageTradePnL?.doubleValue
        case .trades: Double(m.tradeCount)
        case .netProfit: m.netProfit.doubleValue
        }
        return value.flatMap { $0.isFinite ? $0 : nil }
    }

    /// The value turned so that higher is always better.
    public func score(_ m: PerformanceMetrics) -> Double? {
        value(m).map { higherIsBetter ? $0 : -$0 }
    }
}
