/// Paths to files in the repository, for tests that read shipped data.
public enum Fixtures {
    /// The repository root, found from this source file's location.
    public static var repositoryRoot: String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)  // Sources/TradewindTesting/Fixtures.swift
        return parts.joined(separator: "/")
    }

    /// `examples/data/<name>`.
    public static func exampleData(_ name: String) -> String { "\(repositoryRoot)/examples/data/\(name)" }
}
