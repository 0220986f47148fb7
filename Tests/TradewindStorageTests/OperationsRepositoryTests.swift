import Testing
import TradewindCore
import TradewindStorage

@Suite("Accounts, configuration history and backtest jobs (SQLite and PostgreSQL)")
struct OperationsRepositoryTests {
    let now = Timestamp(secondsSinceEpoch: 1_780_000_000)

    @Test("users: unique names, only known roles; API keys found by prefix and revoked by their owner only", arguments: Backend.allCases)
    func accounts(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            let alice = try await store.createUser(name: "alice", passwordHash: "$2b$04$hash", role: "trader", now: now)
            let bob = try await store.createUser(name: "bob", passwordHash: "$2b$04$other", role: "viewer", now: now)
            #expect(try await store.user(named: "alice") == alice)
            #expect(try await store.user(id: bob.id)?.name == "bob")
            #expect(try await store.users().map(\.name) == ["alice", "bob"])
            await #expect(throws: StorageError.self) { _ = try await store.createUser(name: "alice", passwordHash: "x", role: "viewer", now: now) }
            await #expect(throws: StorageError.self) { _ = try await store.createUser(name: "carol", passwordHash: "x", role: "root", now: now) }

            let key = try await store.createAPIKey(user: alice.id, name: "ci", prefix: "tw_abcd1234", secretHash: "sha", now: now)
            #expect(try await store.apiKey(prefix: "tw_abcd1234") == key)
            #expect(try await store.apiKey(prefix: "tw_missing") == nil)
            await #expect(throws: StorageError.self) { try await store.revokeAPIKey(id: key.id, user: bob.id, now: now) }
            try await store.revokeAPIKey(id: key.id, user: alice.id, now: now)
            #expect(try await store.apiKey(prefix: "tw_abcd1234")?.revokedAt == now)
            #expect(try await store.apiKeys(user: alice.id).count == 1)
        }
    }

    @Test("configuration versions are numbered densely, newest first", arguments: Backend.allCases)
    func configHistory(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            #expect(try await store.recordConfigVersion(content: "a: 1", checksum: "c1", author: "start-up", now: now) == 1)
            #expect(try await store.recordConfigVersion(content: "a: 2", checksum: "c2", author: "admin", now: now) == 2)
            let versions = try await store.configVersions(limit: 10)
            #expect(versions.map(\.version) == [2, 1])
            #expect(versions.first?.author == "admin")
            #expect(versions.first?.content == "a: 2")
        }
    }

    @Test("a backtest job moves from queued to a final state with its run or error", arguments: Backend.allCases)
    func jobs(_ backend: Backend) async throws {
        try await withFreshStore(backend) { store, _ in
            let job = try await store.submitBacktestJob(request: "{}", by: "alice", now: now)
            #expect(job.status == "queued")
            try await store.updateBacktestJob(id: job.id, status: "running", runID: nil, error: nil, now: now)
            #expect(try await store.backtestJob(id: job.id)?.finishedAt == nil)
            try await store.updateBacktestJob(id: job.id, status: "failed", runID: nil, error: "no data", now: now)
            let done = try await store.backtestJob(id: job.id)
            #expect(done?.status == "failed")
            #expect(done?.error == "no data")
            #expect(done?.finishedAt == now)
            await #expect(throws: StorageError.self) { try await store.updateBacktestJob(id: job.id, status: "exploded", runID: nil, error: nil, now: now) }
            await #expect(throws: StorageError.self) { try await store.updateBacktestJob(id: 9_999, status: "failed", runID: nil, error: nil, now: now) }
            #expect(try await store.backtestJobs(limit: 5).map(\.id) == [job.id])
        }
    }
}
