public import Hummingbird
public import HummingbirdWebSocket

/// Who is calling and in which request: set by the middlewares, read by the routes.
public struct ServerContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    /// Set by ``Authenticator`` on every authenticated route.
    public var identity: Identity?
    /// The correlation id of the request (`X-Request-ID`), also on every log line it causes.
    public var requestID: String = ""

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
    }

    /// The caller, or 401.
    public func caller() throws(APIError) -> Identity {
        guard let identity else { throw .unauthenticated() }
        return identity
    }

    /// The caller if their role is at least `role`; 401 or 403 otherwise.
    @discardableResult
    public func require(_ role: Role) throws(APIError) -> Identity {
        let identity = try caller()
        guard identity.role >= role else { throw .forbidden(role) }
        return identity
    }
}

/// The roles, each allowed everything the one before it is.
public enum Role: String, Sendable, Comparable, CaseIterable, Codable {
    /// Reads everything an operator watches: bots, runs, data, alerts.
    case viewer
    /// Also starts, stops and creates bots, submits backtests, manages own API keys.
    case trader
    /// Also manages users, reads the audit log and the configuration, reloads it.
    case admin

    var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }
}

/// An authenticated caller.
public struct Identity: Sendable, Equatable {
    public var user: String
    public var role: Role
    /// `token` or the API key's prefix: rate limits and audit entries say which.
    public var credential: String

    public init(user: String, role: Role, credential: String) {
        self.user = user
        self.role = role
        self.credential = credential
    }
}
