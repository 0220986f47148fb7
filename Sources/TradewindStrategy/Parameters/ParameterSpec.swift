public import TradewindCore

/// The type, range and default of one strategy parameter. The CLI, the optimizer
/// and the API read these; strategies never parse strings themselves.
public enum ParameterKind: Hashable, Sendable {
    case int(ClosedRange<Int>, default: Int)
    /// An exact decimal such as an order size; `range` bounds are inclusive.
    case decimal(ClosedRange<Double>, default: String)
    case double(ClosedRange<Double>, default: Double)
    case bool(default: Bool)
}

/// One declared parameter.
public struct ParameterSpec: Hashable, Sendable {
    public var name: String
    public var kind: ParameterKind
    public var help: String

    public init(_ name: String, _ kind: ParameterKind, help: String) {
        self.name = name
        self.kind = kind
        self.help = help
    }

    /// The default as text, for help output.
    public var defaultText: String {
        switch kind {
        case .int(_, let value): String(value)
        case .decimal(_, let value): value
        case .double(_, let value): String(value)
        case .bool(let value): String(value)
        }
    }

    /// The accepted range as text, for help output.
    public var rangeText: String {
        switch kind {
        case .int(let range, _): "\(range.lowerBound)...\(range.upperBound)"
        case .decimal(let range, _), .double(let range, _): "\(range.lowerBound)...\(range.upperBound)"
        case .bool: "true|false"
        }
    }
}

/// A parameter's value after validation.
public enum ParameterValue: Hashable, Sendable, CustomStringConvertible {
    case int(Int)
    case decimal(ParsedDecimal)
    case double(Double)
    case bool(Bool)

    public var description: String {
        switch self {
        case .int(let v): String(v)
        case .decimal(let d): FixedPoint.format(d.mantissa, precision: Int(d.scale))
        case .double(let v): String(v)
        case .bool(let v): String(v)
        }
    }
}

/// Validated values for every declared parameter, in declaration order.
public struct ParameterValues: Hashable, Sendable {
    public private(set) var entries: [(name: String, value: ParameterValue)] = []

    public static func == (lhs: ParameterValues, rhs: ParameterValues) -> Bool {
        lhs.entries.map(\.name) == rhs.entries.map(\.name) && lhs.entries.map(\.value) == rhs.entries.map(\.value)
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries {
            hasher.combine(entry.name)
            hasher.combine(entry.value)
        }
    }

    /// Checks `given` (name → text) against `specs`, filling defaults.
    /// - Throws: ``StrategyError/invalidParameter(name:reason:)`` for an unknown
    ///   name, a value of the wrong type or one outside its range.
    public static func resolve(_ given: [(name: String, value: String)], against specs: [ParameterSpec]) throws(StrategyError) -> ParameterValues {
        var byName: [String: String] = [:]
        for (name, value) in given {
            guard specs.contains(where: { $0.name == name }) else {
                let known = specs.map(\.name).joined(separator: ", ")
                throw .invalidParameter(name: name, reason: "unknown parameter; this strategy takes: \(known)")
            }
            guard byName[name] == nil else { throw .invalidParameter(name: name, reason: "given more than once") }
            byName[name] = value
        }
        var result = ParameterValues()
        for spec in specs {
            let text = byName[spec.name] ?? spec.defaultText
            result.entries.append((spec.name, try parse(text, as: spec)))
        }
        return result
    }

    public static func parse(_ text: String, as spec: ParameterSpec) throws(StrategyError) -> ParameterValue {
        func outOfRange() -> StrategyError {
            .invalidParameter(name: spec.name, reason: "\(text) is outside \(spec.rangeText)")
        }
        switch spec.kind {
        case .int(let range, _):
            guard let value = Int(text) else { throw .invalidParameter(name: spec.name, reason: "'\(text)' is not an integer") }
            guard range.contains(value) else { throw outOfRange() }
            return .int(value)
        case .decimal(let range, _):
            guard let value = ParsedDecimal.parse(text) else {
                throw .invalidParameter(name: spec.name, reason: "'\(text)' is not a decimal number")
            }
            let approx = Double(value.mantissa) / Double(FixedPoint.pow10(value.scale))
            guard range.contains(approx) else { throw outOfRange() }
            return .decimal(value)
        case .double(let range, _):
            guard let value = Double(text), value.isFinite else {
                throw .invalidParameter(name: spec.name, reason: "'\(text)' is not a number")
            }
            guard range.contains(value) else { throw outOfRange() }
            return .double(value)
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "1": return .bool(true)
            case "false", "no", "0": return .bool(false)
            default: throw .invalidParameter(name: spec.name, reason: "'\(text)' is not true or false")
            }
        }
    }

    public subscript(name: String) -> ParameterValue? { entries.first { $0.name == name }?.value }

    /// The integer parameter `name`; traps if it was not declared as an int (a programming error).
    public func int(_ name: String) -> Int {
        guard case .int(let value) = self[name] else { preconditionFailure("parameter \(name) is not a declared int") }
        return value
    }

    public func double(_ name: String) -> Double {
        guard case .double(let value) = self[name] else { preconditionFailure("parameter \(name) is not a declared double") }
        return value
    }

    public func bool(_ name: String) -> Bool {
        guard case .bool(let value) = self[name] else { preconditionFailure("parameter \(name) is not a declared bool") }
        return value
    }

    public func decimal(_ name: String) -> ParsedDecimal {
        guard case .decimal(let value) = self[name] else { preconditionFailure("parameter \(name) is not a declared decimal") }
        return value
    }

    /// Name=value pairs, for reports.
    public var description: String { entries.map { "\($0.name)=\($0.value)" }.joined(separator: " ") }
}

/// A strategy's typed parameters, built from validated values.
public protocol StrategyParameters: Sendable {
    /// Every parameter the strategy takes, with its range and default.
    static var specification: [ParameterSpec] { get }
    /// Relations between parameters that every valid set satisfies (`fast < slow`); the
    /// optimizer samples only sets that satisfy them. Defaults to none.
    static var constraints: [ParameterConstraint] { get }
    /// - Throws: ``StrategyError/invalidParameter(name:reason:)`` for combinations the ranges cannot express.
    init(values: ParameterValues) throws(StrategyError)
}

extension StrategyParameters {
    public static var constraints: [ParameterConstraint] { [] }
}

/// A declared relation between two numeric parameters.
public enum ParameterConstraint: Hashable, Sendable, CustomStringConvertible {
    /// The first parameter is strictly below the second.
    case less(String, String)
    /// The first parameter is at most the second.
    case lessOrEqual(String, String)

    public var names: [String] {
        switch self {
        case .less(let a, let b), .lessOrEqual(let a, let b): [a, b]
        }
    }

    /// Whether numeric values (looked up by name) satisfy it; a missing value satisfies it.
    public func isSatisfied(by value: (String) -> Double?) -> Bool {
        switch self {
        case .less(let a, let b):
            guard let x = value(a), let y = value(b) else { return true }
            return x < y
        case .lessOrEqual(let a, let b):
            guard let x = value(a), let y = value(b) else { return true }
            return x <= y
        }
    }

    public var description: String {
        switch self {
        case .less(let a, let b): "\(a) < \(b)"
        case .lessOrEqual(let a, let b): "\(a) ≤ \(b)"
        }
    }
}
