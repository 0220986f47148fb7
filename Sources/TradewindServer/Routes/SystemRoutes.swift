import Foundation
import Hummingbird
import Prometheus
import TradewindLive
import TradewindStorage

/// `/health/live`, `/health/ready` and `/metrics`: for orchestrators and Prometheus, no login.
struct SystemRoutes {
    let store: any Store
    let tail: JournalTail
    let supervisor: BotSupervisor
    let registry: PrometheusCollectorRegistry

    struct Health: Encodable { var status: String; var checks: [Check] }
    struct Check: Encodable { var name: String; var ok: Bool; var detail: String }

    func add(to router: Router<ServerContext>) {
        router.get("health/live") { _, _ in try Wire.json(Health(status: "live", checks: [])) }
        router.get("health/ready") { _, _ in
            var checks: [Check] = []
            do {
                let status = try await store.schemaStatus()
                checks.append(Check(name: "database", ok: status.pending.isEmpty, detail: "schema v\(status.databaseVersion), \(status.engine)"))
            } catch {
                checks.append(Check(name: "database", ok: false, detail: "\(error)"))
            }
            checks.append(Check(name: "journal", ok: tail.hasCaughtUp, detail: tail.hasCaughtUp ? "caught up" : "catching up"))
            var failed: [String] = []
            for name in await supervisor.runningNames {
                if let status = await supervisor.status(name), status.phase == .failed { failed.append(name) }
            }
            checks.append(Check(name: "feeds", ok: failed.isEmpty, detail: failed.isEmpty ? "every running bot connected" : "failed: \(failed.joined(separator: ", "))"))
            let ready = checks.allSatisfy(\.ok)
            return try Wire.json(Health(status: ready ? "ready" : "not ready", checks: checks), status: ready ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { _, _ in
            Wire.text(registry.emitToString(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
    }
}
