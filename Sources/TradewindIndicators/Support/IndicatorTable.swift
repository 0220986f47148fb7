/// Several indicators computed together over a series, producing one row of outputs per bar.
///
/// Work is done in blocks: each indicator runs over a whole block of bars in its own
/// specialised loop (one dynamic call per indicator per block), writing straight into a
/// row-major output buffer. This is what makes the catalog path run at memory speed.
///
///     var table = try IndicatorTable(specs: [IndicatorSpec(parsing: "sma:20"), IndicatorSpec(parsing: "macd")])
///     let rows = try table.compute(bars)  // bars.count × table.width, NaN while warming up
public struct IndicatorTable {
    public let specs: [IndicatorSpec]
    /// Output column names in order.
    public let columnNames: [String]
    /// Outputs per row.
    public let width: Int
    var indicators: [any ColumnIndicator]
    let offsets: [Int]

    /// - Throws: ``IndicatorError/invalidParameter(indicator:reason:)`` for an invalid spec.
    public init(specs: [IndicatorSpec]) throws(IndicatorError) {
        self.specs = specs
        var indicators: [any ColumnIndicator] = []
        for spec in specs { indicators.append(try spec.make()) }
        self.indicators = indicators
        var offsets: [Int] = []
        var width = 0
        for indicator in indicators {
            offsets.append(width)
            width += indicator.width
        }
        self.offsets = offsets
        self.width = width
        self.columnNames = specs.flatMap(\.columnNames)
    }

    /// Feeds `bars` (continuing from earlier calls) and writes their rows to `output`,
    /// which must hold `bars.count × width` values.
    public mutating func compute(_ bars: UnsafeBufferPointer<BarSample>, into output: UnsafeMutableBufferPointer<Double>) throws(IndicatorError) {
        precondition(output.count >= bars.count * width, "output buffer too small")
        guard let base = output.baseAddress else { return }
        for index in indicators.indices {
            try indicators[index].compute(bars, into: base + offsets[index], stride: width)
        }
    }

    /// Convenience: all rows for `bars`, row-major.
    public mutating func compute(_ bars: [BarSample]) throws(IndicatorError) -> [Double] {
        var output = [Double](repeating: .nan, count: bars.count * width)
        var failure: IndicatorError?
        bars.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { out in
                do throws(IndicatorError) { try compute(input, into: out) } catch { failure = error }
            }
        }
        if let failure { throw failure }
        return output
    }
}
