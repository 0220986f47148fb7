/// Opens the store a URL names, migrating it to this binary's schema first unless told not to.
///
/// An SQLite file is created on first use; an older database is upgraded in place; a newer one
/// is refused untouched (``StorageError/schemaTooNew(database:supported:)``).
public func openStore(_ url: String, migrate: Bool = true) async throws(StorageError) -> any Store {
    let store: any Store
    switch try StoreLocation(parsing: url) {
    case .sqlite(let path): store = try SQLiteStore(path: path)
    case .postgres(let settings): store = try await PostgresStore(settings)
    }
    if migrate {
        do { _ = try await store.migrate() } catch {
            await store.close()
            throw error
        }
    }
    return store
}
