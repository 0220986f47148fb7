import Logging
import TradewindCore
import TradewindLive
import TradewindStorage

/// Appends to the audit log; a failing write is logged loudly, never silently dropped.
struct AuditRecorder: Sendable {
    let store: any Store
    let logger: Logger

    func record(actor: String, action: String, target: String, details: String) async {
        do {
            try await store.appendAudit(AuditEntry(time: WallClock.now(), actor: actor, action: action, target: target, details: details))
        } catch {
            logger.error("audit entry could not be written", metadata: ["actor": .string(actor), "action": .string(action), "error": .string("\(error)")])
        }
    }
}
