import Dispatch

extension Array where Element: Sendable {
    /// `map` spread over the cores, results in input order. Each element's error is kept and
    /// the first one in input order is rethrown, so a failure is reported the same way on any
    /// number of cores.
    func parallelMap<Output>(_ transform: @Sendable (Element) throws -> Output) throws -> [Output] {
        nonisolated(unsafe) var outcomes = [Result<Output, any Error>?](repeating: nil, count: count)
        outcomes.withUnsafeMutableBufferPointer { slots in
            nonisolated(unsafe) let slots = slots
            DispatchQueue.concurrentPerform(iterations: count) { index in
                slots[index] = Result { try transform(self[index]) }
            }
        }
        return try outcomes.map { try $0!.get() }
    }
}
