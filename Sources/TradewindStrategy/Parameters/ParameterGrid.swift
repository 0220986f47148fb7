import TradewindCore

/// The parameter sets of a grid search: each axis a parameter and the values it takes, every
/// combination tried. Written on the command line as `fast=5:30:5` (start:end:step, both ends
/// included) or `fast=5,10,20` (a list); parameters not on the grid keep the fixed value given
/// or their default.
public struct ParameterGrid: Sendable {
    public var axes: [(name: String, values: [String])]

    /// - Throws: ``StrategyError/invalidParameter(name:reason:)`` for an unknown parameter, a
    ///   malformed range, a value outside the declared range or a grid of more than `limit` sets.
    public init(parsing texts: [String], against specs: [ParameterSpec], limit: Int = 1_000_000) throws(StrategyError) {
        var axes: [(name: String, values: [String])] = []
        for text in texts {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw .invalidParameter(name: text, reason: "a grid axis is name=start:end:step or name=v1,v2,…")
            }
            let name = parts[0]
            guard let spec = specs.first(where: { $0.name == name }) else {
                throw .invalidParameter(name: name, reason: "unknown parameter; this strategy takes: \(specs.map(\.name).joined(separator: ", "))")
            }
            guard !axes.contains(where: { $0.name == name }) else { throw .invalidParameter(name: name, reason: "on the grid twice") }
            let values = try Self.values(parts[1], for: spec)
            for value in values { _ = try ParameterValues.parse(value, as: spec) }
            axes.append((name, values))
        }
        let count = axes.reduce(1) { $0.multipliedReportingOverflow(by: $1.values.count).partialValue }
        guard count <= limit else { throw .invalidParameter(name: axes.map(\.name).joined(separator: "×"), reason: "\(count) combinations; at most \(limit)") }
        self.axes = axes
    }

    static func values(_ text: String, for spec: ParameterSpec) throws(StrategyError) -> [String] {
        if text.contains(",") { return text.split(separator: ",").map(String.init) }
        let bounds = text.split(separator: ":").map(String.init)
        guard bounds.count == 3 else { return [text] }
        switch spec.kind {
        case .int:
            guard let start = Int(bounds[0]), let end = Int(bounds[1]), let step = Int(bounds[2]), step > 0, start <= end else {
                throw .invalidParameter(name: spec.name, reason: "'\(text)' is not start:end:step with whole numbers, step > 0, start ≤ end")
            }
            return Array(stride(from: start, through: end, by: step)).map(String.init)
        case .decimal, .double:
            guard let start = ParsedDecimal.parse(bounds[0]), let end = ParsedDecimal.parse(bounds[1]), let step = ParsedDecimal.parse(bounds[2]) else {
                throw .invalidParameter(name: spec.name, reason: "'\(text)' is not start:end:step with decimal numbers")
            }
            // Exact decimal stepping: 0.1:0.3:0.1 gives 0.1, 0.2, 0.3, not 0.30000000000000004.
            let scale = max(start.scale, end.scale, step.scale)
            func scaled(_ d: ParsedDecimal) -> Int64 { d.mantissa * FixedPoint.pow10(scale - d.scale) }
            let (first, last, by) = (scaled(start), scaled(end), scaled(step))
            guard by > 0, first <= last, (last - first) / by < 1_000_000 else {
                throw .invalidParameter(name: spec.name, reason: "'\(text)' needs step > 0 and start ≤ end")
            }
            return stride(from: first, through: last, by: Int(by)).map { FixedPoint.format($0, precision: Int(scale)) }
        case .bool:
            throw .invalidParameter(name: spec.name, reason: "a true/false parameter takes a list: \(spec.name)=true,false")
        }
    }

    /// Number of parameter sets.
    public var count: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// Every combination, the last axis varying fastest, each as name=value pairs.
    public var combinations: [[(name: String, value: String)]] {
        var result: [[(name: String, value: String)]] = [[]]
        for axis in axes {
            result = result.flatMap { prefix in axis.values.map { prefix + [(axis.name, $0)] } }
        }
        return result
    }
}
