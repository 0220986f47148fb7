import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TradewindCore

/// Monte Carlo resampling of a backtest's trades: how much of the result is the order the
/// trades happened to come in (reshuffle) or the particular trades drawn (bootstrap).
///
/// Each path replays the trades' PnL on the starting equity. Paths are seeded one by one
/// (`seed` and the path's number), so results are identical whatever the number of cores.
public enum MonteCarlo {
    public enum Method: String, Sendable, CaseIterable {
        /// Every path is a random permutation of the trades: final equity is fixed, the path (drawdown, ruin) varies.
        case reshuffle
        /// Every path draws as many trades with replacement: final equity varies too.
        case bootstrap
    }

    public struct Configuration: Sendable {
        public var paths: Int
        public var method: Method
        public var seed: UInt64
        /// A path is ruined once equity falls this fraction below the starting equity (0.5 = half lost).
        public var ruinThreshold: Double
        /// Trades per year, to annualise each path's Sharpe ratio of per-trade returns.
        public var tradesPerYear: Double

        public init(paths: Int = 10_000, method: Method = .reshuffle, seed: UInt64 = 1, ruinThreshold: Double = 0.5, tradesPerYear: Double = 252) {
            self.paths = paths
            self.method = method
            self.seed = seed
            self.ruinThreshold = ruinThreshold
            self.tradesPerYear = tradesPerYear
        }
    }

    /// The 5th, 25th, 50th, 75th and 95th percentiles of a statistic over the paths.
    public struct Percentiles: Hashable, Sendable {
        public var p5, p25, p50, p75, p95: Double

        init(_ values: [Double]) {
            let sorted = values.sorted()
            p5 = ReturnStatistics.percentile(sorted, 5)
            p25 = ReturnStatistics.percentile(sorted, 25)
            p50 = ReturnStatistics.percentile(sorted, 50)
            p75 = ReturnStatistics.percentile(sorted, 75)
            p95 = ReturnStatistics.percentile(sorted, 95)
        }
    }

    public struct Result: Hashable, Sendable {
        public var paths: Int
        public var trades: Int
        public var method: Method
        public var finalEquity: Percentiles
        /// Deepest fall from a running peak (negative fraction), per path.
        public var maxDrawdown: Percentiles
        public var sharpe: Percentiles
        /// Fraction of paths that were ruined.
        public var probabilityOfRuin: Double
        /// Percentiles of equity after a given number of trades, at up to ``fanSteps`` points
        /// spread over the path (the fan chart).
        public var fan: [FanPoint]
    }

    /// Equity percentiles over the paths after `trades` trades.
    public struct FanPoint: Hashable, Sendable {
        public var trades: Int
        public var equity: Percentiles
    }

    /// Points of the fan chart: enough for a smooth band, few enough to keep 10,000 paths cheap.
    public static let fanSteps = 40

    /// - Parameters:
    ///   - tradePnL: net PnL of each closed trade, in time order.
    public static func run(tradePnL: [Double], startingEquity: Double, configuration: Configuration) -> Result {
        let count = tradePnL.count
        let paths = max(0, configuration.paths)
        var finals = [Double](repeating: startingEquity, count: paths)
        var drawdowns = [Double](repeating: 0, count: paths)
        var sharpes = [Double](repeating: .nan, count: paths)
        var ruined = [Bool](repeating: false, count: paths)
        let floor = startingEquity * (1 - configuration.ruinThreshold)
        let chunks = max(1, min(paths, Cores.online * 4))
        // Trade counts after which each path's equity is kept for the fan chart.
        let fanAt = (0..<min(count, fanSteps)).map { (count * ($0 + 1) + min(count, fanSteps) - 1) / min(count, fanSteps) }
        var fanEquity = [Double](repeating: startingEquity, count: paths * fanAt.count)
        finals.withUnsafeMutableBufferPointer { finals in
            drawdowns.withUnsafeMutableBufferPointer { drawdowns in
                sharpes.withUnsafeMutableBufferPointer { sharpes in
                    ruined.withUnsafeMutableBufferPointer { ruined in
                      fanEquity.withUnsafeMutableBufferPointer { fanEquity in
                        // Disjoint slices per chunk: no two threads write one element.
                        nonisolated(unsafe) let (f, d, s, r, fe) = (finals, drawdowns, sharpes, ruined, fanEquity)
                        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                            var order = Array(0..<count)
                            let first = paths * chunk / chunks, end = paths * (chunk + 1) / chunks
                            for path in first..<end {
                                var random = SplitMix64(seed: configuration.seed &+ UInt64(path) &* 0x9E37_79B9_7F4A_7C15)
                                var equity = startingEquity, peak = startingEquity, deepest = 0.0
                                var sum = 0.0, squares = 0.0
                                var broke = false
                                var nextFan = 0
                                if configuration.method == .reshuffle {
                                    // Fisher–Yates on the trade order.
                                    var i = count - 1
                                    while i > 0 {
                                        let j = Int(random.next() % UInt64(i + 1))
                                        order.swapAt(i, j)
                                        i -= 1
                                    }
                                }
                                for step in 0..<count {
                                    let pnl = configuration.method == .reshuffle ? tradePnL[order[step]] : tradePnL[Int(random.next() % UInt64(count))]
                                    let change = equity > 0 ? pnl / equity : 0
                                    sum += change
                                    squares += change * change
                                    equity += pnl
                                    if equity > peak { peak = equity }
                                    let fall = peak > 0 ? equity / peak - 1 : -1
                                    if fall < deepest { deepest = fall }
                                    if equity <= floor { broke = true }
                                    if nextFan < fanAt.count && step + 1 == fanAt[nextFan] {
                                        fe[path * fanAt.count + nextFan] = equity
                                        nextFan += 1
                                    }
                                }
                                f[path] = equity
                                d[path] = deepest
                                r[path] = broke
                                if count >= 2 {
                                    let mean = sum / Double(count)
                                    let variance = (squares - Double(count) * mean * mean) / Double(count - 1)
                                    s[path] = variance > 0 ? mean / variance.squareRoot() * configuration.tradesPerYear.squareRoot() : .nan
                                }
                            }
                        }
                      }
                    }
                }
            }
        }
        let fan = fanAt.enumerated().map { column, trades in
            FanPoint(trades: trades, equity: Percentiles((0..<paths).map { fanEquity[$0 * fanAt.count + column] }))
        }
        return Result(paths: paths, trades: count, method: configuration.method, finalEquity: Percentiles(finals),
                      maxDrawdown: Percentiles(drawdowns), sharpe: Percentiles(sharpes.filter { !$0.isNaN }),
                      probabilityOfRuin: paths == 0 ? 0 : Double(ruined.filter { $0 }.count) / Double(paths), fan: fan)
    }
}

enum Cores {
    /// Cores to spread paths over (the work is split in more chunks than cores to balance load).
    static var online: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
