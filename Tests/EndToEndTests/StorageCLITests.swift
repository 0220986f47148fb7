import Foundation
import Testing
import TradewindCore
@testable import TradewindStorage

/// The database commands through the real binary, on SQLite and on the test PostgreSQL.
@Suite("tradewind data / db, end to end")
struct StorageCLITests {
    static func urls() -> [String] {
        var urls = ["sqlite:" + NSTemporaryDirectory() + "tradewind-cli-\(UUID().uuidString).db"]
        if let base = ProcessInfo.processInfo.environment["TRADEWIND_TEST_POSTGRES_URL"] {
            urls.append(base + "?schema=cli\(UUID().uuidString.prefix(8).lowercased())")
        }
        return urls
    }

    @Test("import twice adds nothing; list, check and a backtest from the database match the file")
    func importAndBacktest() async throws {
        for db in Self.urls() {
            let file = "examples/data/GOOG-1d.csv"
            let first = try await CLIRunner.run(["data", "import", file, "--symbol", "GOOG", "--timeframe", "1d", "--calendar", "XNYS", "--db", db])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("2148 bars read, 2148 new, 0 already stored"))
            let second = try await CLIRunner.run(["data", "import", file, "--symbol", "GOOG", "--timeframe", "1d", "--db", db])
            #expect(second.stdout.contains("2148 bars read, 0 new, 2148 already stored"), "\(second.stdout)\(second.stderr)")
            let list = try await CLIRunner.run(["data", "list", "--db", db])
            #expect(list.stdout.contains("GOOG.CSV  1d  2004-08-19T00:00:00Z → 2013-03-01T00:00:00Z  2148 rows  no gaps"), "\(list.stdout)")
            let check = try await CLIRunner.run(["data", "check", "--symbol", "GOOG", "--timeframe", "1d", "--db", db])
            #expect(check.status == 0, "\(check.stdout)")
            #expect(check.stdout.contains("Gaps                none") || check.stdout.contains("Gaps        none"))
            let fromDatabase = try await CLIRunner.run(["backtest", "--symbol", "GOOG", "--timeframe", "1d", "--param", "fast=10", "--param", "slow=30",
                                                  "--size", "10", "--commission", "0.001", "--db", db])
            #expect(fromDatabase.status == 0, "\(fromDatabase.stderr)")
            #expect(fromDatabase.stdout.contains("Final equity   107,430.08"))
            #expect(fromDatabase.stdout.contains("Trades         32 closed"))
            let status = try await CLIRunner.run(["db", "status", "--db", db])
            #expect(status.stdout.contains("Schema     version \(Schema.latestVersion) (this tradewind: \(Schema.latestVersion))"), "\(status.stdout)")
            let backupPath = NSTemporaryDirectory() + "tradewind-backup-\(UUID().uuidString).db"
            let backup = try await CLIRunner.run(["db", "backup", backupPath, "--db", db])
            #expect(backup.status == 0, "\(backup.stderr)")
            if db.hasPrefix("sqlite:") {
                let restored = try await CLIRunner.run(["data", "list", "--db", "sqlite:" + backupPath])
                #expect(restored.stdout.contains("GOOG.CSV  1d  2004-08-19T00:00:00Z → 2013-03-01T00:00:00Z  2148 rows"), "\(restored.stdout)")
            } else {
                #expect(backup.stdout.contains("pg_dump --format=custom"))
            }
        }
    }

    @Test("db replay-logs copies a log a crashed bot process left into the database once; a second run finds nothing")
    func replayLogs() async throws {
        for db in Self.urls() {
            let store = try await openStore(db)
            let bot = try await store.createBot(name: "crashed", definition: "{}", owner: "ops", now: .epoch)
            await store.close()
            // The log as `kill -9` leaves it: two appends written, none copied.
            let directory = NSTemporaryDirectory() + "tradewind-cli-logs-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: directory) }
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let id = UUID()
            var encoder = LogRecordEncoder()
            encoder.append(BotEventBatch(bot: bot.id, events: [("order.intent", "{\"id\":\"crashed-1-1\"}"), ("order.terms", "{}")],
                                         time: .epoch), firstPosition: 1)
            encoder.append(BotEventBatch(bot: bot.id, events: [("order.fill", "{\"id\":\"crashed-1-1\"}")], time: .epoch), firstPosition: 3)
            #expect(FileManager.default.createFile(atPath: directory + "/\(id.uuidString.lowercased()).log", contents: Data(WriteAheadJournal.header(id) + encoder.bytes)))

            let first = try await CLIRunner.run(["db", "replay-logs", "--dir", directory, "--db", db])
            #expect(first.status == 0, "\(first.stderr)")
            #expect(first.stdout.contains("1 log(s) replayed, 3 journal entries copied"), "\(first.stdout)")
            let second = try await CLIRunner.run(["db", "replay-logs", "--dir", directory, "--db", db])
            #expect(second.stdout.contains("0 log(s) replayed, 0 journal entries copied"), "\(second.stdout)")
            let reopened = try await openStore(db)
            #expect(try await reopened.events(bot: bot.id, after: nil).map(\.kind) == ["order.intent", "order.terms", "order.fill"])
            await reopened.close()
            let missing = try await CLIRunner.run(["db", "replay-logs", "--dir", directory + "-none", "--db", db])
            #expect(missing.status == 0 && missing.stdout.contains("does not exist"), "\(missing.stdout)")
        }
    }

    @Test("a series with gaps is refused unless --allow-gaps, which reports the missing bars")
    func gapGate() async throws {
        let rows = (0..<30).filter { $0 != 10 && $0 != 11 }.map { i in
            String(format: "2024-01-01T%02d:%02d:00Z,100,101,99,100.5,10", i / 60, i % 60)
        }
        let csv = try CLIRunner.temporaryFile(named: "X-1m.csv", "timestamp,open,high,low,close,volume\n" + rows.joined(separator: "\n") + "\n")
        defer { try? FileManager.default.removeItem(at: csv.deletingLastPathComponent()) }
        let db = Self.urls()[0]
        #expect(try await CLIRunner.run(["data", "import", csv.path, "--symbol", "X", "--timeframe", "1m", "--db", db]).status == 0)
        let refused = try await CLIRunner.run(["backtest", "--symbol", "X", "--timeframe", "1m", "--param", "fast=2", "--param", "slow=5", "--db", db])
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("has 2 bars missing in 1 gaps"), "\(refused.stderr)")
        let allowed = try await CLIRunner.run(["backtest", "--symbol", "X", "--timeframe", "1m", "--param", "fast=2", "--param", "slow=5", "--allow-gaps", "--db", db])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stderr.contains("note: running over gaps: 2 bars missing in 1 gaps"))
        let check = try await CLIRunner.run(["data", "check", "--symbol", "X", "--timeframe", "1m", "--db", db])
        #expect(check.status == 65)
    }

    @Test("a malformed URL and an unreachable server each get one clear message")
    func badDatabase() async throws {
        let malformed = try await CLIRunner.run(["data", "list", "--db", "mysql://x"])
        #expect(malformed.status == 64)
        #expect(malformed.stderr.contains("invalid database URL mysql://x"))
        let missing = try await CLIRunner.run(["data", "list", "--db", "sqlite:/nonexistent-dir/x.db"])
        #expect(missing.status == 74)
        #expect(missing.stderr.contains("directory /nonexistent-dir does not exist"))
    }
}
