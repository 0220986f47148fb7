import Foundation

/// Where the store lives, parsed from a URL.
///
/// - `sqlite:tradewind.db` (relative to the working directory), `sqlite:/abs/path.db`,
///   `sqlite::memory:` (private, gone at exit).
/// - `postgres://user:password@host:port/database?schema=name&pool=20&connect_timeout=10`
///   (`postgresql://` too). Percent-escapes in the user and password are decoded.
public enum StoreLocation: Equatable, Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// The default: an SQLite file in the working directory, created on first use.
    public static let defaultURL = "sqlite:tradewind.db"

    public struct PostgresLocation: Equatable, Sendable {
        public var host: String
        public var port: Int
        public var user: String
        public var password: String?
        public var database: String
        /// Tables live in this schema (created if missing); `nil` = the server's search path.
        public var schema: String?
        /// Most connections the pool opens.
        public var poolSize: Int
        /// Seconds to wait for a connection.
        public var connectTimeout: Int

        public init(host: String, port: Int = 5432, user: String, password: String? = nil, database: String,
                    schema: String? = nil, poolSize: Int = 16, connectTimeout: Int = 10) {
            self.host = host
            self.port = port
            self.user = user
            self.password = password
            self.database = database
            self.schema = schema
            self.poolSize = poolSize
            self.connectTimeout = connectTimeout
        }
    }

    /// - Throws: ``StorageError/invalidURL(_:reason:)`` naming what is wrong.
    public init(parsing url: String) throws(StorageError) {
        if url.hasPrefix("sqlite:") {
            let path = String(url.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw .invalidURL(url, reason: "no file path after sqlite:") }
            self = .sqlite(path: path.hasPrefix("//") ? String(path.dropFirst(2)) : path)
            return
        }
        for scheme in ["postgres://", "postgresql://"] where url.hasPrefix(scheme) {
            self = .postgres(try Self.parsePostgres(url, rest: String(url.dropFirst(scheme.count))))
            return
        }
        throw .invalidURL(url, reason: "expected sqlite:PATH or postgres://user:password@host:port/database")
    }

    private static func parsePostgres(_ url: String, rest: String) throws(StorageError) -> PostgresLocation {
        var rest = Substring(rest)
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw .invalidURL(url, reason: "no database name (…/database)") }
        let database = String(rest[rest.index(after: slash)...])
        guard !database.isEmpty else { throw .invalidURL(url, reason: "no database name (…/database)") }
        var authority = rest[..<slash]
        var user = "postgres"
        var password: String?
        if let at = authority.lastIndex(of: "@") {
            let credentials = authority[..<at]
            authority = authority[authority.index(after: at)...]
            if let colon = credentials.firstIndex(of: ":") {
                user = try decode(credentials[..<colon], url)
                password = try decode(credentials[credentials.index(after: colon)...], url)
            } else {
                user = try decode(credentials, url)
            }
        }
        var host = String(authority)
        var port = 5432
        if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            guard let number = Int(authority[authority.index(after: colon)...]), (1...65_535).contains(number) else {
                throw .invalidURL(url, reason: "port must be a number from 1 to 65535")
            }
            port = number
        }
        guard !host.isEmpty else { throw .invalidURL(url, reason: "no host") }
        var location = PostgresLocation(host: host, port: port, user: user, password: password, database: database)
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1)
            let key = String(parts[0])
            let value = parts.count > 1 ? String(parts[1]) : ""
            switch key {
            case "schema":
                guard value.range(of: "^[A-Za-z_][A-Za-z0-9_]{0,62}$", options: .regularExpression) != nil else {
                    throw .invalidURL(url, reason: "schema must be a plain identifier (letters, digits, _)")
                }
                location.schema = value
            case "pool":
                guard let size = Int(value), (1...1_000).contains(size) else { throw .invalidURL(url, reason: "pool must be 1…1000") }
                location.poolSize = size
            case "connect_timeout":
                guard let seconds = Int(value), (1...600).contains(seconds) else {
                    throw .invalidURL(url, reason: "connect_timeout must be 1…600 seconds")
                }
                location.connectTimeout = seconds
            default:
                throw .invalidURL(url, reason: "unknown parameter \(key) (known: schema, pool, connect_timeout)")
            }
        }
        return location
    }

    private static func decode(_ text: Substring, _ url: String) throws(StorageError) -> String {
        guard let decoded = String(text).removingPercentEncoding else { throw .invalidURL(url, reason: "bad percent-escape in credentials") }
        return decoded
    }

    /// The location without its password, for messages and logs.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let pg): "postgres://\(pg.user)@\(pg.host):\(pg.port)/\(pg.database)" + (pg.schema.map { "?schema=\($0)" } ?? "")
        }
    }
}
