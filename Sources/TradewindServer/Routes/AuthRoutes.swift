import Foundation
import Hummingbird
import TradewindCore
import TradewindLive
import TradewindStorage

/// `/auth` (login, the caller, API keys) and `/users` (admin).
struct AuthRoutes {
    let auth: AuthService
    let limiter: RateLimiter

    struct LoginRequest: Decodable { var username: String; var password: String }
    struct LoginResponse: Encodable { var token: String; var tokenType = "Bearer"; var expiresAt: String; var role: String }
    struct MeResponse: Encodable { var user: String; var role: String; var credential: String }
    struct KeyRequest: Decodable { var name: String }
    struct KeyView: Encodable { var id: Int64; var name: String; var prefix: String; var createdAt: String; var revokedAt: String?; var key: String? }
    struct UserRequest: Decodable { var name: String; var password: String; var role: Role }
    struct UserView: Encodable { var id: Int64; var name: String; var role: String; var createdAt: String }

    func add(to api: RouterGroup<ServerContext>) {
        api.post("auth/login") { request, _ in
            let body = try await Wire.decode(LoginRequest.self, from: request)
            // Guessing passwords is slowed per user name, whoever asks.
            if case .limited(let retryAfter) = limiter.take("login:" + body.username) { throw APIError.rateLimited(retryAfter: retryAfter) }
            let token = try await auth.login(user: body.username, password: body.password)
            return try Wire.json(LoginResponse(token: token.token, expiresAt: Timestamp(secondsSinceEpoch: Int64(token.expiresAt.timeIntervalSince1970)).iso8601,
                                               role: token.role.rawValue))
        }
        api.get("auth/me") { _, context in
            let identity = try context.caller()
            return try Wire.json(MeResponse(user: identity.user, role: identity.role.rawValue, credential: identity.credential))
        }
        api.get("auth/keys") { _, context in
            let identity = try context.require(.viewer)
            guard let user = try await auth.store.user(named: identity.user) else { throw APIError.unauthenticated() }
            return try Wire.json(ListView(items: try await auth.store.apiKeys(user: user.id).map(Self.view)))
        }
        api.post("auth/keys") { request, context in
            let identity = try context.require(.viewer)
            let body = try await Wire.decode(KeyRequest.self, from: request)
            let created = try await auth.createAPIKey(for: identity, name: body.name, now: WallClock.now())
            var view = Self.view(created.record)
            view.key = created.key
            return try Wire.json(view, status: .created)
        }
        api.delete("auth/keys/{id}") { _, context in
            let identity = try context.require(.viewer)
            guard let id = context.parameters.get("id", as: Int64.self) else { throw APIError.notFound("API key") }
            try await auth.revokeAPIKey(id: id, of: identity, now: WallClock.now())
            return Response(status: .noContent)
        }
        api.get("users") { _, context in
            try context.require(.admin)
            return try Wire.json(ListView(items: try await auth.store.users().map(Self.view)))
        }
        api.post("users") { request, context in
            try context.require(.admin)
            let body = try await Wire.decode(UserRequest.self, from: request)
            let user = try await auth.createUser(name: body.name, password: body.password, role: body.role, now: WallClock.now())
            return try Wire.json(Self.view(user), status: .created)
        }
    }

    static func view(_ record: APIKeyRecord) -> KeyView {
        KeyView(id: record.id, name: record.name, prefix: record.prefix, createdAt: record.createdAt.iso8601, revokedAt: record.revokedAt?.iso8601, key: nil)
    }

    static func view(_ user: UserRecord) -> UserView {
        UserView(id: user.id, name: user.name, role: user.role, createdAt: user.createdAt.iso8601)
    }
}
