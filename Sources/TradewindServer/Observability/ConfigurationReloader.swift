import Crypto
import Foundation
public import Logging
public import ServiceLifecycle
public import TradewindConfiguration
import TradewindCore
import TradewindLive
public import TradewindStorage

/// Applies configuration changes while running: from `POST /config/reload` and from a watch on
/// the file. Each applied version is recorded in `config_versions` (secrets redacted) and the
/// audit log; a refused change is logged and audited, and the running configuration stays.
public final class ConfigurationReloader: Service, Sendable {
    public let center: ConfigurationCenter
    let store: any Store
    let logger: Logger
    let audit: AuditRecorder

    public init(center: ConfigurationCenter, store: any Store, logger: Logger) {
        self.center = center
        self.store = store
        self.logger = logger
        audit = AuditRecorder(store: store, logger: logger)
    }

    /// Records the configuration the server starts with.
    public func recordInitial() async throws -> Int64 {
        let loaded = center.loaded
        return try await store.recordConfigVersion(content: loaded.rendered(), checksum: loaded.checksum, author: "start-up", now: WallClock.now())
    }

    public func reload(author: String) async throws -> (ConfigurationCenter.ReloadOutcome, Int64?) {
        let outcome = center.reload()
        switch outcome {
        case .unchanged:
            return (outcome, nil)
        case .applied(let changed, let restart):
            let loaded = center.loaded
            let version = try await store.recordConfigVersion(content: loaded.rendered(), checksum: loaded.checksum, author: author, now: WallClock.now())
            await audit.record(actor: author, action: "config.reload", target: "configuration v\(version)",
                               details: "changed: \(changed.map(\.rawValue).joined(separator: ", "))"
                                   + (restart.isEmpty ? "" : "; restart required for: \(restart.map(\.rawValue).joined(separator: ", "))"))
            logger.notice("configuration reloaded", metadata: ["config.version": .stringConvertible(version),
                                                               "config.changed": .string(changed.map(\.rawValue).joined(separator: ","))])
            if !restart.isEmpty {
                logger.warning("restart required for changed settings", metadata: ["config.restart": .string(restart.map(\.rawValue).joined(separator: ","))])
            }
            return (outcome, version)
        case .rejected(let error):
            await audit.record(actor: author, action: "config.reload.rejected", target: "configuration",
                               details: error.problems.map(\.description).joined(separator: "; "))
            logger.error("configuration change refused; the running configuration stays", metadata: ["error": .string(error.description)])
            return (outcome, nil)
        }
    }

    /// Watches the file (and its overlay) and reloads when their bytes change.
    public func run() async throws {
        let files = [center.loader.file, center.loader.overlayFile].compactMap { $0 }
        guard !files.isEmpty else { return await gracefulShutdownOrCancellation() }
        func fingerprint() -> String {
            let bytes = files.map { FileManager.default.contents(atPath: $0) ?? Data() }.reduce(Data(), +)
            return SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        }
        var seen = fingerprint()
        let interval = center.current.reloadPollInterval.nanoseconds
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .nanoseconds(interval))
            let now = fingerprint()
            guard now != seen else { continue }
            seen = now
            _ = try? await reload(author: "file watcher")
        }
    }

    private func gracefulShutdownOrCancellation() async {
        try? await gracefulShutdown()
    }
}
