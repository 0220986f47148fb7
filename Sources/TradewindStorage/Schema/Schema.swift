/// One versioned change to the schema, written once per SQL dialect.
///
/// Times are UTC nanoseconds since the epoch (`BIGINT`), like ``Timestamp``. Candle prices and
/// volumes are the exact scaled integers of ``Bar`` with their precision beside them; other
/// money and quantities are exact decimal text. Both keep values exact in either engine.
public struct Migration: Sendable {
    public let version: Int
    public let name: String
    let sqlite: [String]
    let postgres: [String]
    /// Work SQL cannot express, run by the store between ``sqlite``/``postgres`` and ``finally``.
    let dataStep: DataStep?
    /// Statements for both dialects after the data step.
    let finally: [String]

    enum DataStep: Sendable {
        /// Packs the rows of `candles` into `candle_series` and `candle_blocks`.
        case candlesIntoBlocks
    }

    init(version: Int, name: String, sqlite: [String], postgres: [String], dataStep: DataStep? = nil, finally: [String] = []) {
        self.version = version
        self.name = name
        self.sqlite = sqlite
        self.postgres = postgres
        self.dataStep = dataStep
        self.finally = finally
    }

    /// A stable fingerprint of the statements (FNV-1a, 64-bit), recorded when applied, so a
    /// database migrated by a different build of the same version is noticed.
    func checksum(for dialect: SQLDialect) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in ((dialect == .sqlite ? sqlite : postgres) + finally).joined(separator: ";\n").utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    func statements(for dialect: SQLDialect) -> [String] { dialect == .sqlite ? sqlite : postgres }
}

enum SQLDialect: Sendable { case sqlite, postgres }

/// The whole schema, oldest change first. Never edit an entry once released: add one.
public enum Schema {
    public static var latestVersion: Int { migrations.last!.version }

    public static let migrations: [Migration] = [
        Migration(version: 1, name: "market data and research", sqlite: [
            """
            CREATE TABLE instruments (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                symbol TEXT NOT NULL, venue TEXT NOT NULL,
                price_precision INTEGER NOT NULL CHECK (price_precision BETWEEN 0 AND 18),
                size_precision INTEGER NOT NULL CHECK (size_precision BETWEEN 0 AND 18),
                tick_size TEXT NOT NULL, lot_size TEXT NOT NULL,
                calendar TEXT,
                created_at INTEGER NOT NULL,
                UNIQUE (symbol, venue))
            """,
            """
            CREATE TABLE candles (
                instrument_id INTEGER NOT NULL REFERENCES instruments(id) ON DELETE CASCADE,
                timeframe TEXT NOT NULL,
                open_time INTEGER NOT NULL, close_time INTEGER NOT NULL,
                open INTEGER NOT NULL, high INTEGER NOT NULL, low INTEGER NOT NULL, close INTEGER NOT NULL,
                volume INTEGER NOT NULL,
                price_precision INTEGER NOT NULL, size_precision INTEGER NOT NULL,
                PRIMARY KEY (instrument_id, timeframe, open_time)) WITHOUT ROWID
            """,
            """
            CREATE TABLE backtest_runs (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                created_at INTEGER NOT NULL,
                strategy TEXT NOT NULL, parameters TEXT NOT NULL,
                data_description TEXT NOT NULL, data_hash TEXT NOT NULL,
                final_equity TEXT NOT NULL, trade_count INTEGER NOT NULL,
                results TEXT NOT NULL)
            """,
            "CREATE TABLE audit_log (id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, details TEXT NOT NULL DEFAULT '')",
            "CREATE INDEX audit_log_time ON audit_log (time)",
            "CREATE TABLE config_versions (version INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, author TEXT NOT NULL, content TEXT NOT NULL, checksum TEXT NOT NULL)",
        ], postgres: [
            """
            CREATE TABLE instruments (
                id BIGSERIAL PRIMARY KEY,
                symbol TEXT NOT NULL, venue TEXT NOT NULL,
                price_precision SMALLINT NOT NULL CHECK (price_precision BETWEEN 0 AND 18),
                size_precision SMALLINT NOT NULL CHECK (size_precision BETWEEN 0 AND 18),
                tick_size TEXT NOT NULL, lot_size TEXT NOT NULL,
                calendar TEXT,
                created_at BIGINT NOT NULL,
                UNIQUE (symbol, venue))
            """,
            """
            CREATE TABLE candles (
                instrument_id BIGINT NOT NULL REFERENCES instruments(id) ON DELETE CASCADE,
                timeframe TEXT NOT NULL,
                open_time BIGINT NOT NULL, close_time BIGINT NOT NULL,
                open BIGINT NOT NULL, high BIGINT NOT NULL, low BIGINT NOT NULL, close BIGINT NOT NULL,
                volume BIGINT NOT NULL,
                price_precision SMALLINT NOT NULL, size_precision SMALLINT NOT NULL,
                PRIMARY KEY (instrument_id, timeframe, open_time))
            """,
            """
            CREATE TABLE backtest_runs (
                id BIGSERIAL PRIMARY KEY,
                created_at BIGINT NOT NULL,
                strategy TEXT NOT NULL, parameters TEXT NOT NULL,
                data_description TEXT NOT NULL, data_hash TEXT NOT NULL,
                final_equity TEXT NOT NULL, trade_count BIGINT NOT NULL,
                results TEXT NOT NULL)
            """,
            "CREATE TABLE audit_log (id BIGSERIAL PRIMARY KEY, time BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL, details TEXT NOT NULL DEFAULT '')",
            "CREATE INDEX audit_log_time ON audit_log (time)",
            "CREATE TABLE config_versions (version BIGINT PRIMARY KEY, created_at BIGINT NOT NULL, author TEXT NOT NULL, content TEXT NOT NULL, checksum TEXT NOT NULL)",
        ]),
        Migration(version: 2, name: "orders, fills, positions and bots", sqlite: [
            "CREATE TABLE bots (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, definition TEXT NOT NULL, state TEXT NOT NULL, owner TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)",
            "CREATE TABLE bot_events (id INTEGER PRIMARY KEY AUTOINCREMENT, bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE, time INTEGER NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL)",
            "CREATE INDEX bot_events_bot_time ON bot_events (bot_id, time)",
            """
            CREATE TABLE orders (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                bot_id INTEGER REFERENCES bots(id) ON DELETE SET NULL,
                client_order_id TEXT NOT NULL UNIQUE, venue_order_id TEXT,
                instrument_id INTEGER NOT NULL REFERENCES instruments(id),
                side TEXT NOT NULL CHECK (side IN ('buy', 'sell')), type TEXT NOT NULL,
                quantity TEXT NOT NULL, limit_price TEXT, trigger_price TEXT, time_in_force TEXT NOT NULL,
                reduce_only INTEGER NOT NULL DEFAULT 0, post_only INTEGER NOT NULL DEFAULT 0,
                parent_client_order_id TEXT,
                status TEXT NOT NULL, filled_quantity TEXT NOT NULL, filled_cost TEXT NOT NULL, fees TEXT NOT NULL,
                reason TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)
            """,
            "CREATE INDEX orders_venue_id ON orders (venue_order_id)",
            """
            CREATE TABLE fills (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                order_id INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
                trade_id TEXT NOT NULL, side TEXT NOT NULL, quantity TEXT NOT NULL, price TEXT NOT NULL,
                fee TEXT NOT NULL, liquidity TEXT NOT NULL, time INTEGER NOT NULL,
                UNIQUE (order_id, trade_id))
            """,
            """
            CREATE TABLE positions (
                bot_id INTEGER NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
                instrument_id INTEGER NOT NULL REFERENCES instruments(id),
                quantity TEXT NOT NULL, cost_basis TEXT NOT NULL, realized_pnl TEXT NOT NULL, updated_at INTEGER NOT NULL,
                PRIMARY KEY (bot_id, instrument_id))
            """,
        ], postgres: [
            "CREATE TABLE bots (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, definition TEXT NOT NULL, state TEXT NOT NULL, owner TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)",
            "CREATE TABLE bot_events (id BIGSERIAL PRIMARY KEY, bot_id BIGINT NOT NULL REFERENCES bots(id) ON DELETE CASCADE, time BIGINT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL)",
            "CREATE INDEX bot_events_bot_time ON bot_events (bot_id, time)",
            """
            CREATE TABLE orders (
                id BIGSERIAL PRIMARY KEY,
                bot_id BIGINT REFERENCES bots(id) ON DELETE SET NULL,
                client_order_id TEXT NOT NULL UNIQUE, venue_order_id TEXT,
                instrument_id BIGINT NOT NULL REFERENCES instruments(id),
                side TEXT NOT NULL CHECK (side IN ('buy', 'sell')), type TEXT NOT NULL,
                quantity TEXT NOT NULL, limit_price TEXT, trigger_price TEXT, time_in_force TEXT NOT NULL,
                reduce_only BOOLEAN NOT NULL DEFAULT FALSE, post_only BOOLEAN NOT NULL DEFAULT FALSE,
                parent_client_order_id TEXT,
                status TEXT NOT NULL, filled_quantity TEXT NOT NULL, filled_cost TEXT NOT NULL, fees TEXT NOT NULL,
                reason TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX orders_venue_id ON orders (venue_order_id)",
            """
            CREATE TABLE fills (
                id BIGSERIAL PRIMARY KEY,
                order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
                trade_id TEXT NOT NULL, side TEXT NOT NULL, quantity TEXT NOT NULL, price TEXT NOT NULL,
                fee TEXT NOT NULL, liquidity TEXT NOT NULL, time BIGINT NOT NULL,
                UNIQUE (order_id, trade_id))
            """,
            """
            CREATE TABLE positions (
                bot_id BIGINT NOT NULL REFERENCES bots(id) ON DELETE CASCADE,
                instrument_id BIGINT NOT NULL REFERENCES instruments(id),
                quantity TEXT NOT NULL, cost_basis TEXT NOT NULL, realized_pnl TEXT NOT NULL, updated_at BIGINT NOT NULL,
                PRIMARY KEY (bot_id, instrument_id))
            """,
        ]),
        Migration(version: 3, name: "optimization and operations", sqlite: [
            "CREATE TABLE studies (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, definition TEXT NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)",
            """
            CREATE TABLE trials (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                study_id INTEGER NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
                number INTEGER NOT NULL, parameters TEXT NOT NULL, status TEXT NOT NULL,
                worker TEXT, lease_until INTEGER, objective REAL, result TEXT,
                started_at INTEGER, finished_at INTEGER,
                UNIQUE (study_id, number))
            """,
            "CREATE INDEX trials_study_status ON trials (study_id, status)",
            "CREATE TABLE metrics_snapshots (id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, scope TEXT NOT NULL, name TEXT NOT NULL, value REAL NOT NULL, labels TEXT NOT NULL DEFAULT '')",
            "CREATE INDEX metrics_snapshots_scope_time ON metrics_snapshots (scope, name, time)",
            "CREATE TABLE alerts (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, rule TEXT NOT NULL, state TEXT NOT NULL, last_fired_at INTEGER, created_at INTEGER NOT NULL)",
            "CREATE TABLE notifications (id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, channel TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT)",
        ], postgres: [
            "CREATE TABLE studies (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, definition TEXT NOT NULL, status TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)",
            """
            CREATE TABLE trials (
                id BIGSERIAL PRIMARY KEY,
                study_id BIGINT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
                number BIGINT NOT NULL, parameters TEXT NOT NULL, status TEXT NOT NULL,
                worker TEXT, lease_until BIGINT, objective DOUBLE PRECISION, result TEXT,
                started_at BIGINT, finished_at BIGINT,
                UNIQUE (study_id, number))
            """,
            "CREATE INDEX trials_study_status ON trials (study_id, status)",
            "CREATE TABLE metrics_snapshots (id BIGSERIAL PRIMARY KEY, time BIGINT NOT NULL, scope TEXT NOT NULL, name TEXT NOT NULL, value DOUBLE PRECISION NOT NULL, labels TEXT NOT NULL DEFAULT '')",
            "CREATE INDEX metrics_snapshots_scope_time ON metrics_snapshots (scope, name, time)",
            "CREATE TABLE alerts (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, rule TEXT NOT NULL, state TEXT NOT NULL, last_fired_at BIGINT, created_at BIGINT NOT NULL)",
            "CREATE TABLE notifications (id BIGSERIAL PRIMARY KEY, time BIGINT NOT NULL, channel TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT)",
        ]),
        // PostgreSQL checks a foreign key with a trigger per inserted row, which halved bulk
        // candle imports; the store resolves the instrument inside the import's transaction
        // instead. SQLite's check is an index probe and stays.
        Migration(version: 4, name: "candles without a per-row foreign-key trigger", sqlite: [], postgres: [
            "ALTER TABLE candles DROP CONSTRAINT IF EXISTS candles_instrument_id_fkey",
        ]),
        // A row per bar kept both engines busy per row; blocks of up to 1,024 packed bars per
        // series and time window (see CandleBlocks) make bulk reads and writes a few thousand rows.
        Migration(version: 5, name: "candles stored in blocks", sqlite: [
            """
            CREATE TABLE candle_series (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                instrument_id INTEGER NOT NULL REFERENCES instruments(id) ON DELETE CASCADE,
                timeframe TEXT NOT NULL,
                UNIQUE (instrument_id, timeframe))
            """,
            """
            CREATE TABLE candle_blocks (
                series_id INTEGER NOT NULL REFERENCES candle_series(id) ON DELETE CASCADE,
                block_start INTEGER NOT NULL,
                bar_count INTEGER NOT NULL, first_open INTEGER NOT NULL, last_open INTEGER NOT NULL,
                bars BLOB NOT NULL,
                PRIMARY KEY (series_id, block_start))
            """,
        ], postgres: [
            """
            CREATE TABLE candle_series (
                id BIGSERIAL PRIMARY KEY,
                instrument_id BIGINT NOT NULL REFERENCES instruments(id) ON DELETE CASCADE,
                timeframe TEXT NOT NULL,
                UNIQUE (instrument_id, timeframe))
            """,
            """
            CREATE TABLE candle_blocks (
                series_id BIGINT NOT NULL REFERENCES candle_series(id) ON DELETE CASCADE,
                block_start BIGINT NOT NULL,
                bar_count INTEGER NOT NULL, first_open BIGINT NOT NULL, last_open BIGINT NOT NULL,
                bars BYTEA NOT NULL,
                PRIMARY KEY (series_id, block_start))
            """,
        ], dataStep: .candlesIntoBlocks, finally: ["DROP TABLE candles"]),
        // Trials remember what they computed (for reuse by identical trials) and how often a
        // worker took them over.
        Migration(version: 6, name: "trial cache keys and attempts", sqlite: [
            "ALTER TABLE trials ADD COLUMN cache_key TEXT",
            "ALTER TABLE trials ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX trials_cache_key ON trials (cache_key)",
        ], postgres: [
            "ALTER TABLE trials ADD COLUMN cache_key TEXT",
            "ALTER TABLE trials ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX trials_cache_key ON trials (cache_key)",
        ]),
        // The server's accounts and background backtests.
        Migration(version: 7, name: "users, API keys and backtest jobs", sqlite: [
            """
            CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('viewer', 'trader', 'admin')), created_at INTEGER NOT NULL)
            """,
            """
            CREATE TABLE api_keys (id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name TEXT NOT NULL, prefix TEXT NOT NULL UNIQUE, secret_hash TEXT NOT NULL, created_at INTEGER NOT NULL, revoked_at INTEGER)
            """,
            """
            CREATE TABLE backtest_jobs (id INTEGER PRIMARY KEY AUTOINCREMENT,
                status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
                request TEXT NOT NULL, submitted_by TEXT NOT NULL, submitted_at INTEGER NOT NULL, finished_at INTEGER,
                run_id INTEGER REFERENCES backtest_runs(id), error TEXT)
            """,
        ], postgres: [
            """
            CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('viewer', 'trader', 'admin')), created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE api_keys (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                name TEXT NOT NULL, prefix TEXT NOT NULL UNIQUE, secret_hash TEXT NOT NULL, created_at BIGINT NOT NULL, revoked_at BIGINT)
            """,
            """
            CREATE TABLE backtest_jobs (id BIGSERIAL PRIMARY KEY,
                status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
                request TEXT NOT NULL, submitted_by TEXT NOT NULL, submitted_at BIGINT NOT NULL, finished_at BIGINT,
                run_id BIGINT REFERENCES backtest_runs(id), error TEXT)
            """,
        ]),
        // Notifications and alerts as the delivery service and the alert monitor keep them
        // (replacing the placeholder tables of version 3, which nothing wrote).
        Migration(version: 8, name: "notifications and alerts", sqlite: [
            "DROP TABLE notifications",
            "DROP TABLE alerts",
            """
            CREATE TABLE alerts (id INTEGER PRIMARY KEY AUTOINCREMENT,
                rule TEXT NOT NULL, subject TEXT NOT NULL,
                severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
                definition TEXT NOT NULL, message TEXT NOT NULL, value REAL NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('firing', 'acknowledged', 'resolved')),
                occurrences INTEGER NOT NULL DEFAULT 1, fired_at INTEGER NOT NULL, last_seen_at INTEGER NOT NULL, last_notified_at INTEGER,
                escalation_level INTEGER NOT NULL DEFAULT 0,
                acknowledged_by TEXT, acknowledged_at INTEGER, resolved_by TEXT, resolved_at INTEGER)
            """,
            "CREATE INDEX alerts_state ON alerts (state, id)",
            """
            CREATE TABLE notifications (id INTEGER PRIMARY KEY AUTOINCREMENT,
                created_at INTEGER NOT NULL,
                severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
                category TEXT NOT NULL, subject TEXT NOT NULL, bot TEXT, channel TEXT NOT NULL,
                title TEXT NOT NULL, body TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'retrying', 'sent', 'dead')),
                attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, next_attempt_at INTEGER, sent_at INTEGER,
                alert_id INTEGER REFERENCES alerts(id))
            """,
            "CREATE INDEX notifications_status ON notifications (status, id)",
        ], postgres: [
            "DROP TABLE notifications",
            "DROP TABLE alerts",
            """
            CREATE TABLE alerts (id BIGSERIAL PRIMARY KEY,
                rule TEXT NOT NULL, subject TEXT NOT NULL,
                severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
                definition TEXT NOT NULL, message TEXT NOT NULL, value DOUBLE PRECISION NOT NULL,
                state TEXT NOT NULL CHECK (state IN ('firing', 'acknowledged', 'resolved')),
                occurrences INTEGER NOT NULL DEFAULT 1, fired_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL, last_notified_at BIGINT,
                escalation_level INTEGER NOT NULL DEFAULT 0,
                acknowledged_by TEXT, acknowledged_at BIGINT, resolved_by TEXT, resolved_at BIGINT)
            """,
            "CREATE INDEX alerts_state ON alerts (state, id)",
            """
            CREATE TABLE notifications (id BIGSERIAL PRIMARY KEY,
                created_at BIGINT NOT NULL,
                severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
                category TEXT NOT NULL, subject TEXT NOT NULL, bot TEXT, channel TEXT NOT NULL,
                title TEXT NOT NULL, body TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('pending', 'retrying', 'sent', 'dead')),
                attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT, next_attempt_at BIGINT, sent_at BIGINT,
                alert_id BIGINT REFERENCES alerts(id))
            """,
            "CREATE INDEX notifications_status ON notifications (status, id)",
        ]),
        // How far each node's write-ahead log has been copied into bot_events, updated in the
        // same transaction as the copy, so a restart never copies an entry twice.
        Migration(version: 9, name: "write-ahead log checkpoints", sqlite: [
            "CREATE TABLE journal_checkpoints (log TEXT PRIMARY KEY, position INTEGER NOT NULL)",
        ], postgres: [
            "CREATE TABLE journal_checkpoints (log TEXT PRIMARY KEY, position BIGINT NOT NULL)",
        ]),
        // A bot's journal is read after a sequence (the server's tail every 200 ms, a restart's
        // second read). With (bot_id, time), which no query uses, every read walked all of the
        // bot's rows and sorted them, so each poll cost more with every month the bot ran.
        // Replaced, not added to, so an append still updates one index.
        Migration(version: 10, name: "bot journal indexed by sequence", sqlite: [
            "DROP INDEX bot_events_bot_time",
            "CREATE INDEX bot_events_bot_id ON bot_events (bot_id, id)",
        ], postgres: [
            "DROP INDEX bot_events_bot_time",
            "CREATE INDEX bot_events_bot_id ON bot_events (bot_id, id)",
        ]),
    ]
}
