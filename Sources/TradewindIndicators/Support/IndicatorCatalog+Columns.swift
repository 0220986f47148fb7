// Each indicator conforms to `ColumnIndicator` concretely (no generic adapter), so the
// catalog's dynamic calls land in specialised code.

extension SimpleMovingAverage: ColumnIndicator {
    public var width: Int { 1 }
    public var readsWholeBar: Bool { false }
    @inlinable public mutating func advance(finite bar: BarSample) { push(bar.close) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { row[0] = current ?? .nan }
}

extension ExponentialMovingAverage: ColumnIndicator {
    public var width: Int { 1 }
    public var readsWholeBar: Bool { false }
    @inlinable public mutating func advance(finite bar: BarSample) { push(bar.close) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { row[0] = current ?? .nan }
}

extension WeightedMovingAverage: ColumnIndicator {
    public var width: Int { 1 }
    public var readsWholeBar: Bool { false }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar.close) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { row[0] = current ?? .nan }
}

extension DoubleExponentialMovingAverage: ColumnIndicator {
    public var width: Int { 1 }
    public var readsWholeBar: Bool { false }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar.close) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { row[0] = value ?? .nan }
}

extension TripleExponentialMovingAverage: ColumnIndicator {
    public var width: Int { 1 }
    public var readsWholeBar: Bool { false }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar.close) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { row[0] = value ?? .nan }
}

extension KaufmanAdaptiveMovingAverage: ColumnIndicator {
    public var width: Int { 1 }
    public var readsWholeBar: Bool { false }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar.close) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { row[0] = current ?? .nan }
}

extension RelativeStrengthIndex: ColumnIndicator {
    public var width: Int { 1 }
    public var readsWholeBar: Bool { false }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar.close) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { row[0] = current ?? .nan }
}

extension RateOfChange: ColumnIndicator {
    public var width: Int { 1 }
    public var readsWholeBar: Bool { false }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar.close) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { row[0] = current ?? .nan }
}

extension Stochastic: ColumnIndicator {
    public var width: Int { 2 }
    public var readsWholeBar: Bool { true }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(high: bar.high, low: bar.low, close: bar.close) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) {
        let v = value
        row[0] = v?.k ?? .nan
        row[1] = v?.d ?? .nan
    }
}

extension FastStochastic: ColumnIndicator {
    public var width: Int { 2 }
    public var readsWholeBar: Bool { true }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(high: bar.high, low: bar.low, close: bar.close) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) {
        let v = value
        row[0] = v?.k ?? .nan
        row[1] = v?.d ?? .nan
    }
}

extension StochasticRSI: ColumnIndicator {
    public var width: Int { 2 }
    public var readsWholeBar: Bool { false }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar.close) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) {
        switch convention {
        case .taLib: fast.write(to: row)
        case .tradingView: slow.write(to: row)
        }
    }
}

extension MovingAverageConvergenceDivergence: ColumnIndicator {
    public var width: Int { 3 }
    public var readsWholeBar: Bool { false }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar.close) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) {
        let v = lines
        row[0] = v?.macd ?? .nan
        row[1] = v?.signal ?? .nan
        row[2] = v?.histogram ?? .nan
    }
}

extension BollingerBands: ColumnIndicator {
    public var width: Int { 3 }
    public var readsWholeBar: Bool { false }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar.close) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { Self.write(bands, to: row) }

    @inlinable
    static func write(_ v: Value?, to row: UnsafeMutablePointer<Double>) {
        row[0] = v?.upper ?? .nan
        row[1] = v?.middle ?? .nan
        row[2] = v?.lower ?? .nan
    }
}

extension KeltnerChannels: ColumnIndicator {
    public var width: Int { 3 }
    public var readsWholeBar: Bool { true }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { BollingerBands.write(value, to: row) }
}

extension DonchianChannels: ColumnIndicator {
    public var width: Int { 3 }
    public var readsWholeBar: Bool { true }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { BollingerBands.write(value, to: row) }
}

extension TrueRange: ColumnIndicator {
    public var width: Int { 1 }
    public var readsWholeBar: Bool { true }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { row[0] = current ?? .nan }
}

extension AverageTrueRange: ColumnIndicator {
    public var width: Int { 1 }
    public var readsWholeBar: Bool { true }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { row[0] = current ?? .nan }
}

extension DirectionalMovement: ColumnIndicator {
    public var width: Int { 3 }
    public var readsWholeBar: Bool { true }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) {
        row[0] = adx ?? .nan
        row[1] = indicators?.plus ?? .nan
        row[2] = indicators?.minus ?? .nan
    }
}

extension CommodityChannelIndex: ColumnIndicator {
    public var width: Int { 1 }
    public var readsWholeBar: Bool { true }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { row[0] = current ?? .nan }
}

extension MoneyFlowIndex: ColumnIndicator {
    public var width: Int { 1 }
    public var readsWholeBar: Bool { true }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { row[0] = current ?? .nan }
}

extension WilliamsR: ColumnIndicator {
    public var width: Int { 1 }
    public var readsWholeBar: Bool { true }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { row[0] = current ?? .nan }
}

extension OnBalanceVolume: ColumnIndicator {
    public var width: Int { 1 }
    public var readsWholeBar: Bool { true }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { row[0] = current ?? .nan }
}

extension ParabolicSAR: ColumnIndicator {
    public var width: Int { 1 }
    public var readsWholeBar: Bool { true }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { row[0] = current ?? .nan }
}

extension VolumeWeightedAveragePrice: ColumnIndicator {
    public var width: Int { 1 }
    public var readsWholeBar: Bool { true }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) { row[0] = value ?? .nan }
}

extension SuperTrend: ColumnIndicator {
    public var width: Int { 2 }
    public var readsWholeBar: Bool { true }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) {
        row[0] = current?.line ?? .nan
        row[1] = current.map { Double($0.direction) } ?? .nan
    }
}

extension Ichimoku: ColumnIndicator {
    public var width: Int { 5 }
    public var readsWholeBar: Bool { true }
    @inlinable public mutating func advance(finite bar: BarSample) { advance(bar) }
    @inlinable public func write(to row: UnsafeMutablePointer<Double>) {
        let v = value
        row[0] = v?.conversion ?? .nan
        row[1] = v?.base ?? .nan
        row[2] = v?.leadingA ?? .nan
        row[3] = v?.leadingB ?? .nan
        row[4] = v?.lagging ?? .nan
    }
}
