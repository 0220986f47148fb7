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
    /// The first spec that reads whole bars (else all read only the close): whose name a
    /// non-finite field is reported under.
    let wholeBarReader: IndicatorSpec?

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
        self.wholeBarReader = zip(specs, indicators).first { $0.1.readsWholeBar }?.0
        self.width = width
        self.columnNames = specs.flatMap(\.columnNames)
    }

    /// Feeds `bars` (continuing from earlier calls) and writes their rows to `output`,
    /// which must hold `bars.count × width` values.
    ///
    /// The block is validated first: a non-finite field that some indicator reads is
    /// refused before any indicator sees the block, so every indicator's state stays at
    /// the end of the previous block and the error names the bar.
    /// - Throws: ``IndicatorError/nonFiniteInput(indicator:value:)`` naming the spec that
    ///   reads the field and the bar's position in `bars` (1-based).
    public mutating func compute(_ bars: UnsafeBufferPointer<BarSample>, into output: UnsafeMutablePointer<Double>) throws(IndicatorError) {
        try validate(bars)
        for index in indicators.indices {
            indicators[index].compute(finite: bars, into: output + offsets[index], stride: width)
        }
    }

    /// Same, with a buffer whose size is checked.
    public mutating func compute(_ bars: UnsafeBufferPointer<BarSample>, into output: UnsafeMutableBufferPointer<Double>) throws(IndicatorError) {
        precondition(output.count >= bars.count * width, "output buffer too small")
        guard let base = output.baseAddress else { return }
        try compute(bars, into: base)
    }

    func validate(_ bars: UnsafeBufferPointer<BarSample>) throws(IndicatorError) {
        guard let first = specs.first else { return }
        // One branch-free pass: a NaN or ±∞ makes `x - x` NaN, which then poisons the
        // accumulator.
        var poison = SIMD4<Double>()
        var poisonVolume = SIMD2<Double>()
        if wholeBarReader != nil {
            for bar in bars {
                let prices = SIMD4(bar.open, bar.high, bar.low, bar.close)
                poison += prices - prices
                poisonVolume[0] += bar.volume - bar.volume
            }
        } else {
            for bar in bars { poisonVolume[1] += bar.close - bar.close }
        }
        let poisonSum = poison.sum() + poisonVolume.sum()
        guard poisonSum.isNaN else { return }
        for (position, bar) in bars.enumerated() {
            if !bar.close.isFinite {
                throw .nonFiniteInput(indicator: "\(first) (bar \(position + 1) of this call, close)", value: bar.close)
            }
            guard let reader = wholeBarReader else { continue }
            for (field, value) in [("open", bar.open), ("high", bar.high), ("low", bar.low), ("volume", bar.volume)] where !value.isFinite {
                throw .nonFiniteInput(indicator: "\(reader) (bar \(position + 1) of this call, \(field))", value: value)
            }
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
