import TradewindCore

extension Array where Element: Sendable {
    /// `map` spread over the cores, results in input order. Each element's error is kept and
    /// the first one in input order is rethrown, so a failure is reported the same way on any
    /// number of cores.
    func parallelMap<Output>(_ transform: @Sendable (Element) throws -> Output) throws -> [Output] {
        try Parallel.map(count) { index in Result { try transform(self[index]) } }.map { try $0.get() }
    }
}
