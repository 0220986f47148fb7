/// Why an indicator refused an input or a configuration.
public enum IndicatorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// NaN or infinite input; propagating it would poison every later value.
    case nonFiniteInput(indicator: String, value: Double)
    case invalidParameter(indicator: String, reason: String)

    public var description: String {
        switch self {
        case .nonFiniteInput(let name, let value): "\(name): refused non-finite input \(value)"
        case .invalidParameter(let name, let reason): "\(name): \(reason)"
        }
    }
}

/// A streaming indicator over one number per update (usually a close).
///
/// Updates are O(1) in time and memory. Before its warm-up completes an indicator
/// has no value (`nil`), never a made-up number.
public protocol ScalarIndicator {
    /// The indicator's current value, or `nil` while warming up.
    var value: Double? { get }
    /// Feeds one input.
    /// - Throws: ``IndicatorError/nonFiniteInput(indicator:value:)`` for NaN or ±∞;
    ///   the indicator's state is unchanged.
    mutating func update(_ input: Double) throws(IndicatorError)
}

extension ScalarIndicator {
    public var isReady: Bool { value != nil }

    /// Runs a fresh copy of this indicator over `inputs` and returns the value after each.
    ///
    ///     let sma = try SimpleMovingAverage(period: 3).batch([1, 2, 3, 4])  // [nil, nil, 2, 3]
    public func batch(_ inputs: [Double]) throws(IndicatorError) -> [Double?] {
        var copy = self
        var output: [Double?] = []
        output.reserveCapacity(inputs.count)
        for input in inputs {
            try copy.update(input)
            output.append(copy.value)
        }
        return output
    }
}

@inlinable
func checkFinite(_ input: Double, _ name: String) throws(IndicatorError) {
    guard input.isFinite else { throw .nonFiniteInput(indicator: name, value: input) }
}
