/// Everything that can go wrong with the store, each case naming its cause once.
public enum StorageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The store URL could not be understood.
    case invalidURL(String, reason: String)
    /// The server or file could not be reached or opened.
    case unavailable(String, reason: String)
    /// The database was written by a newer Tradewind: this binary must not touch it.
    case schemaTooNew(database: Int, supported: Int)
    /// A migration already applied differs from the one this binary would apply.
    case migrationMismatch(version: Int, name: String)
    /// The database has not been migrated to this binary's schema (run `tradewind db migrate`).
    case schemaOutdated(database: Int, supported: Int)
    case migrationFailed(version: Int, name: String, reason: String)
    /// A uniqueness, foreign-key or check constraint refused the change.
    case constraintViolation(String)
    /// The database file or directory is read-only.
    case readOnly(String)
    /// No space left for the database.
    case diskFull(String)
    case notFound(String)
    /// Input the store cannot hold (e.g. bars of mixed precision in one batch).
    case invalidInput(String)
    /// Any other failure reported by the database engine.
    case backend(String)

    public var description: String {
        switch self {
        case .invalidURL(let url, let reason): "invalid database URL \(url): \(reason)"
        case .unavailable(let target, let reason): "cannot open database \(target): \(reason)"
        case .schemaTooNew(let database, let supported):
            "the database schema is version \(database) but this tradewind supports up to \(supported): upgrade tradewind (the database was not changed)"
        case .migrationMismatch(let version, let name):
            "migration \(version) (\(name)) applied in the database differs from this binary's: the schema was changed by hand or by another build"
        case .schemaOutdated(let database, let supported):
            "the database schema is version \(database), this tradewind needs \(supported): run `tradewind db migrate`"
        case .migrationFailed(let version, let name, let reason): "migration \(version) (\(name)) failed and was rolled back: \(reason)"
        case .constraintViolation(let detail): "refused by a database constraint: \(detail)"
        case .readOnly(let target): "the database \(target) is read-only"
        case .diskFull(let target): "no space left for the database \(target)"
        case .notFound(let what): "not found: \(what)"
        case .invalidInput(let detail): "cannot store: \(detail)"
        case .backend(let detail): "database error: \(detail)"
        }
    }
}
