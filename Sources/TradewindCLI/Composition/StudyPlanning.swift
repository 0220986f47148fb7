import ArgumentParser
import Foundation
import TradewindAnalytics
import TradewindCore
import TradewindOptimization
import TradewindStorage
import TradewindStrategy

/// Turns a stored study into something workers can run, identically in every process.
enum StudyPlanning {
    static func plan(_ record: StudyRecord) throws -> StudyPlan {
        let definition: StudyDefinition
        do { definition = try StudyDefinition(json: record.definition) } catch {
            throw ValidationError("study \(record.name): its stored definition cannot be read (\(error))")
        }
        return try plan(record, definition)
    }

    static func plan(_ record: StudyRecord, _ definition: StudyDefinition) throws -> StudyPlan {
        let type = try StrategyCatalog.strategy(named: definition.strategy)
        let space = try SearchSpace(specification: type.parameterSpecification, constraints: type.parameterConstraints,
                                    overrides: definition.parameters)
        let objective = try Objective(parsing: definition.objectives, filters: definition.filters)
        let sampler: any Sampler = switch definition.sampler {
        case "grid": try GridSampler(space: space)
        case "random": RandomSampler(seed: definition.seed)
        case "tpe": TPESampler(seed: definition.seed)
        default: throw ValidationError("--sampler must be grid, random or tpe, got '\(definition.sampler)'")
        }
        return StudyPlan(record: record, definition: definition, space: space, objective: objective, sampler: sampler,
                         pruner: definition.stages > 1 ? MedianPruner() : nil)
    }

    /// `host:pid:slot`, so a restarted process on the same host can tell its dead predecessors.
    static func workerName(slot: Int) -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid()):\(slot)"
    }

    /// A worker on this host whose process is gone (its trials can be taken over at once).
    static func isGone(_ worker: String) -> Bool {
        let parts = worker.split(separator: ":")
        guard parts.count == 3, String(parts[0]) == ProcessInfo.processInfo.hostName, let pid = Int32(parts[1]), pid != getpid() else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }

    static func now() -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: Int64((Date().timeIntervalSince1970 * 1e9).rounded()))
    }

    /// Parameter text as a JSON object, numbers as numbers.
    static func parametersJSON(_ text: String) -> JSONValue {
        .object(StudyPlan.pairs(text).map { name, value in
            (name, Double(value) != nil ? .number(value) : value == "true" || value == "false" ? .bool(value == "true") : .string(value))
        })
    }
}
