import Foundation
import Logging
import PostgresNIO
public import TradewindCore

/// PostgreSQL through postgres-nio's pooled `PostgresClient`.
///
/// Many processes may share one database: migrations take an advisory lock, so workers that
/// start together upgrade the schema once. When the TimescaleDB extension is installed in the
/// database, `candles` becomes a hypertable; without it, a plain table with the same key.
/// Bulk inserts send whole columns as arrays (`unnest`), a few thousand rows per statement,
/// all inside one transaction.
public final class PostgresStore: Store {
    public let location: StoreLocation
    let settings: StoreLocation.PostgresLocation
    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger: Logger
    let usage: PoolUsage
    /// Key of the advisory lock held while migrating.
    static let migrationLock: Int64 = 0x7472_6164_6577_696e  // "tradewin"

    /// Connects (the pool opens connections on demand) and checks that the server answers.
    public init(_ settings: StoreLocation.PostgresLocation) async throws(StorageError) {
        self.settings = settings
        self.location = .postgres(settings)
        var logger = Logger(label: "tradewind.storage.postgres")
        logger.logLevel = .error
        self.logger = logger
        var configuration = PostgresClient.Configuration(host: settings.host, port: settings.port, username: settings.user,
                                                         password: settings.password, database: settings.database, tls: .disable)
        configuration.options.maximumConnections = settings.poolSize
        usage = PoolUsage(engine: "postgres", size: settings.poolSize)
        configuration.options.connectTimeout = .seconds(settings.connectTimeout)
        if let schema = settings.schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        self.runner = Task { await client.run() }
        let quiet = logger
        do {
            // One direct connection first: the pool retries failed connections until its timeout,
            // while a direct one reports a refused port or a wrong password at once.
            _ = try await withDeadline(seconds: settings.connectTimeout) {
                var direct = PostgresConnection.Configuration(host: settings.host, port: settings.port, username: settings.user,
                                                              password: settings.password, database: settings.database, tls: .disable)
                direct.options.connectTimeout = .seconds(Int64(settings.connectTimeout))
                let connection = try await PostgresConnection.connect(configuration: direct, id: 0, logger: quiet)
                do {
                    if let schema = settings.schema {
                        try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"), logger: quiet)
                    }
                    try await connection.close()
                } catch {
                    try? await connection.close()
                    throw error
                }
            }
        } catch {
            runner.cancel()
            throw Self.map(error, location: location, opening: true)
        }
    }

    public func close() async {
        runner.cancel()
        _ = await runner.value
    }

    // MARK: - Schema

    public func migrate() async throws(StorageError) -> [Int] {
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)
                    """, logger: logger)
                let current = try Schema.checkedVersion(of: try await Self.appliedMigrations(connection, logger), dialect: .postgres)
                // DDL is transactional in PostgreSQL: each migration commits whole or not at all
                // (a savepoint per migration keeps earlier ones if a later one fails).
                var done: [Int] = []
                for migration in Schema.migrations where migration.version > current {
                    try await connection.query("SAVEPOINT migration", logger: logger)
                    do {
                        for statement in migration.statements(for: .postgres) {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        if migration.dataStep == .candlesIntoBlocks { try await Self.moveCandlesIntoBlocks(connection, logger) }
                        for statement in migration.finally {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.query("""
                            INSERT INTO schema_migrations (version, name, checksum, applied_at)
                            VALUES (\(migration.version), \(migration.name), \(migration.checksum(for: .postgres)), \(StoredValues.now().nanosecondsSinceEpoch))
                            """, logger: logger)
                        try await connection.query("RELEASE SAVEPOINT migration", logger: logger)
                    } catch {
                        throw StorageError.migrationFailed(version: migration.version, name: migration.name,
                                                           reason: Self.map(error, location: location, opening: false).description)
                    }
                    done.append(migration.version)
                }
                if try await Self.timescaleVersion(connection, logger) != nil {
                    try await connection.query("""
                        SELECT create_hypertable('candle_blocks', 'block_start', chunk_time_interval => 2592000000000000::bigint,
                                                 if_not_exists => TRUE, migrate_data => TRUE)
                        """, logger: logger)
                }
                return done
            }
        } catch {
            throw Self.map(error, location: location, opening: false)
        }
    }

    public func schemaStatus() async throws(StorageError) -> SchemaStatus {
        do {
            return try await client.withConnection { connection in
                let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
                    .collect().first?.decode(Bool.self) ?? false
                let applied = exists ? try await Self.appliedMigrations(connection, logger) : []
                let server = try await connection.query("SHOW server_version", logger: logger).collect().first?.decode(String.self) ?? "?"
                var engine = "PostgreSQL \(server)"
                if let timescale = try await Self.timescaleVersion(connection, logger) {
                    engine += ", TimescaleDB \(timescale) (candle_blocks is a hypertable)"
                } else {
                    engine += ", no TimescaleDB (candle_blocks is a plain table)"
                }
                return SchemaStatus(applied: applied, engine: engine)
            }
        } catch {
            throw Self.map(error, location: location, opening: false)
        }
    }

    static func appliedMigrations(_ connection: PostgresConnection, _ logger: Logger) async throws -> [AppliedMigrationRow] {
        var rows: [AppliedMigrationRow] = []
        for try await (version, name, checksum, appliedAt) in try await connection.query(
            "SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version", logger: logger
        ).decode((Int32, String, String, Int64).self) {
            rows.append(AppliedMigrationRow(version: Int(version), name: name, checksum: checksum, appliedAt: appliedAt))
        }
        return rows
    }

    static func timescaleVersion(_ connection: PostgresConnection, _ logger: Logger) async throws -> String? {
        try await connection.query("SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'", logger: logger)
            .collect().first?.decode(String.self)
    }

    func requireCurrentSchema(_ connection: PostgresConnection) async throws {
        let version = try await connection.query("SELECT coalesce(max(version), 0) FROM schema_migrations", logger: logger)
            .collect().first?.decode(Int32.self) ?? 0
        try Schema.requireCurrent(Int(version))
    }

    // MARK: - Instruments and candles

    public func register(_ instrument: Instrument, calendar: String?) async throws(StorageError) -> StoredInstrument {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            let id = instrument.id
            try await connection.query("""
                INSERT INTO instruments (symbol, venue, price_precision, size_precision, tick_size, lot_size, calendar, created_at)
                VALUES (\(id.symbol), \(id.venue), \(Int16(instrument.pricePrecision)), \(Int16(instrument.sizePrecision)),
                        \(instrument.tickSize.description), \(instrument.lotSize.description), \(calendar), \(StoredValues.now().nanosecondsSinceEpoch))
                ON CONFLICT (symbol, venue) DO NOTHING
                """, logger: self.logger)
            guard var stored = try await self.fetchInstrument(connection, id) else { throw StorageError.notFound("instrument \(id)") }
            guard stored.instrument == instrument else {
                throw StoredValues.conflict(stored: stored.instrument, given: instrument)
            }
            if let calendar, calendar != stored.calendar {
                try await connection.query("UPDATE instruments SET calendar = \(calendar) WHERE id = \(stored.key)", logger: self.logger)
                stored.calendar = calendar
            }
            return stored
        }
    }

    public func instruments() async throws(StorageError) -> [StoredInstrument] {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            var result: [StoredInstrument] = []
            for try await row in try await connection.query("""
                SELECT id, symbol, venue, price_precision, size_precision, tick_size, lot_size, calendar FROM instruments ORDER BY symbol, venue
                """, logger: self.logger).decode((Int64, String, String, Int16, Int16, String, String, String?).self) {
                result.append(try Self.instrument(row))
            }
            return result
        }
    }

    public func instrument(_ id: InstrumentID) async throws(StorageError) -> StoredInstrument? {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            return try await self.fetchInstrument(connection, id)
        }
    }

    func fetchInstrument(_ connection: PostgresConnection, _ id: InstrumentID) async throws -> StoredInstrument? {
        for try await row in try await connection.query("""
            SELECT id, symbol, venue, price_precision, size_precision, tick_size, lot_size, calendar
            FROM instruments WHERE symbol = \(id.symbol) AND venue = \(id.venue)
            """, logger: logger).decode((Int64, String, String, Int16, Int16, String, String, String?).self) {
            return try Self.instrument(row)
        }
        return nil
    }

    static func instrument(_ row: (Int64, String, String, Int16, Int16, String, String, String?)) throws -> StoredInstrument {
        StoredInstrument(key: row.0, instrument: try StoredValues.instrument(symbol: row.1, venue: row.2, pricePrecision: Int(row.3),
                                                                             sizePrecision: Int(row.4), tickSize: row.5, lotSize: row.6),
                         calendar: row.7)
    }

    public func insertCandles(_ bars: [Bar], instrument: InstrumentID, timeframe: String) async throws(StorageError) -> Int {
        guard !bars.isEmpty else { return 0 }
        do {
            return try await client.withTransaction(logger: logger) { connection in
                try await self.requireCurrentSchema(connection)
                guard let key = try await self.fetchInstrument(connection, instrument)?.key else {
                    throw StorageError.notFound("instrument \(instrument) (register it first)")
                }
                try await connection.query("""
                    INSERT INTO candle_series (instrument_id, timeframe) VALUES (\(key), \(timeframe)) ON CONFLICT DO NOTHING
                    """, logger: self.logger)
                let series = try await connection.query("SELECT id FROM candle_series WHERE instrument_id = \(key) AND timeframe = \(timeframe)",
                                                        logger: self.logger).collect().first!.decode(Int64.self)
                return try await Self.writeBlocks(connection, self.logger, series: series, timeframe: timeframe, bars: bars)
            }
        } catch {
            throw Self.map(error, location: location, opening: false)
        }
    }

    /// Merges bars into their blocks; returns how many were new. Writers of one series take
    /// turns (a transaction-scoped advisory lock), so two imports never both rewrite a block
    /// from the same old copy.
    static func writeBlocks(_ connection: PostgresConnection, _ logger: Logger, series: Int64, timeframe: String, bars: [Bar]) async throws -> Int {
        let lock = Int64(0x7477) << 48 | (series & 0xFFFF_FFFF_FFFF)
        try await connection.query("SELECT pg_advisory_xact_lock(\(lock))", logger: logger)
        let span = CandleBlocks.span(timeframe: timeframe)
        let groups = CandleBlocks.group(bars, span: span)
        guard let first = groups.first, let last = groups.last else { return 0 }
        var existing: [Int64: [Bar]] = [:]
        for try await row in try await connection.query("""
            SELECT block_start, bars FROM candle_blocks WHERE series_id = \(series) AND block_start BETWEEN \(first.start) AND \(last.start)
            """, logger: logger) {
            let cells = Array(row)
            let start = try integer(cells[0])
            var decoded: [Bar] = []
            if let bytes = cells[1].bytes {
                try bytes.withUnsafeReadableBytes { (raw: UnsafeRawBufferPointer) throws in
                    try CandleBlocks.decode(raw, from: .min, to: .max, into: &decoded)
                }
            }
            existing[start] = decoded
        }
        var added = 0
        for group in groups {
            let (merged, new) = CandleBlocks.merge(existing: existing[group.start] ?? [], adding: group.bars)
            guard new > 0 else { continue }
            added += new
            let packed = ByteBuffer(bytes: CandleBlocks.encode(merged[...]))
            try await connection.query("""
                INSERT INTO candle_blocks (series_id, block_start, bar_count, first_open, last_open, bars)
                VALUES (\(series), \(group.start), \(Int32(merged.count)), \(merged.first!.openTime.nanosecondsSinceEpoch),
                        \(merged.last!.openTime.nanosecondsSinceEpoch), \(packed))
                ON CONFLICT (series_id, block_start) DO UPDATE SET bar_count = excluded.bar_count, first_open = excluded.first_open,
                    last_open = excluded.last_open, bars = excluded.bars
                """, logger: logger)
        }
        return added
    }

    /// Migration 5's data step: every series of the row-per-bar table, packed into blocks.
    static func moveCandlesIntoBlocks(_ connection: PostgresConnection, _ logger: Logger) async throws {
        var pairs: [(Int64, String)] = []
        for try await pair in try await connection.query("SELECT DISTINCT instrument_id, timeframe FROM candles", logger: logger)
            .decode((Int64, String).self) {
            pairs.append(pair)
        }
        for (instrument, timeframe) in pairs {
            let series = try await connection.query("""
                INSERT INTO candle_series (instrument_id, timeframe) VALUES (\(instrument), \(timeframe)) RETURNING id
                """, logger: logger).collect().first!.decode(Int64.self)
            var bars: [Bar] = []
            for try await row in try await connection.query("""
                SELECT open_time, close_time, open, high, low, close, volume, price_precision, size_precision FROM candles
                WHERE instrument_id = \(instrument) AND timeframe = \(timeframe) ORDER BY open_time
                """, logger: logger) {
                let v = try row.map(integer)
                bars.append(Bar(openTime: Timestamp(nanosecondsSinceEpoch: v[0]), closeTime: Timestamp(nanosecondsSinceEpoch: v[1]),
                                openRaw: v[2], highRaw: v[3], lowRaw: v[4], closeRaw: v[5], volumeRaw: v[6],
                                pricePrecision: UInt8(truncatingIfNeeded: v[7]), sizePrecision: UInt8(truncatingIfNeeded: v[8])))
            }
            _ = try await writeBlocks(connection, logger, series: series, timeframe: timeframe, bars: bars)
        }
    }

    public func candles(instrument: InstrumentID, timeframe: String, from: Timestamp?, to: Timestamp?) async throws(StorageError) -> [Bar] {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            let lower = from?.nanosecondsSinceEpoch ?? Int64.min, upper = to?.nanosecondsSinceEpoch ?? Int64.max
            var bars: [Bar] = []
            for try await row in try await connection.query("""
                SELECT b.bars FROM candle_blocks b
                JOIN candle_series s ON s.id = b.series_id JOIN instruments i ON i.id = s.instrument_id
                WHERE i.symbol = \(instrument.symbol) AND i.venue = \(instrument.venue) AND s.timeframe = \(timeframe)
                  AND b.last_open >= \(lower) AND b.first_open < \(upper)
                ORDER BY b.block_start
                """, logger: self.logger) {
                guard let bytes = row.first?.bytes else { continue }
                try bytes.withUnsafeReadableBytes { (raw: UnsafeRawBufferPointer) throws in
                    try CandleBlocks.decode(raw, from: lower, to: upper, into: &bars)
                }
            }
            return bars
        }
    }

    public func candleSeries() async throws(StorageError) -> [CandleSeriesSummary] {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            var result: [CandleSeriesSummary] = []
            for try await row in try await connection.query("""
                SELECT i.symbol, i.venue, s.timeframe, min(b.first_open), max(b.last_open), sum(b.bar_count)::bigint
                FROM candle_blocks b JOIN candle_series s ON s.id = b.series_id JOIN instruments i ON i.id = s.instrument_id
                GROUP BY i.symbol, i.venue, s.timeframe ORDER BY i.symbol, i.venue, s.timeframe
                """, logger: self.logger).decode((String, String, String, Int64, Int64, Int64).self) {
                result.append(CandleSeriesSummary(instrument: InstrumentID(symbol: row.0, venue: row.1), timeframe: row.2,
                                                  first: Timestamp(nanosecondsSinceEpoch: row.3), last: Timestamp(nanosecondsSinceEpoch: row.4),
                                                  count: Int(row.5)))
            }
            return result
        }
    }

    // MARK: - Backtest runs and audit

    public func record(_ run: BacktestRunRecord) async throws(StorageError) -> Int64 {
        try await self.run { connection in
            try await self.requireCurrentSchema(connection)
            let rows = try await connection.query("""
                INSERT INTO backtest_runs (created_at, strategy, parameters, data_description, data_hash, final_equity, trade_count, results)
                VALUES (\(run.createdAt.nanosecondsSinceEpoch), \(run.strategy), \(run.parameters), \(run.dataDescription), \(run.dataHash),
                        \(run.finalEquity.description), \(Int64(run.tradeCount)), \(run.results))
                RETURNING id
                """, logger: self.logger)
            guard let id = try await rows.collect().first?.decode(Int64.self) else { throw StorageError.backend("insert returned no id") }
            return id
        }
    }

    public func backtestRuns(limit: Int) async throws(StorageError) -> [BacktestRunRecord] {
        try await run { connection in
            try await self.fetchRuns(connection, """
                SELECT id, created_at, strategy, parameters, data_description, data_hash, final_equity, trade_count, results
                FROM backtest_runs ORDER BY id DESC LIMIT \(Int64(limit))
                """)
        }
    }

    public func backtestRun(id: Int64) async throws(StorageError) -> BacktestRunRecord? {
        try await run { connection in
            try await self.fetchRuns(connection, """
                SELECT id, created_at, strategy, parameters, data_description, data_hash, final_equity, trade_count, results
                FROM backtest_runs WHERE id = \(id)
                """).first
        }
    }

    private func fetchRuns(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> [BacktestRunRecord] {
        try await requireCurrentSchema(connection)
        var result: [BacktestRunRecord] = []
        for try await row in try await connection.query(query, logger: logger)
            .decode((Int64, Int64, String, String, String, String, String, Int64, String).self) {
            result.append(try StoredValues.backtestRun(id: row.0, createdAt: row.1, strategy: row.2, parameters: row.3, dataDescription: row.4,
                                                       dataHash: row.5, finalEquity: row.6, tradeCount: Int(row.7), results: row.8))
        }
        return result
    }

    public func appendAudit(_ entry: AuditEntry) async throws(StorageError) {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            try await connection.query("""
                INSERT INTO audit_log (time, actor, action, target, details)
                VALUES (\(entry.time.nanosecondsSinceEpoch), \(entry.actor), \(entry.action), \(entry.target), \(entry.details))
                """, logger: self.logger)
        }
    }

    public func auditLog(limit: Int) async throws(StorageError) -> [AuditEntry] {
        try await run { connection in
            try await self.requireCurrentSchema(connection)
            var result: [AuditEntry] = []
            for try await row in try await connection.query("""
                SELECT time, actor, action, target, details FROM audit_log ORDER BY id DESC LIMIT \(Int64(limit))
                """, logger: self.logger).decode((Int64, String, String, String, String).self) {
                result.append(AuditEntry(time: Timestamp(nanosecondsSinceEpoch: row.0), actor: row.1, action: row.2, target: row.3, details: row.4))
            }
            return result
        }
    }

    // MARK: - Backup

    public func backup(to path: String) async throws(StorageError) -> String {
        let schema = settings.schema.map { " --schema=\($0)" } ?? ""
        return """
            PostgreSQL databases are backed up with the server's own tools, consistent while in use:
              pg_dump --format=custom --host=\(settings.host) --port=\(settings.port) --username=\(settings.user)\(schema) --file=\(path) \(settings.database)
            restore with:
              pg_restore --host=HOST --port=PORT --username=USER --dbname=DATABASE \(path)
            """
    }

    // MARK: - Access and error mapping

    func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws(StorageError) -> T {
        do {
            return try await usage.measure { try await client.withConnection { connection in try await body(connection) } }
        } catch {
            throw Self.map(error, location: location, opening: false)
        }
    }

    static func map(_ error: any Error, location: StoreLocation, opening: Bool) -> StorageError {
        if let error = error as? StorageError { return error }
        if let error = error as? PostgresTransactionError {
            // The transaction's own failure matters, not the wrapper.
            if let cause = error.closureError ?? error.beginError ?? error.commitError { return map(cause, location: location, opening: opening) }
        }
        guard let error = error as? PSQLError else {
            if error is DeadlineExceeded { return .unavailable(location.description, reason: "no answer within the connect timeout") }
            return .backend("\(error)")
        }
        if let info = error.serverInfo {
            let state = info[.sqlState] ?? ""
            let message = info[.message] ?? "server error"
            let detail = info[.detail].map { " (\($0))" } ?? ""
            switch state {
            case let code where code.hasPrefix("23"): return .constraintViolation(message + detail)
            case "25006": return .readOnly(location.description)
            case "53100": return .diskFull(location.description)
            case "28P01", "28000": return .unavailable(location.description, reason: "authentication failed: \(message)")
            case "3D000": return .unavailable(location.description, reason: message)
            default: return .backend("\(message)\(detail) [SQLSTATE \(state)]")
            }
        }
        let underlying = error.underlying.map { "\($0)" } ?? "\(error.code)"
        switch error.code {
        case .connectionError, .serverClosedConnection, .sslUnsupported, .poolClosed, .clientClosedConnection:
            return .unavailable(location.description, reason: "cannot connect: \(underlying)")
        case .unsupportedAuthMechanism, .authMechanismRequiresPassword, .saslError:
            return .unavailable(location.description, reason: "authentication failed: \(error.code)")
        default:
            return opening ? .unavailable(location.description, reason: underlying) : .backend(underlying)
        }
    }
}

extension PostgresStore {
    /// A `bigint` or `smallint` cell.
    @inline(__always)
    static func integer(_ cell: PostgresCell) throws -> Int64 {
        if cell.format == .binary, let bytes = cell.bytes {
            switch bytes.readableBytes {
            case 8: if let value = bytes.getInteger(at: bytes.readerIndex, as: Int64.self) { return value }
            case 2: if let value = bytes.getInteger(at: bytes.readerIndex, as: Int16.self) { return Int64(value) }
            default: break
            }
        }
        return try cell.decode(Int64.self)
    }
}

struct DeadlineExceeded: Error {}

/// Runs `body`, giving up after `seconds` (a server that accepts TCP but never answers).
func withDeadline<T: Sendable>(seconds: Int, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw DeadlineExceeded()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
