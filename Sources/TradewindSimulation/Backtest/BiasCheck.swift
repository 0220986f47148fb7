public import TradewindCore
import TradewindEngine
public import TradewindMarketData
public import TradewindStrategy

/// Finds the two bug classes that make a backtest look better than trading could be.
///
/// **Look-ahead**: a strategy's decision at a bar must not depend on later bars. The strategy is
/// re-run on histories cut short at several points; every order it issued and every indicator
/// value it reported (``Strategy/indicatorValues(instrument:)``) before the cut must be exactly
/// what the full run produced there. Any difference means something saw the future — a value
/// precomputed over the whole data set, a higher time frame bar delivered before it closed.
///
/// **Recursion** (start-up dependence): an indicator's value at a bar should not depend on how
/// much history came before it. The strategy is re-run with the first bars removed and each
/// indicator compared with the full run at the same bars; the check reports how many bars each
/// takes to agree again (the warm-up a live bot needs) or that it never does.
public enum BiasCheck {
    /// What the strategy did or reported after one bar (or fill, or order update).
    public struct Observation: Hashable, Sendable {
        /// The bar whose processing produced it: the n-th bar the strategy was given (from 1)
        /// for what it did in `onBar`; n + 1 for fills and order updates that arrive while the
        /// next bar is processed. A run cut after n bars must match the full run up to bar n.
        public var bar: Int
        public var time: Timestamp
        public var instrument: Int
        public var what: String
        public var value: String
    }

    public struct LookAheadFinding: Sendable, CustomStringConvertible {
        /// The first bar left out of the truncated run.
        public var cut: Timestamp
        public var time: Timestamp
        public var instrument: Int
        public var what: String
        public var full: String
        public var truncated: String

        public var description: String {
            "\(what) at \(time.iso8601) (instrument \(instrument)) was \(full) with all the data but \(truncated) "
                + "when the data ends at \(cut.iso8601)"
        }
    }

    public struct RecursionFinding: Sendable, CustomStringConvertible {
        public var indicator: String
        public var instrument: Int
        /// Bars after a shortened start until the value agrees with the full run for good;
        /// `nil` when it never does.
        public var barsToAgree: Int?

        public var description: String {
            barsToAgree.map { "\(indicator) (instrument \(instrument)) needs \($0) bars of history to agree with a longer run" }
                ?? "\(indicator) (instrument \(instrument)) never agrees with a longer run: it depends on where the data starts"
        }
    }

    public struct Report: Sendable {
        public var cuts: [Timestamp]
        public var starts: [Timestamp]
        /// Observations compared across all cuts.
        public var compared: Int
        public var lookAhead: [LookAheadFinding]
        public var recursion: [RecursionFinding]
        /// Names of the indicators the strategy reported.
        public var indicators: [String]
    }

    /// - Parameters:
    ///   - series: the full history; cuts and starts follow the first series' bars.
    ///   - cuts: truncated runs, their ends spread evenly over the second half of the history.
    ///   - starts: late-start runs, starting at 5 %, 10 %… of the bars.
    ///   - tolerance: relative difference below which two indicator values agree (summation
    ///     order alone changes the last bits of a running average).
    ///   - make: builds the strategy for a run from the data that run gets, as a strategy that
    ///     prepares itself from its data would be built.
    public static func run<S: Strategy>(series: [BarSeries], configuration: BacktestConfiguration, cuts: Int = 10, starts: Int = 3,
                                        tolerance: Double = 1e-9, make: ([BarSeries]) throws -> S) throws -> Report {
        guard let lead = series.first, lead.bars.count >= 4 else { throw BacktestError.noData }
        let full = try observe(series, configuration: configuration, make: make)
        let count = lead.bars.count
        let cutIndices = Set((1...max(1, cuts)).map { count / 2 + (count - count / 2 - 1) * $0 / max(1, cuts) }).sorted()
        var findings: [LookAheadFinding] = []
        var compared = 0
        for index in cutIndices {
            let cut = lead.bars[index].openTime
            let kept = series.map { $0.restricted { $0.openTime < cut } }
            let bars = kept.reduce(0) { $0 + $1.bars.count }
            let truncated = try observe(kept, configuration: configuration, make: make).filter { $0.bar <= bars }
            let expected = full.prefix { $0.bar <= bars }
            let shared = min(truncated.count, expected.count)
            guard let mismatch = (0..<shared).first(where: { truncated[$0] != expected[$0] })
                    ?? (truncated.count != expected.count ? shared : nil) else {
                compared += truncated.count
                continue
            }
            compared += mismatch + 1
            let mine = mismatch < truncated.count ? truncated[mismatch] : nil
            let theirs = mismatch < expected.count ? expected[mismatch] : nil
            let reference = (mine ?? theirs)!
            func shown(_ o: Observation?) -> String {
                guard let o else { return "absent" }
                return o.what == reference.what ? o.value : "\(o.what) \(o.value)"
            }
            findings.append(LookAheadFinding(cut: cut, time: reference.time, instrument: reference.instrument, what: reference.what,
                                             full: shown(theirs), truncated: shown(mine)))
        }

        // Indicator values by (name, instrument) and time, from the full run.
        var reference: [IndicatorKey: [Timestamp: Double]] = [:]
        for o in full where o.what.hasPrefix("indicator ") {
            reference[IndicatorKey(name: o.what, instrument: o.instrument), default: [:]][o.time] = Double(o.value)
        }
        var needed: [IndicatorKey: Int?] = [:]
        var startTimes: [Timestamp] = []
        for step in 1...max(1, starts) {
            let first = count * step / 20
            guard first > 0, first < count / 2 else { continue }
            let start = lead.bars[first].openTime
            startTimes.append(start)
            let late = try observe(series.map { $0.restricted { $0.openTime >= start } }, configuration: configuration, make: make)
            var values: [IndicatorKey: [(time: Timestamp, value: Double)]] = [:]
            for o in late where o.what.hasPrefix("indicator ") {
                values[IndicatorKey(name: o.what, instrument: o.instrument), default: []].append((o.time, Double(o.value)!))
            }
            for (key, points) in values {
                guard let truth = reference[key] else { continue }
                let compared = points.filter { truth[$0.time] != nil }
                guard !compared.isEmpty else { continue }
                let lastDisagreement = compared.lastIndex { abs($0.value - truth[$0.time]!) > tolerance * max(1, abs(truth[$0.time]!)) }
                if needed[key] == .some(nil) { continue }
                let agreeing = lastDisagreement.map { $0 + 1 } ?? 0
                guard agreeing < compared.count else {
                    needed[key] = .some(nil)
                    continue
                }
                let agreeTime = compared[agreeing].time
                let bars = lead.bars.lazy.filter { $0.openTime >= start && $0.openTime < agreeTime }.count
                needed[key] = max((needed[key] ?? 0) ?? 0, bars)
            }
        }
        let recursion = needed.map { RecursionFinding(indicator: String($0.key.name.dropFirst("indicator ".count)), instrument: $0.key.instrument, barsToAgree: $0.value) }
            .sorted { ($0.instrument, $0.indicator) < ($1.instrument, $1.indicator) }
        let names = Set(reference.keys.map { String($0.name.dropFirst("indicator ".count)) }).sorted()
        return Report(cuts: cutIndices.map { lead.bars[$0].openTime }, starts: startTimes, compared: compared, lookAhead: findings,
                      recursion: recursion, indicators: names)
    }

    struct IndicatorKey: Hashable {
        var name: String
        var instrument: Int
    }

    /// Everything the strategy issued or reported during one run, in order.
    static func observe<S: Strategy>(_ series: [BarSeries], configuration: BacktestConfiguration, make: ([BarSeries]) throws -> S) throws -> [Observation] {
        let log = ObservationLog()
        var source = HistoricalBarSource(series)
        _ = try Backtest.run(Recording(base: try make(series), log: log), source: &source, configuration: configuration)
        return log.observations
    }

    final class ObservationLog: @unchecked Sendable {
        var observations: [Observation] = []
    }

    /// Forwards every call to the strategy and writes down what it did.
    struct Recording<Base: Strategy>: Strategy {
        typealias Parameters = Base.Parameters
        static var name: String { Base.name }
        static var summary: String { Base.summary }
        var base: Base
        let log: ObservationLog
        /// Bars of the data's own time frame given so far.
        var barsSeen = 0

        init(base: Base, log: ObservationLog) {
            self.base = base
            self.log = log
        }

        init(parameters: Parameters) throws(StrategyError) {
            self.init(base: try Base(parameters: parameters), log: ObservationLog())
        }

        var timeframes: [TimeSpan] { base.timeframes }

        private func record(_ context: StrategyContext, instrument: Int, after what: String, bar: Int? = nil) {
            for command in context.commands {
                log.observations.append(Observation(bar: bar ?? barsSeen + 1, time: context.now, instrument: instrument,
                                                    what: "order after \(what)", value: "\(command)"))
            }
        }

        mutating func onStart(context: inout StrategyContext) throws {
            try base.onStart(context: &context)
            record(context, instrument: -1, after: "start", bar: 0)
        }

        mutating func onBar(_ event: BarEvent, context: inout StrategyContext) throws {
            try base.onBar(event, context: &context)
            if event.timeframe == .zero { barsSeen += 1 }
            let frame = event.timeframe == .zero ? "bar" : "\(event.timeframe) bar"
            record(context, instrument: event.instrument, after: frame, bar: barsSeen)
            for (name, value) in base.indicatorValues(instrument: event.instrument) {
                log.observations.append(Observation(bar: barsSeen, time: context.now, instrument: event.instrument,
                                                    what: "indicator \(name)", value: "\(value)"))
            }
        }

        mutating func onQuote(_ event: QuoteEvent, context: inout StrategyContext) throws {
            try base.onQuote(event, context: &context)
            record(context, instrument: event.instrument, after: "quote")
        }

        mutating func onTradeTick(_ event: TradeTickEvent, context: inout StrategyContext) throws {
            try base.onTradeTick(event, context: &context)
            record(context, instrument: event.instrument, after: "trade")
        }

        mutating func onFill(_ fill: Fill, context: inout StrategyContext) throws {
            try base.onFill(fill, context: &context)
            record(context, instrument: -1, after: "fill")
        }

        mutating func onOrderUpdate(_ order: Order, context: inout StrategyContext) throws {
            try base.onOrderUpdate(order, context: &context)
            record(context, instrument: -1, after: "order update")
        }

        mutating func onAccountEvent(_ event: AccountEvent, context: inout StrategyContext) throws {
            try base.onAccountEvent(event, context: &context)
            record(context, instrument: -1, after: "account event")
        }

        func indicatorValues(instrument: Int) -> [(name: String, value: Double)] { base.indicatorValues(instrument: instrument) }
    }
}

extension BarSeries {
    /// The same instrument and interval with only the bars that pass `keep`.
    func restricted(_ keep: (Bar) -> Bool) -> BarSeries {
        BarSeries(instrument: instrument, bars: bars.filter(keep), interval: interval)
    }
}
