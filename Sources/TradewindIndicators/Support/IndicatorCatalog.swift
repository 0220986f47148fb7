/// An indicator driven by whole bars that writes its outputs as columns of doubles
/// (`NaN` while not ready). This is the uniform face the CLI and benchmarks use; strategies
/// use the typed indicators directly.
public protocol ColumnIndicator {
    /// Number of outputs.
    var width: Int { get }
    /// Whether the indicator reads every field of a bar (`false`: the close alone), so a
    /// caller knows which fields it must check before ``advance(finite:)``.
    var readsWholeBar: Bool { get }
    /// Feeds one bar whose fields this indicator reads are known to be finite.
    ///
    /// The unchecked step is what lets ``IndicatorTable`` validate a block of bars once
    /// instead of once per indicator per bar; ``feed(_:)`` is the checked entry point.
    mutating func advance(finite bar: BarSample)
    /// Writes the current outputs to `row[0..<width]`, `NaN` for an output not ready.
    func write(to row: UnsafeMutablePointer<Double>)
    /// Feeds `bars` (already checked finite) in order, writing each bar's outputs to
    /// `output + i × stride`.
    ///
    /// One dynamic call per block instead of per bar: the loop runs specialised for the
    /// concrete indicator. The default implementation is that loop.
    mutating func compute(finite bars: UnsafeBufferPointer<BarSample>, into output: UnsafeMutablePointer<Double>, stride: Int)
}

extension ColumnIndicator {
    @inlinable
    public mutating func compute(finite bars: UnsafeBufferPointer<BarSample>, into output: UnsafeMutablePointer<Double>, stride: Int) {
        // Work on a local moved out of `self`: the output pointer could alias `self` as far
        // as the compiler knows, which would force a store and reload of the state per bar.
        var indicator = consume self
        var row = output
        for bar in bars {
            indicator.advance(finite: bar)
            indicator.write(to: row)
            row += stride
        }
        self = indicator
    }

    /// Feeds one bar after checking that the fields this indicator reads are finite.
    /// - Throws: ``IndicatorError/nonFiniteInput(indicator:value:)``; the state is unchanged.
    public mutating func feed(_ bar: BarSample) throws(IndicatorError) {
        if readsWholeBar {
            try bar.checkFinite(String(describing: Self.self))
        } else {
            try checkFinite(bar.close, String(describing: Self.self))
        }
        advance(finite: bar)
    }

    /// Writes the current outputs into `columns[offset...]`.
    public func write(into columns: inout [Double], at offset: Int) {
        columns.withUnsafeMutableBufferPointer { write(to: $0.baseAddress! + offset) }
    }
}

/// A parsed `name:arg,arg` request such as `macd:12,26,9`.
public struct IndicatorSpec: Hashable, Sendable, CustomStringConvertible {
    public var name: String
    /// The arguments as written (used in column names), defaults filled in.
    public var arguments: [String]

    /// Parses `name` or `name:a,b,…`; missing trailing arguments take their defaults.
    /// - Throws: ``IndicatorError/invalidParameter(indicator:reason:)`` for an unknown name,
    ///   a non-numeric argument or too many arguments.
    public init(parsing text: String) throws(IndicatorError) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let name = parts.first?.lowercased() ?? ""
        guard let entry = IndicatorCatalog.entry(named: name) else {
            throw .invalidParameter(indicator: text, reason: "unknown indicator; see `tradewind indicators --list`")
        }
        var arguments = parts.count > 1 ? parts[1].split(separator: ",", omittingEmptySubsequences: false).map {
            String($0).trimmingSpaces
        } : []
        guard arguments.count <= entry.parameters.count else {
            throw .invalidParameter(indicator: name, reason: "takes at most \(entry.parameters.count) argument(s): \(entry.parameterList)")
        }
        for (index, argument) in arguments.enumerated() where Double(argument) == nil || !Double(argument)!.isFinite {
            throw .invalidParameter(indicator: name, reason: "argument \(entry.parameters[index].name) '\(argument)' is not a number")
        }
        arguments += entry.parameters.dropFirst(arguments.count).map(\.defaultValue)
        self.name = name
        self.arguments = arguments
    }

    /// Column names: `<name>_<args joined by _>`, plus `_<output>` for named outputs.
    public var columnNames: [String] {
        let base = ([name] + arguments).joined(separator: "_")
        return IndicatorCatalog.entry(named: name)!.outputs.map { $0.isEmpty ? base : "\(base)_\($0)" }
    }

    public var description: String { arguments.isEmpty ? name : "\(name):\(arguments.joined(separator: ","))" }

    /// A fresh indicator for this spec.
    /// - Throws: ``IndicatorError/invalidParameter(indicator:reason:)`` for out-of-range arguments.
    public func make() throws(IndicatorError) -> any ColumnIndicator {
        let entry = IndicatorCatalog.entry(named: name)!
        let values = arguments.map { Double($0)! }
        for (value, parameter) in zip(values, entry.parameters) where parameter.isInteger {
            guard value == value.rounded(), value >= 1, value <= 100_000 else {
                throw .invalidParameter(indicator: name, reason: "\(parameter.name) must be a whole number from 1 to 100000, got \(value)")
            }
        }
        return try entry.make(values)
    }
}

/// Every indicator available by name, with its parameters and outputs.
public enum IndicatorCatalog {
    public struct Parameter: Sendable {
        public var name: String
        public var defaultValue: String
        public var isInteger: Bool
    }

    public struct Entry: Sendable {
        public var name: String
        public var summary: String
        public var parameters: [Parameter]
        /// Output suffixes; `""` is the unnamed main output.
        public var outputs: [String]
        let make: @Sendable ([Double]) throws(IndicatorError) -> any ColumnIndicator

        public var parameterList: String {
            parameters.isEmpty ? "none" : parameters.map { "\($0.name)=\($0.defaultValue)" }.joined(separator: ",")
        }
    }

    public static func entry(named name: String) -> Entry? { entries.first { $0.name == name } }

    static func int(_ name: String, _ value: Int) -> Parameter { Parameter(name: name, defaultValue: String(value), isInteger: true) }
    static func real(_ name: String, _ value: String) -> Parameter { Parameter(name: name, defaultValue: value, isInteger: false) }

    public static let entries: [Entry] = [
        Entry(name: "sma", summary: "simple moving average of close", parameters: [int("period", 20)], outputs: [""]) { a throws(IndicatorError) in
            try SimpleMovingAverage(period: Int(a[0]))
        },
        Entry(name: "ema", summary: "exponential moving average of close (SMA-seeded)", parameters: [int("period", 20)], outputs: [""]) { a throws(IndicatorError) in
            try ExponentialMovingAverage(period: Int(a[0]))
        },
        Entry(name: "wma", summary: "linearly weighted moving average of close", parameters: [int("period", 20)], outputs: [""]) { a throws(IndicatorError) in
            try WeightedMovingAverage(period: Int(a[0]))
        },
        Entry(name: "dema", summary: "double exponential moving average of close", parameters: [int("period", 20)], outputs: [""]) { a throws(IndicatorError) in
            try DoubleExponentialMovingAverage(period: Int(a[0]))
        },
        Entry(name: "tema", summary: "triple exponential moving average of close", parameters: [int("period", 20)], outputs: [""]) { a throws(IndicatorError) in
            try TripleExponentialMovingAverage(period: Int(a[0]))
        },
        Entry(name: "kama", summary: "Kaufman adaptive moving average of close", parameters: [int("period", 30)], outputs: [""]) { a throws(IndicatorError) in
            try KaufmanAdaptiveMovingAverage(period: Int(a[0]))
        },
        Entry(name: "rsi", summary: "Wilder relative strength index of close", parameters: [int("period", 14)], outputs: [""]) { a throws(IndicatorError) in
            try RelativeStrengthIndex(period: Int(a[0]))
        },
        Entry(name: "roc", summary: "rate of change of close, percent", parameters: [int("period", 10)], outputs: [""]) { a throws(IndicatorError) in
            try RateOfChange(period: Int(a[0]))
        },
        Entry(name: "stoch", summary: "slow stochastic %K/%D (SMA)", parameters: [int("fastk", 14), int("slowk", 3), int("slowd", 3)],
              outputs: ["k", "d"]) { a throws(IndicatorError) in
            try Stochastic(fastK: Int(a[0]), slowK: Int(a[1]), slowD: Int(a[2]))
        },
        Entry(name: "stochf", summary: "fast stochastic %K/%D (SMA)", parameters: [int("fastk", 5), int("fastd", 3)],
              outputs: ["k", "d"]) { a throws(IndicatorError) in
            try FastStochastic(fastK: Int(a[0]), fastD: Int(a[1]))
        },
        Entry(name: "stochrsi", summary: "stochastic RSI, TA-Lib convention (%K raw, %D = SMA)",
              parameters: [int("rsi", 14), int("stoch", 14), int("d", 3)], outputs: ["k", "d"]) { a throws(IndicatorError) in
            try StochasticRSI(rsiPeriod: Int(a[0]), stochastic: Int(a[1]), dSmoothing: Int(a[2]), convention: .taLib)
        },
        Entry(name: "stochrsi-tv", summary: "stochastic RSI, TradingView convention (%K = SMA of raw)",
              parameters: [int("rsi", 14), int("stoch", 14), int("k", 3), int("d", 3)], outputs: ["k", "d"]) { a throws(IndicatorError) in
            try StochasticRSI(rsiPeriod: Int(a[0]), stochastic: Int(a[1]), kSmoothing: Int(a[2]), dSmoothing: Int(a[3]),
                                              convention: .tradingView)
        },
        Entry(name: "macd", summary: "MACD line, signal and histogram", parameters: [int("fast", 12), int("slow", 26), int("signal", 9)],
              outputs: ["", "signal", "hist"]) { a throws(IndicatorError) in
            try MovingAverageConvergenceDivergence(fast: Int(a[0]), slow: Int(a[1]), signal: Int(a[2]))
        },
        Entry(name: "bbands", summary: "Bollinger bands (SMA ± k population sd)", parameters: [int("period", 20), real("deviations", "2")],
              outputs: ["upper", "middle", "lower"]) { a throws(IndicatorError) in
            try BollingerBands(period: Int(a[0]), deviations: a[1])
        },
        Entry(name: "trange", summary: "true range", parameters: [], outputs: [""]) { _ throws(IndicatorError) in
            TrueRange()
        },
        Entry(name: "atr", summary: "Wilder average true range", parameters: [int("period", 14)], outputs: [""]) { a throws(IndicatorError) in
            try AverageTrueRange(period: Int(a[0]))
        },
        Entry(name: "adx", summary: "average directional index with +DI and -DI", parameters: [int("period", 14)],
              outputs: ["", "plus_di", "minus_di"]) { a throws(IndicatorError) in
            try DirectionalMovement(period: Int(a[0]))
        },
        Entry(name: "cci", summary: "commodity channel index", parameters: [int("period", 20)], outputs: [""]) { a throws(IndicatorError) in
            try CommodityChannelIndex(period: Int(a[0]))
        },
        Entry(name: "mfi", summary: "money flow index", parameters: [int("period", 14)], outputs: [""]) { a throws(IndicatorError) in
            try MoneyFlowIndex(period: Int(a[0]))
        },
        Entry(name: "willr", summary: "Williams %R", parameters: [int("period", 14)], outputs: [""]) { a throws(IndicatorError) in
            try WilliamsR(period: Int(a[0]))
        },
        Entry(name: "obv", summary: "on-balance volume", parameters: [], outputs: [""]) { _ throws(IndicatorError) in
            OnBalanceVolume()
        },
        Entry(name: "psar", summary: "parabolic SAR", parameters: [real("acceleration", "0.02"), real("maximum", "0.2")],
              outputs: [""]) { a throws(IndicatorError) in
            try ParabolicSAR(acceleration: a[0], maximum: a[1])
        },
        Entry(name: "vwap", summary: "VWAP anchored to the UTC day", parameters: [], outputs: [""]) { _ throws(IndicatorError) in
            VolumeWeightedAveragePrice()
        },
        Entry(name: "keltner", summary: "Keltner channels (EMA ± k ATR)",
              parameters: [int("period", 20), real("multiplier", "2"), int("atr", 10)],
              outputs: ["upper", "middle", "lower"]) { a throws(IndicatorError) in
            try KeltnerChannels(period: Int(a[0]), multiplier: a[1], atrPeriod: Int(a[2]))
        },
        Entry(name: "donchian", summary: "Donchian channels", parameters: [int("period", 20)],
              outputs: ["upper", "middle", "lower"]) { a throws(IndicatorError) in
            try DonchianChannels(period: Int(a[0]))
        },
        Entry(name: "supertrend", summary: "SuperTrend line and direction (+1/-1)", parameters: [int("period", 10), real("multiplier", "3")],
              outputs: ["", "direction"]) { a throws(IndicatorError) in
            try SuperTrend(period: Int(a[0]), multiplier: a[1])
        },
        Entry(name: "ichimoku", summary: "Ichimoku (undisplaced)", parameters: [int("conversion", 9), int("base", 26), int("leading", 52)],
              outputs: ["conversion", "base", "leading_a", "leading_b", "lagging"]) { a throws(IndicatorError) in
            try Ichimoku(conversion: Int(a[0]), base: Int(a[1]), leading: Int(a[2]))
        },
    ]
}

// Conformances of the typed indicators live in IndicatorCatalog+Columns.swift.

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
