public import TradewindStrategy

/// One searched parameter: its values, on a linear or logarithmic scale.
public enum Dimension: Hashable, Sendable, CustomStringConvertible {
    /// Whole numbers from `low` through `high` in steps of `step`.
    case int(low: Int, high: Int, step: Int, log: Bool)
    /// Real numbers from `low` to `high`, on a grid of `step` when one is given.
    case float(low: Double, high: Double, step: Double?, log: Bool)
    /// One of the listed values.
    case categorical([String])

    public var description: String {
        switch self {
        case .int(let low, let high, let step, let log): "\(low)..\(high)" + (step != 1 ? ":\(step)" : "") + (log ? ":log" : "")
        case .float(let low, let high, let step, let log): "\(low)..\(high)" + (step.map { ":\($0)" } ?? "") + (log ? ":log" : "")
        case .categorical(let values): values.joined(separator: ",")
        }
    }

    /// Number of distinct values; `nil` for a continuous range.
    public var count: Int? {
        switch self {
        case .int(let low, let high, let step, _): (high - low) / step + 1
        case .float(let low, let high, let step?, _): Int(((high - low) / step + 1e-9).rounded(.down)) + 1
        case .float: nil
        case .categorical(let values): values.count
        }
    }

    /// The nearest valid value to `x` (a number on the parameter's own scale; an index for
    /// categorical dimensions).
    public func snap(_ x: Double) -> Double {
        switch self {
        case .int(let low, let high, let step, _):
            let k = ((min(max(x, Double(low)), Double(high)) - Double(low)) / Double(step)).rounded()
            return Double(low) + k * Double(step)
        case .float(let low, let high, let step, _):
            let clamped = min(max(x, low), high)
            guard let step else { return clamped }
            return min(high, low + ((clamped - low) / step).rounded() * step)
        case .categorical(let values):
            return min(max(x.rounded(), 0), Double(values.count - 1))
        }
    }

    /// The `index`-th value (0-based) of a discrete dimension.
    func value(at index: Int) -> Double {
        switch self {
        case .int(let low, _, let step, _): Double(low + index * step)
        case .float(let low, _, let step, _): low + Double(index) * (step ?? 0)
        case .categorical: Double(index)
        }
    }
}

/// What a study searches: the strategy's parameters as dimensions, the ones held fixed, and the
/// declared constraints between them. A point is one number per dimension, in order: the value
/// for numeric dimensions, the index of the value for categorical ones.
public struct SearchSpace: Sendable {
    public var dimensions: [(name: String, dimension: Dimension)]
    public var fixed: [(name: String, value: String)]
    public var constraints: [ParameterConstraint]

    public init(dimensions: [(name: String, dimension: Dimension)], fixed: [(name: String, value: String)] = [],
                constraints: [ParameterConstraint] = []) {
        self.dimensions = dimensions
        self.fixed = fixed
        self.constraints = constraints
    }

    /// The space of a strategy: every whole-number, real and true/false parameter over its
    /// declared range, except those fixed; decimal parameters (order sizes) keep their given or
    /// default value unless a range is given. `overrides` are `name=a..b`, `name=a..b:step`,
    /// `name=a..b:log`, `name=a..b:step:log`, `name=v1,v2,…` or `name=value` (fixed).
    ///
    /// - Throws: ``SearchSpaceError`` naming the parameter.
    public init(specification: [ParameterSpec], constraints: [ParameterConstraint], overrides: [String]) throws(SearchSpaceError) {
        var given: [String: String] = [:]
        var order: [String] = []
        for text in overrides {
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw .invalid(text, "expected name=a..b, name=v1,v2 or name=value") }
            guard specification.contains(where: { $0.name == parts[0] }) else {
                throw .invalid(parts[0], "unknown parameter; this strategy takes \(specification.map(\.name).joined(separator: ", "))")
            }
            guard given[parts[0]] == nil else { throw .invalid(parts[0], "given twice") }
            given[parts[0]] = parts[1]
            order.append(parts[0])
        }
        var dimensions: [(name: String, dimension: Dimension)] = []
        var fixed: [(name: String, value: String)] = []
        for spec in specification {
            if let text = given[spec.name] {
                if let dimension = try Self.dimension(text, for: spec) {
                    dimensions.append((spec.name, dimension))
                } else {
                    _ = try Self.checked(text, spec)
                    fixed.append((spec.name, text))
                }
                continue
            }
            switch spec.kind {
            case .int(let range, _): dimensions.append((spec.name, .int(low: range.lowerBound, high: range.upperBound, step: 1, log: false)))
            case .double(let range, _): dimensions.append((spec.name, .float(low: range.lowerBound, high: range.upperBound, step: nil, log: false)))
            case .bool: dimensions.append((spec.name, .categorical(["false", "true"])))
            case .decimal: fixed.append((spec.name, spec.defaultText))
            }
        }
        guard !dimensions.isEmpty else { throw .invalid(order.joined(separator: ", "), "nothing left to search: every parameter is fixed") }
        self.init(dimensions: dimensions, fixed: fixed, constraints: constraints)
    }

    /// A range or list as a dimension; `nil` for a single value.
    static func dimension(_ text: String, for spec: ParameterSpec) throws(SearchSpaceError) -> Dimension? {
        if text.contains(",") {
            let values = text.split(separator: ",").map(String.init)
            for value in values { _ = try checked(value, spec) }
            guard Set(values).count == values.count else { throw .invalid(spec.name, "a value is listed twice in '\(text)'") }
            return .categorical(values)
        }
        guard text.contains("..") else { return nil }
        var pieces = text.split(separator: ":").map(String.init)
        let log = pieces.last == "log"
        if log { pieces.removeLast() }
        let bounds = pieces[0].split(separator: "..", omittingEmptySubsequences: false).map(String.init)
        guard bounds.count == 2, pieces.count <= 2 else { throw .invalid(spec.name, "'\(text)' is not a..b, a..b:step or a..b:log") }
        switch spec.kind {
        case .int(let declared, _):
            guard let low = Int(bounds[0]), let high = Int(bounds[1]), low <= high else {
                throw .invalid(spec.name, "'\(text)' needs whole-number bounds, low ≤ high")
            }
            var step = 1
            if pieces.count == 2 {
                guard let value = Int(pieces[1]) else { throw .invalid(spec.name, "step '\(pieces[1])' is not a whole number") }
                step = value
            }
            guard step > 0 else { throw .invalid(spec.name, "the step must be above 0") }
            guard declared.contains(low), declared.contains(high) else {
                throw .invalid(spec.name, "\(low)..\(high) leaves the declared range \(spec.rangeText)")
            }
            guard !log || low > 0 else { throw .invalid(spec.name, "a log scale needs a positive lower bound") }
            return .int(low: low, high: high, step: step, log: log)
        case .double(let declared, _), .decimal(let declared, _):
            guard let low = Double(bounds[0]), let high = Double(bounds[1]), low <= high else {
                throw .invalid(spec.name, "'\(text)' needs numeric bounds, low ≤ high")
            }
            var step: Double?
            if pieces.count == 2 {
                guard let value = Double(pieces[1]), value > 0 else { throw .invalid(spec.name, "step '\(pieces[1])' must be a number above 0") }
                step = value
            }
            guard declared.contains(low), declared.contains(high) else {
                throw .invalid(spec.name, "\(bounds[0])..\(bounds[1]) leaves the declared range \(spec.rangeText)")
            }
            guard !log || low > 0 else { throw .invalid(spec.name, "a log scale needs a positive lower bound") }
            if case .decimal = spec.kind, step == nil { throw .invalid(spec.name, "an exact decimal range needs a step, e.g. \(bounds[0])..\(bounds[1]):1") }
            return .float(low: low, high: high, step: step, log: log)
        case .bool:
            throw .invalid(spec.name, "a true/false parameter takes a list: \(spec.name)=false,true")
        }
    }

    static func checked(_ text: String, _ spec: ParameterSpec) throws(SearchSpaceError) -> ParameterValue {
        do { return try ParameterValues.parse(text, as: spec) } catch { throw .invalid(spec.name, "\(error)") }
    }

    /// The parameters of a point as name=value text, fixed ones first, then the dimensions.
    public func parameters(_ point: [Double]) -> [(name: String, value: String)] {
        fixed + zip(dimensions, point).map { entry, x in (entry.name, Self.text(x, entry.dimension)) }
    }

    static func text(_ x: Double, _ dimension: Dimension) -> String {
        switch dimension {
        case .int: return String(Int(x))
        case .categorical(let values): return values[Int(x)]
        case .float(_, _, let step?, _):
            // As many decimals as the step has, so 0.1 steps print 0.3, not 0.30000000000000004.
            let stepText = "\(step)"
            let decimals = stepText.split(separator: ".").count == 2 && stepText.split(separator: ".")[1] != "0"
                ? stepText.split(separator: ".")[1].count : 0
            return Self.fixed(x, decimals)
        case .float: return "\(x)"
        }
    }

    static func fixed(_ x: Double, _ decimals: Int) -> String {
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let scaled = Int64((abs(x) * scale).rounded())
        let sign = x < 0 && scaled != 0 ? "-" : ""
        guard decimals > 0 else { return sign + String(scaled) }
        let whole = scaled / Int64(scale), fraction = String(scaled % Int64(scale))
        return sign + "\(whole)." + String(repeating: "0", count: decimals - fraction.count) + fraction
    }

    /// Whether a point satisfies the declared constraints.
    public func isFeasible(_ point: [Double]) -> Bool {
        guard !constraints.isEmpty else { return true }
        let values = parameters(point)
        return constraints.allSatisfy { constraint in
            constraint.isSatisfied { name in values.first { $0.name == name }.flatMap { Double($0.value) } }
        }
    }

    /// Number of points on the full grid (feasible or not); `nil` when a dimension is continuous.
    public var gridSize: Int? {
        var total = 1
        for (_, dimension) in dimensions {
            guard let count = dimension.count else { return nil }
            let (product, overflow) = total.multipliedReportingOverflow(by: count)
            if overflow { return .max }
            total = product
        }
        return total
    }

    /// The `index`-th point of the grid, the last dimension varying fastest.
    public func gridPoint(_ index: Int) -> [Double] {
        var rest = index
        var point = [Double](repeating: 0, count: dimensions.count)
        for position in dimensions.indices.reversed() {
            let count = dimensions[position].dimension.count!
            point[position] = dimensions[position].dimension.value(at: rest % count)
            rest /= count
        }
        return point
    }
}

public enum SearchSpaceError: Error, Equatable, CustomStringConvertible {
    case invalid(String, String)

    public var description: String {
        switch self {
        case .invalid(let name, let reason): "--param \(name): \(reason)"
        }
    }
}
