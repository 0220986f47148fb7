import RealModule
public import TradewindCore
public import TradewindEngine

/// Performance and risk statistics of a run. Conventions (also in docs/METRICS.md):
///
/// - Returns are simple per-bar returns of the equity curve, the first measured
///   from the starting cash.
/// - Years are calendar time from the first bar's open to the last bar's close,
///   divided by 365.2425 days. Bars per year come from the bar interval and the
///   instrument's calendar (``Annualization``: 252 daily bars a year on an exchange,
///   365 on a 24/7 market); when not given they are observed (returns ÷ years).
/// - Annualised return is the compound annual growth rate.
/// - Volatility is the sample standard deviation (n − 1) of per-bar returns × √(bars per year).
/// - Sharpe is mean ÷ standard deviation of per-bar returns × √(bars per year), risk-free rate 0.
/// - Sortino uses the downside deviation √(Σ min(r, 0)² ÷ n) in place of the standard deviation.
/// - Max drawdown is the largest fall from a running peak of equity (starting cash
///   included), as a positive fraction.
/// - Win rate and profit factor count closed round trips; a trade wins when its
///   net PnL (after fees) is above zero. Profit factor is gross wins ÷ |gross
///   losses| of net trade PnL and is `nil` when there is no losing trade.
///
/// Values that cannot be computed (a Sharpe with zero variance, a win rate with no
/// trades) are `nil`, never a made-up number.
public struct PerformanceMetrics: Hashable, Sendable {
    public var startingEquity: Money
    /// The measured span: first bar's open to last bar's close.
    public var start: Timestamp
    public var end: Timestamp
    public var finalEquity: Money
    public var netProfit: Money
    public var totalReturn: Double
    public var annualizedReturn: Double?
    public var annualizedVolatility: Double?
    public var sharpeRatio: Double?
    public var sortinoRatio: Double?
    public var maxDrawdown: Double
    /// Longest time spent below a previous equity peak.
    public var maxDrawdownDuration: TimeSpan
    public var years: Double
    public var barsPerYear: Double?
    public var tradeCount: Int
    public var winRate: Double?
    public var profitFactor: Double?
    public var averageTradePnL: Money?
    public var bestTrade: Money?
    public var worstTrade: Money?
    /// Mean net PnL of winning and of losing trades (the latter negative).
    public var averageWin: Money?
    public var averageLoss: Money?
    /// Kelly fraction W − (1 − W) ÷ R, with W the win rate and R = average win ÷ |average loss|.
    public var kellyFraction: Double?
    /// System quality number: √n × mean ÷ sample standard deviation of trade net PnL.
    public var sqn: Double?
    /// Mean time from entry to exit of the closed trades.
    public var averageHoldingTime: TimeSpan?
    public var feesPaid: Money

    public init(startingEquity: Money, equityCurve: some BidirectionalCollection<EquityPoint>, trades: [Trade], feesPaid: Money,
                start: Timestamp, end: Timestamp, periodsPerYear: Double? = nil) {
        self.startingEquity = startingEquity
        self.start = start
        self.end = end
        let final = equityCurve.last?.equity ?? startingEquity
        self.finalEquity = final
        self.netProfit = final - startingEquity
        self.feesPaid = feesPaid
        let initial = startingEquity.doubleValue
        self.totalReturn = initial > 0 ? final.doubleValue / initial - 1 : 0
        self.years = (end - start).days / 365.2425

        // Per-bar returns, the first from the starting cash.
        var returns: [Double] = []
        returns.reserveCapacity(equityCurve.count)
        var previous = initial
        for point in equityCurve {
            let value = point.equity.doubleValue
            if previous != 0 { returns.append(value / previous - 1) }
            previous = value
        }
        let barsPerYear = periodsPerYear ?? (years > 0 && !returns.isEmpty ? Double(returns.count) / years : nil)
        self.barsPerYear = barsPerYear
        if years > 0 && initial > 0 {
            let growth = final.doubleValue / initial
            self.annualizedReturn = growth > 0 ? Double.pow(growth, 1 / years) - 1 : -1
        } else {
            self.annualizedReturn = nil
        }
        let stats = ReturnMoments(returns)
        if let barsPerYear, let deviation = stats.standardDeviation {
            let scale = barsPerYear.squareRoot()
            self.annualizedVolatility = deviation * scale
            self.sharpeRatio = deviation > 0 ? stats.mean / deviation * scale : nil
            self.sortinoRatio = stats.downsideDeviation > 0 ? stats.mean / stats.downsideDeviation * scale : nil
        } else {
            self.annualizedVolatility = nil
            self.sharpeRatio = nil
            self.sortinoRatio = nil
        }

        let drawdown = Drawdown(startingEquity: startingEquity, start: start, curve: equityCurve)
        self.maxDrawdown = drawdown.maxFraction
        self.maxDrawdownDuration = drawdown.longestUnderwater

        self.tradeCount = trades.count
        if trades.isEmpty {
            self.winRate = nil
            self.profitFactor = nil
            self.averageTradePnL = nil
            self.bestTrade = nil
            self.worstTrade = nil
        } else {
            let wins = trades.filter { $0.pnl > .zero }
            self.winRate = Double(wins.count) / Double(trades.count)
            let grossWin = wins.reduce(Money.zero) { $0 + $1.pnl }
            let grossLoss = trades.filter { $0.pnl < .zero }.reduce(Money.zero) { $0 + $1.pnl }
            self.profitFactor = grossLoss.isZero ? nil : grossWin.doubleValue / -grossLoss.doubleValue
            let total = trades.reduce(Money.zero) { $0 + $1.pnl }
            self.averageTradePnL = Money(raw: total.raw / Int128(trades.count))
            self.bestTrade = trades.map(\.pnl).max()
            self.worstTrade = trades.map(\.pnl).min()
            let losses = trades.filter { $0.pnl < .zero }
            averageWin = wins.isEmpty ? nil : Money(raw: grossWin.raw / Int128(wins.count))
            averageLoss = losses.isEmpty ? nil : Money(raw: grossLoss.raw / Int128(losses.count))
            if let win = averageWin, let loss = averageLoss, let rate = winRate {
                kellyFraction = rate - (1 - rate) / (win.doubleValue / -loss.doubleValue)
            }
            let pnl = trades.map(\.pnl.doubleValue)
            let mean = pnl.reduce(0, +) / Double(pnl.count)
            if pnl.count >= 2 {
                let deviation = (pnl.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(pnl.count - 1)).squareRoot()
                sqn = deviation > 0 ? Double(pnl.count).squareRoot() * mean / deviation : nil
            }
            let held = trades.reduce(Int64(0)) { $0 + ($1.exitTime - $1.entryTime).nanoseconds }
            averageHoldingTime = TimeSpan(nanoseconds: held / Int64(trades.count))
        }
    }
}

/// Mean, sample standard deviation and downside deviation of a return series.
struct ReturnMoments {
    var mean = 0.0
    var standardDeviation: Double?
    var downsideDeviation = 0.0

    init(_ returns: [Double]) {
        guard !returns.isEmpty else { return }
        let n = Double(returns.count)
        mean = returns.reduce(0, +) / n
        if returns.count > 1 {
            let squares = returns.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            standardDeviation = (squares / (n - 1)).squareRoot()
        }
        let downside = returns.reduce(0) { $0 + min($1, 0) * min($1, 0) }
        downsideDeviation = (downside / n).squareRoot()
    }
}

/// Largest peak-to-trough fall and longest time under a peak.
struct Drawdown {
    var maxFraction = 0.0
    var longestUnderwater = TimeSpan.zero

    init(startingEquity: Money, start: Timestamp, curve: some BidirectionalCollection<EquityPoint>) {
        var peak = startingEquity
        var peakTime = start
        for point in curve {
            if point.equity >= peak {
                longestUnderwater = max(longestUnderwater, point.time - peakTime)
                peak = point.equity
                peakTime = point.time
            } else if peak > .zero {
                let fall = 1 - point.equity.doubleValue / peak.doubleValue
                maxFraction = max(maxFraction, fall)
            }
        }
        if let last = curve.last, last.equity < peak {
            longestUnderwater = max(longestUnderwater, last.time - peakTime)
        }
    }
}
