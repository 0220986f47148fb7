public import TradewindCore
public import TradewindMarketData
public import TradewindStrategy

/// Deliberately wrong strategies, for proving that `BiasCheck` catches what it should.
public enum BiasedStrategies {
    /// Parameters for strategies that take none.
    public struct NoParameters: StrategyParameters {
        public static let specification: [ParameterSpec] = []
        public init(values: ParameterValues) {}
        public init() {}
    }

    /// The classic vectorised-research bug: a signal prepared over the whole data set that uses
    /// the next bar's close. It buys one unit before every rise and sells before every fall.
    public struct PeeksAtNextClose: Strategy {
        public typealias Parameters = NoParameters
        public static let name = "peeks-at-next-close"
        public static let summary = "test double with look-ahead bias"

        /// Per bar open time: the next bar's close, prepared from the data the run gets.
        let nextClose: [Timestamp: Double]
        var latest: Double?

        public init(parameters: Parameters) { nextClose = [:] }

        public init(preparingFrom series: BarSeries) {
            var next: [Timestamp: Double] = [:]
            for (bar, following) in zip(series.bars, series.bars.dropFirst()) { next[bar.openTime] = following.close.doubleValue }
            nextClose = next
        }

        public mutating func onBar(_ event: BarEvent, context: inout StrategyContext) throws {
            latest = nextClose[event.bar.openTime]
            guard let future = latest else { return }
            let id = context.instrument(event.instrument).id
            let position = context.position(event.instrument)
            if future > event.bar.close.doubleValue, position.isFlat, !context.hasOpenOrders(in: id) {
                context.submit(.market(.buy, Quantity("1"), of: id))
            } else if future < event.bar.close.doubleValue, position.isLong {
                context.submit(.market(.sell, position.quantity, of: id))
            }
        }

        public func indicatorValues(instrument: Int) -> [(name: String, value: Double)] {
            latest.map { [("next close", $0)] } ?? []
        }
    }

    /// An indicator that never forgets: the mean of every close since the data began, so its
    /// value depends on where the data starts (the bug class of a cumulative VWAP without a
    /// session reset). It trades nothing.
    public struct RunningMeanSinceStart: Strategy {
        public typealias Parameters = NoParameters
        public static let name = "running-mean"
        public static let summary = "test double with start-up dependence"

        var sum = 0.0
        var count = 0

        public init(parameters: Parameters) {}
        public init() {}

        public mutating func onBar(_ event: BarEvent, context: inout StrategyContext) throws {
            sum += event.bar.close.doubleValue
            count += 1
        }

        public func indicatorValues(instrument: Int) -> [(name: String, value: Double)] {
            count > 0 ? [("mean since start", sum / Double(count))] : []
        }
    }
}
