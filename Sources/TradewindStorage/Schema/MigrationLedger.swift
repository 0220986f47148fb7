import TradewindCore

/// A row of `schema_migrations`, and the rules both engines apply to them.
struct AppliedMigrationRow: Sendable {
    var version: Int
    var name: String
    var checksum: String
    var appliedAt: Int64
}

extension Schema {
    /// The database's version, after refusing a newer schema or a migration applied differently.
    static func checkedVersion(of applied: [AppliedMigrationRow], dialect: SQLDialect) throws(StorageError) -> Int {
        let version = applied.map(\.version).max() ?? 0
        if version > latestVersion { throw .schemaTooNew(database: version, supported: latestVersion) }
        for row in applied {
            if let migration = migrations.first(where: { $0.version == row.version }), migration.checksum(for: dialect) != row.checksum {
                throw .migrationMismatch(version: row.version, name: row.name)
            }
        }
        return version
    }

    /// Refuses to read or write a database that is not exactly at this binary's schema.
    static func requireCurrent(_ version: Int) throws(StorageError) {
        if version > latestVersion { throw .schemaTooNew(database: version, supported: latestVersion) }
        if version < latestVersion { throw .schemaOutdated(database: version, supported: latestVersion) }
    }
}

extension SchemaStatus {
    init(applied: [AppliedMigrationRow], engine: String) {
        self.init(databaseVersion: applied.map(\.version).max() ?? 0, supportedVersion: Schema.latestVersion,
                  applied: applied.map { AppliedMigration(version: $0.version, name: $0.name, appliedAt: Timestamp(nanosecondsSinceEpoch: $0.appliedAt)) },
                  pending: Schema.migrations.map(\.version).filter { v in !applied.contains { $0.version == v } },
                  engine: engine)
    }
}
