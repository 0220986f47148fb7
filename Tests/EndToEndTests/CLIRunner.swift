import Foundation
import TradewindTesting

/// Runs the built `tradewind` binary the way a user does and captures its output.
struct CLIRunner {
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The `tradewind` executable next to the test bundle in the build directory.
    static var executable: URL {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        // On Linux the test binary is `<build>/TradewindPackageTests.xctest`; on macOS it sits inside a bundle.
        while !FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent("tradewind").path),
              directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("tradewind")
    }

    /// Runs `tradewind <arguments>` from the repository root.
    ///
    /// Waits without blocking a thread: Swift's cooperative pool has one thread per core, and
    /// tests that block them starve every asynchronous test running beside them.
    static func run(_ arguments: [String]) async throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: Fixtures.repositoryRoot)
        // Files, not pipes: a large JSON document would fill a pipe and block the child.
        let directory = try temporaryDirectory("e2e")
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("stdout")
        let err = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try await process.runToExit()
        return Output(status: process.terminationStatus,
                      stdout: try String(contentsOf: out, encoding: .utf8),
                      stderr: try String(contentsOf: err, encoding: .utf8))
    }

    /// A new, empty directory under the system's temporary one (`tradewind-LABEL-UUID`), removed
    /// by the caller.
    static func temporaryDirectory(_ label: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tradewind-\(label)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A temporary file with `contents`, removed by the caller.
    static func temporaryFile(named name: String, _ contents: String) throws -> URL {
        let directory = try temporaryDirectory("e2e")
        let url = directory.appendingPathComponent(name)
        try Data(contents.utf8).write(to: url)
        return url
    }
}
