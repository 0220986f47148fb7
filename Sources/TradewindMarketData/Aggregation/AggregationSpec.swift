public import TradewindCore

/// A bar type as written on the command line: `time:1h`, `tick:500`, `volume:10000`,
/// `value:1e6`, `range:1.0`, `renko:2.5`, `heikin-ashi`.
public enum AggregationSpec: Hashable, Sendable, CustomStringConvertible {
    case time(TimeSpan)
    case tick(Int)
    case volume(Quantity)
    case value(Money)
    case range(Price)
    case renko(Price)
    case heikinAshi

    /// - Throws: ``AggregationError/invalidSpecification(_:)`` naming what is wrong.
    public init(parsing text: String) throws(AggregationError) {
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        let kind = parts.first?.lowercased() ?? ""
        let argument = parts.count > 1 ? parts[1] : nil
        func need() throws(AggregationError) -> String {
            guard let argument, !argument.isEmpty else { throw .invalidSpecification("'\(kind)' bars need an argument, e.g. \(kind):\(Self.example(kind))") }
            return argument
        }
        switch kind {
        case "time":
            let text = try need()
            guard let span = Self.timeSpan(text) else { throw .invalidSpecification("'\(text)' is not an interval such as 30s, 5m, 1h or 1d") }
            self = .time(span)
        case "tick":
            let text = try need()
            guard let count = Int(text), count >= 1 else { throw .invalidSpecification("tick count '\(text)' must be a positive integer") }
            self = .tick(count)
        case "volume":
            let d = try Self.decimal(need(), kind)
            self = .volume(Quantity(uncheckedRaw: d.mantissa, precision: d.scale))
        case "value":
            let d = try Self.decimal(need(), kind)
            self = .value(Money(Price(uncheckedRaw: d.mantissa, precision: d.scale)))
        case "range":
            let d = try Self.decimal(need(), kind)
            self = .range(Price(uncheckedRaw: d.mantissa, precision: d.scale))
        case "renko":
            let d = try Self.decimal(need(), kind)
            self = .renko(Price(uncheckedRaw: d.mantissa, precision: d.scale))
        case "heikin-ashi", "heikinashi", "ha":
            guard argument == nil else { throw .invalidSpecification("heikin-ashi takes no argument") }
            self = .heikinAshi
        default:
            throw .invalidSpecification("unknown bar type '\(kind)'; use time, tick, volume, value, range, renko or heikin-ashi")
        }
    }

    /// A fresh aggregator.
    public func make() throws(AggregationError) -> any BarAggregator {
        switch self {
        case .time(let span): try TimeBarAggregator(interval: span)
        case .tick(let count): try TickBarAggregator(count: count)
        case .volume(let q): try ThresholdBarAggregator(.volume(q))
        case .value(let m): try ThresholdBarAggregator(.value(m))
        case .range(let p): try RangeBarAggregator(size: p)
        case .renko(let p): try RenkoAggregator(box: p)
        case .heikinAshi: HeikinAshiAggregator()
        }
    }

    public var description: String {
        switch self {
        case .time(let span): "time:\(span)"
        case .tick(let n): "tick:\(n)"
        case .volume(let q): "volume:\(q)"
        case .value(let m): "value:\(m)"
        case .range(let p): "range:\(p)"
        case .renko(let p): "renko:\(p)"
        case .heikinAshi: "heikin-ashi"
        }
    }

    static func example(_ kind: String) -> String {
        ["time": "1h", "tick": "500", "volume": "10000", "value": "1e6", "range": "1.0", "renko": "2.5"][kind] ?? "1"
    }

    /// `30s`, `5m`, `1h`, `1d`, `1w` (any positive integer count).
    static func timeSpan(_ text: String) -> TimeSpan? {
        guard let span = TimeSpan(compact: text), span > .zero, !text.hasSuffix("ms") else { return nil }
        return span
    }

    /// A positive exact decimal, also in `1e6` / `2.5e3` form.
    static func decimal(_ text: String, _ kind: String) throws(AggregationError) -> ParsedDecimal {
        let lower = text.lowercased()
        var mantissaText = lower
        var exponent = 0
        if let e = lower.firstIndex(of: "e") {
            mantissaText = String(lower[..<e])
            guard let value = Int(lower[lower.index(after: e)...]), abs(value) <= 18 else {
                throw .invalidSpecification("\(kind) '\(text)' is not a decimal number")
            }
            exponent = value
        }
        guard var d = ParsedDecimal.parse(mantissaText), d.mantissa > 0 else {
            throw .invalidSpecification("\(kind) '\(text)' must be a positive decimal number")
        }
        while exponent > 0 {
            if d.scale > 0 { d.scale -= 1 } else {
                let (m, overflow) = d.mantissa.multipliedReportingOverflow(by: 10)
                guard !overflow else { throw .invalidSpecification("\(kind) '\(text)' is too large") }
                d.mantissa = m
            }
            exponent -= 1
        }
        while exponent < 0 {
            guard d.scale < FixedPoint.maxPrecision else { throw .invalidSpecification("\(kind) '\(text)' is too small") }
            d.scale += 1
            exponent += 1
        }
        return d
    }
}
