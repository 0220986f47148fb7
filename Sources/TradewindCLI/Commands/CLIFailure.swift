import ArgumentParser
import Foundation
import TradewindResearch
import TradewindLive
import TradewindAnalytics
import TradewindConfiguration
import TradewindIndicators
import TradewindMarketData
import TradewindOptimization
import TradewindSimulation
import TradewindStrategy
import TradewindStorage

/// Maps every error to one line on stderr and a stable exit code, once, at the edge.
///
/// | code | meaning |
/// |------|---------|
/// | 1    | the run failed (engine or strategy error) |
/// | 64   | bad usage: unknown option, strategy or parameter |
/// | 65   | bad input data: the message names file, line and column |
/// | 74   | a file could not be read or written; the database could not be reached or written |
/// | 69   | a venue or service could not be reached |
/// | 78   | a configuration or bot file is invalid; the database schema does not match this binary |
enum CLIFailure {
    static func run<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw exit(for: error) }
    }

    static func run<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch { throw exit(for: error) }
    }

    /// Prints the error's one line (once) and gives the exit code to leave with.
    static func exit(for error: any Error) -> ExitCode {
        if let code = error as? ExitCode { return code }
        let (message, code) = describe(error)
        printError(message)
        return ExitCode(code)
    }

    static func describe(_ error: any Error) -> (String, Int32) {
        switch error {
        case let error as StorageError:
            switch error {
            case .invalidURL: return (error.description, 64)
            case .unavailable, .readOnly, .diskFull: return (error.description, 74)
            case .constraintViolation, .invalidInput, .notFound: return (error.description, 65)
            case .schemaTooNew, .schemaOutdated, .migrationMismatch, .migrationFailed: return (error.description, 78)
            case .backend: return (error.description, 1)
            }
        case let error as ValidationError: return (error.message, 64)
        case let error as StressScenarioError: return (error.description, 64)
        case let error as ObjectiveError: return (error.description, 64)
        case let error as SearchSpaceError: return (error.description, 64)
        case let error as DataGateError: return (error.description, 65)
        case let error as ReturnSeriesError: return (error.description, 65)
        case let error as MarketDataError:
            if case .unreadable = error { return (error.description, 74) }
            return (error.description, 65)
        case let error as StrategyError:
            if case .callbackFailed = error { return (error.description, 1) }
            return (error.description, 64)
        case let error as BacktestError: return (error.description, 1)
        case let error as FileWriteError: return (error.description, 74)
        case let error as IndicatorError: return (error.description, 65)
        case let error as AggregationError: return (error.description, 65)
        case let error as BotFileError: return (error.description, 78)
        case let error as ConfigurationError: return (error.description, 78)
        case let error as VenueError: return (error.description, 69)
        default: return ("\(error)", 1)
        }
    }

    static func printError(_ message: String, prefix: String = "error") {
        FileHandle.standardError.write(Data("\(prefix): \(message)\n".utf8))
    }
}

struct FileWriteError: Error, CustomStringConvertible {
    var path: String
    var reason: String
    var description: String { "cannot write \(path): \(reason)" }
}

/// Writes `text` to `path`, creating parent directories.
func writeFile(_ text: String, to path: String) throws {
    try writeFile(Array(text.utf8), to: path)
}

func writeFile(_ bytes: [UInt8], to path: String) throws {
    let url = URL(fileURLWithPath: path)
    do {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    } catch {
        throw FileWriteError(path: path, reason: error.localizedDescription)
    }
}

/// Writes bytes to standard output as they are (a large JSON document need not become a String).
func writeToStandardOutput(_ bytes: [UInt8]) {
    // Straight from the array: `Data(bytes)` would copy a report of tens of megabytes first.
    bytes.withUnsafeBytes { buffer in
        var offset = 0
        while offset < buffer.count {
            let written = write(STDOUT_FILENO, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return  // a closed pipe: nothing more can be said there
            }
            offset += written
        }
    }
}
