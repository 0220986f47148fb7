import Foundation
import Testing
import TradewindCore
@testable import TradewindStorage

@Suite("Study repository (SQLite and PostgreSQL)")
struct StudyRepositoryTests {
    static let t0 = Timestamp(secondsSinceEpoch: 1_800_000_000)

    @Test("studies are unique by name; trials are numbered, leased, finished once and cached", arguments: Backend.allCases)
    func lifecycle(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            let study = try await store.createStudy(name: "s1", definition: "{}", now: Self.t0)
            await #expect(throws: StorageError.self) { _ = try await store.createStudy(name: "s1", definition: "{}", now: Self.t0) }
            #expect(try await store.study(named: "s1")?.id == study.id)
            #expect(try await store.study(named: "nope") == nil)

            let lease = Self.t0 + .seconds(30)
            let first = try #require(try await store.claimTrial(study: study.id, worker: "a", now: Self.t0, leaseUntil: lease, budget: 2,
                                                                isGone: { _ in false }, sample: { history, number in "x=\(history.count)-\(number)" }))
            #expect(first.number == 0 && first.parameters == "x=0-0" && first.attempts == 1 && first.status == .running)
            let second = try #require(try await store.claimTrial(study: study.id, worker: "b", now: Self.t0, leaseUntil: lease, budget: 2,
                                                                 isGone: { _ in false }, sample: { history, number in "x=\(history.count)-\(number)" }))
            #expect(second.number == 1 && second.parameters == "x=1-1")
            // The budget is spent and both leases are live: nothing to do.
            #expect(try await store.claimTrial(study: study.id, worker: "c", now: Self.t0, leaseUntil: lease, budget: 2,
                                               isGone: { _ in false }, sample: { _, _ in "x" }) == nil)
            #expect(try await store.renewLease(study: study.id, number: 0, worker: "a", until: lease + .seconds(30)))
            #expect(!(try await store.renewLease(study: study.id, number: 0, worker: "b", until: lease)))

            // b's lease runs out: c takes trial 1 over with the same parameters; b can no longer finish it.
            let later = lease + .seconds(1)
            let takeover = try #require(try await store.claimTrial(study: study.id, worker: "c", now: later, leaseUntil: later + .seconds(30),
                                                                   budget: 2, isGone: { _ in false }, sample: { _, _ in "never" }))
            #expect(takeover.number == 1 && takeover.parameters == "x=1-1" && takeover.attempts == 2 && takeover.worker == "c")
            #expect(!(try await store.finishTrial(study: study.id, number: 1, worker: "b", status: .complete, objective: 1, result: "{}",
                                                  cacheKey: nil, now: later)))
            #expect(try await store.finishTrial(study: study.id, number: 1, worker: "c", status: .complete, objective: 0.5,
                                                result: "{\"v\":1}", cacheKey: "k1", now: later))
            #expect(!(try await store.finishTrial(study: study.id, number: 1, worker: "c", status: .complete, objective: 0.5,
                                                  result: "{}", cacheKey: "k1", now: later)))
            #expect(try await store.finishTrial(study: study.id, number: 0, worker: "a", status: .pruned, objective: nil,
                                                result: "{}", cacheKey: nil, now: later))
            #expect(try await store.cachedResult(cacheKey: "k1") == "{\"v\":1}")
            #expect(try await store.cachedResult(cacheKey: "k2") == nil)

            let trials = try await store.trials(study: study.id)
            #expect(trials.map(\.status) == [.pruned, .complete])
            #expect(trials[1].objective == 0.5 && trials[1].finishedAt == later && trials[1].leaseUntil == nil)
            // A worker reported gone loses its live lease at once (local resume after a crash).
            let study2 = try await store.createStudy(name: "s2", definition: "{}", now: Self.t0)
            _ = try await store.claimTrial(study: study2.id, worker: "host:1", now: Self.t0, leaseUntil: lease, budget: 5,
                                           isGone: { _ in false }, sample: { _, _ in "y=1" })
            let resumed = try await store.claimTrial(study: study2.id, worker: "host:2", now: Self.t0, leaseUntil: lease, budget: 5,
                                                     isGone: { $0 == "host:1" }, sample: { _, _ in "y=2" })
            #expect(resumed?.number == 0 && resumed?.parameters == "y=1")
            try await store.setStudyStatus(study.id, status: "finished", now: later)
            #expect(try await store.studies().map(\.name) == ["s2", "s1"])
            #expect(try await store.study(named: "s1")?.status == "finished")
        }
    }

    @Test("workers racing for trials never get the same number twice", arguments: Backend.allCases)
    func concurrentClaims(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            let study = try await store.createStudy(name: "race", definition: "{}", now: Self.t0)
            let claimed = try await withThrowingTaskGroup(of: [Int].self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        var mine: [Int] = []
                        while let trial = try await store.claimTrial(study: study.id, worker: "w\(worker)", now: Self.t0,
                                                                     leaseUntil: Self.t0 + .seconds(60), budget: 40,
                                                                     isGone: { _ in false }, sample: { _, n in "n=\(n)" }) {
                            mine.append(trial.number)
                            _ = try await store.finishTrial(study: study.id, number: trial.number, worker: "w\(worker)", status: .complete,
                                                            objective: Double(trial.number), result: "{}", cacheKey: nil, now: Self.t0)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.sorted() == Array(0..<40))
        }
    }
}
