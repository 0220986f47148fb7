public import Foundation

extension Process {
    /// Starts the process and returns once it has exited, without blocking a thread.
    ///
    /// Swift's cooperative pool has one thread per core; a test that blocks one in
    /// `waitUntilExit()` starves every asynchronous test running beside it, and on a two-core
    /// machine that turns timing margins of seconds into failures.
    public func runToExit() async throws {
        let exited = AsyncStream<Void>.makeStream()
        terminationHandler = { _ in exited.continuation.finish() }
        try run()
        for await _ in exited.stream {}
    }
}
