public import TradewindCore

/// Parameters of ``SMACross``.
public struct SMACrossParameters: StrategyParameters, Hashable {
    /// Bars in the fast average.
    public var fast: Int
    /// Bars in the slow average; must exceed `fast`.
    public var slow: Int
    /// Quantity bought on each entry.
    public var size: Quantity

    public static let specification: [ParameterSpec] = [
        ParameterSpec("fast", .int(1...1_000, default: 10), help: "bars in the fast simple moving average"),
        ParameterSpec("slow", .int(2...5_000, default: 30), help: "bars in the slow simple moving average (> fast)"),
        ParameterSpec("size", .decimal(0.000_000_001...1e12, default: "1"), help: "quantity bought on each entry"),
    ]

    public static let constraints: [ParameterConstraint] = [.less("fast", "slow")]

    /// The longest slow window accepted (2²⁰ bars): it bounds the averages' integer sums, which
    /// is what lets ``SMACross`` update them without overflow checks.
    public static let maximumSlow = 1 << 20

    public init(fast: Int, slow: Int, size: Quantity) throws(StrategyError) {
        guard fast >= 1 else { throw .invalidParameter(name: "fast", reason: "must be at least 1, got \(fast)") }
        guard fast < slow else { throw .invalidParameter(name: "fast", reason: "fast (\(fast)) must be below slow (\(slow))") }
        guard slow <= Self.maximumSlow else {
            throw .invalidParameter(name: "slow", reason: "must be at most \(Self.maximumSlow), got \(slow)")
        }
        guard size.isPositive else { throw .invalidParameter(name: "size", reason: "must be positive") }
        self.fast = fast
        self.slow = slow
        self.size = size
    }

    public init(values: ParameterValues) throws(StrategyError) {
        let size = values.decimal("size")
        try self.init(fast: values.int("fast"), slow: values.int("slow"),
                      size: Quantity(uncheckedRaw: size.mantissa, precision: size.scale))
    }
}
