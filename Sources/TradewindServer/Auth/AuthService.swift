import Crypto
public import Foundation
import HummingbirdBcrypt
import JWTKit
import Synchronization
public import TradewindConfiguration
public import TradewindCore
public import TradewindStorage

/// Users, passwords, login tokens and API keys.
///
/// - Passwords are stored as bcrypt hashes (cost from `auth.bcrypt_cost`), verified off the
///   request threads; an unknown user costs the same time as a wrong password.
/// - Login returns an HS256 JWT naming the user and role, valid for `auth.token_ttl`.
/// - API keys (`tw_<prefix>_<secret>`) are shown once; the store keeps the prefix and a SHA-256
///   of the whole key. A verified key is remembered for ``keyCacheLifetime`` so a busy script
///   does not cost a database read per request; a revoked key stops within that time.
public final class AuthService: Sendable {
    public let store: any Store
    let configuration: ConfigurationCenter
    let keys: JWTKeyCollection
    /// Compared against when the user does not exist, so timing does not reveal names.
    let decoyHash: String
    let keyCache = Mutex<[String: (identity: Identity, hash: String, until: ContinuousClock.Instant)]>([:])
    /// Tokens already verified, until they expire: a token is checked once, not on every request.
    let tokenCache = Mutex<[String: (identity: Identity, expires: Date)]>([:])
    static let tokenCacheLimit = 10_000
    public static let keyCacheLifetime: Duration = .seconds(5)

    /// - Parameter signingKey: the JWT key; random per process when `nil` (tokens end with it).
    public init(store: any Store, configuration: ConfigurationCenter, signingKey: String?) async {
        self.store = store
        self.configuration = configuration
        keys = JWTKeyCollection()
        let secret = signingKey ?? AuthService.randomToken(length: 48)
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        decoyHash = Bcrypt.hash("decoy-password", cost: UInt8(configuration.current.auth.bcryptCost))
    }

    struct TokenPayload: JWTPayload {
        var sub: SubjectClaim
        var role: String
        var exp: ExpirationClaim
        var iat: IssuedAtClaim

        func verify(using algorithm: some JWTAlgorithm) throws {
            try exp.verifyNotExpired()
        }
    }

    // MARK: - Users

    /// Creates the first admin when there is no user at all. Returns the password when it was
    /// generated (to print once); `nil` when users exist or the password came from the configuration.
    public func bootstrapAdmin(now: Timestamp) async throws -> (user: String, password: String?)? {
        guard try await store.users().isEmpty else { return nil }
        let auth = configuration.current.auth
        let password = auth.adminPassword?.value ?? AuthService.randomToken(length: 20)
        _ = try await createUser(name: auth.adminUser, password: password, role: .admin, now: now)
        return (auth.adminUser, auth.adminPassword == nil ? password : nil)
    }

    public func createUser(name: String, password: String, role: Role, now: Timestamp) async throws -> UserRecord {
        guard name.range(of: "^[A-Za-z0-9_.@-]{1,64}$", options: .regularExpression) != nil else {
            throw APIError.invalid("name must be 1–64 letters, digits or _.@-", details: .object(["field": .string("name")]))
        }
        guard password.count >= 8 else { throw APIError.invalid("password must be at least 8 characters", details: .object(["field": .string("password")])) }
        let cost = UInt8(configuration.current.auth.bcryptCost)
        let hash = await Self.offThread { Bcrypt.hash(password, cost: cost) }
        do {
            return try await store.createUser(name: name, passwordHash: hash, role: role.rawValue, now: now)
        } catch .constraintViolation {
            throw APIError.conflict("a user named \(name) exists")
        }
    }

    // MARK: - Login tokens

    public struct Token: Sendable {
        public var token: String
        public var expiresAt: Date
        public var role: Role
    }

    public func login(user name: String, password: String, now: Date = Date()) async throws -> Token {
        let user = try await store.user(named: name)
        let hash = user?.passwordHash ?? decoyHash
        let matches = await Self.offThread { Bcrypt.verify(password, hash: hash) }
        guard let user, matches, let role = Role(rawValue: user.role) else { throw APIError.unauthenticated("wrong user name or password") }
        let ttl = Double(configuration.current.auth.tokenTTL.nanoseconds) / 1e9
        let expires = now.addingTimeInterval(ttl)
        let payload = TokenPayload(sub: .init(value: user.name), role: role.rawValue, exp: .init(value: expires), iat: .init(value: now))
        return Token(token: try await keys.sign(payload), expiresAt: expires, role: role)
    }

    // MARK: - API keys

    public struct NewKey: Sendable {
        public var record: APIKeyRecord
        /// The whole key, shown this once.
        public var key: String
    }

    public func createAPIKey(for identity: Identity, name: String, now: Timestamp) async throws -> NewKey {
        guard let user = try await store.user(named: identity.user) else { throw APIError.unauthenticated("the user no longer exists") }
        guard !name.isEmpty, name.count <= 100 else { throw APIError.invalid("name must be 1–100 characters", details: .object(["field": .string("name")])) }
        let prefix = "tw_" + Self.randomToken(length: 8)
        let key = prefix + "_" + Self.randomToken(length: 32)
        let record = try await store.createAPIKey(user: user.id, name: name, prefix: prefix, secretHash: Self.sha256(key), now: now)
        return NewKey(record: record, key: key)
    }

    public func revokeAPIKey(id: Int64, of identity: Identity, now: Timestamp) async throws {
        guard let user = try await store.user(named: identity.user) else { throw APIError.unauthenticated("the user no longer exists") }
        try await store.revokeAPIKey(id: id, user: user.id, now: now)
        keyCache.withLock { cache in cache = cache.filter { $0.value.identity.user != identity.user } }
    }

    // MARK: - Authentication

    /// The identity a request's credentials prove; `nil` when it carries none.
    /// - Throws: 401 for credentials that are present but expired, tampered or unknown.
    public func authenticate(authorization: String?, apiKey: String?) async throws(APIError) -> Identity? {
        guard let authorization else {
            guard let apiKey else { return nil }
            return try await identity(forKey: apiKey)
        }
        if authorization.hasPrefix("Bearer ") {
            let token = String(authorization.dropFirst("Bearer ".count))
            if token.hasPrefix("tw_") { return try await identity(forKey: token) }
            if let cached = tokenCache.withLock({ $0[token] }) {
                guard cached.expires > Date() else { throw .unauthenticated("the token has expired: log in again") }
                return cached.identity
            }
            let payload: TokenPayload
            do { payload = try await keys.verify(token, as: TokenPayload.self) } catch {
                throw .unauthenticated(String(describing: error).contains("expired") ? "the token has expired: log in again" : "the token is not valid")
            }
            guard let role = Role(rawValue: payload.role) else { throw .unauthenticated("the token is not valid") }
            let identity = Identity(user: payload.sub.value, role: role, credential: "token")
            tokenCache.withLock { cache in
                if cache.count >= Self.tokenCacheLimit { cache.removeAll(keepingCapacity: true) }
                cache[token] = (identity, payload.exp.value)
            }
            return identity
        }
        throw .unauthenticated("use Authorization: Bearer <token or API key> or X-API-Key")
    }

    func identity(forKey key: String) async throws(APIError) -> Identity {
        let parts = key.split(separator: "_")
        guard parts.count == 3, parts[0] == "tw" else { throw .unauthenticated("the API key is not valid") }
        let prefix = "tw_" + parts[1]
        let hash = Self.sha256(key)
        let now = ContinuousClock.now
        if let cached = keyCache.withLock({ $0[prefix] }), cached.until > now {
            guard Self.constantTimeEqual(cached.hash, hash) else { throw .unauthenticated("the API key is not valid") }
            return cached.identity
        }
        let record: APIKeyRecord?
        let user: UserRecord?
        do {
            record = try await store.apiKey(prefix: prefix)
            user = try await record.asyncMap { try await store.user(id: $0.userID) } ?? nil
        } catch {
            throw .unavailable("the database is unavailable")
        }
        guard let record, record.revokedAt == nil, Self.constantTimeEqual(record.secretHash, hash), let user, let role = Role(rawValue: user.role) else {
            throw .unauthenticated("the API key is not valid or was revoked")
        }
        let identity = Identity(user: user.name, role: role, credential: prefix)
        keyCache.withLock { $0[prefix] = (identity, record.secretHash, now.advanced(by: Self.keyCacheLifetime)) }
        return identity
    }

    // MARK: - Helpers

    static func sha256(_ text: String) -> String { SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined() }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let a = Array(a.utf8), b = Array(b.utf8)
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Letters and digits from the system's secure generator.
    public static func randomToken(length: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// Runs CPU-heavy work (bcrypt) away from the threads serving requests.
    static func offThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await Task.detached(priority: .medium) { work() }.value
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
