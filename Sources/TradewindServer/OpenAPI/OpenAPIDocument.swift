import Foundation

/// The OpenAPI 3.1 description of `/api/v1`, served at `/api/v1/openapi.json`.
///
/// Built from the same route table the router uses (``OpenAPIDocument/operations``), and kept
/// true by a test that runs schemathesis against the live server: every response of every
/// operation must match the schema and status codes written here.
enum OpenAPIDocument {
    typealias J = JSONDetails

    struct Operation {
        var method: String
        var path: String
        var summary: String
        /// Lowest role allowed; `nil` = no login.
        var role: Role?
        var parameters: [J] = []
        var body: J?
        var bodyType = "application/json"
        /// Status → schema (`nil` = no body).
        var responses: [(Int, J?)]
        var errors: [Int] = []
        var contentType = "application/json"
    }

    static func ref(_ name: String) -> J { .object(["$ref": .string("#/components/schemas/\(name)")]) }
    static func string(_ format: String? = nil) -> J {
        format.map { .object(["type": .string("string"), "format": .string($0)]) } ?? .object(["type": .string("string")])
    }
    static func nullable(_ type: String) -> J { .object(["type": .array([.string(type), .string("null")])]) }
    static let integer: J = .object(["type": .string("integer")])
    static let boolean: J = .object(["type": .string("boolean")])
    static let decimal: J = .object(["type": .string("string"), "pattern": .string("^-?[0-9]+(\\.[0-9]+)?$"),
                                     "description": .string("an exact decimal number")])
    static func object(_ properties: [String: J], required: [String]? = nil) -> J {
        .object(["type": .string("object"), "properties": .object(properties),
                 "required": .array((required ?? properties.keys.sorted()).map(J.string))])
    }
    static func list(_ item: J) -> J { object(["items": .object(["type": .string("array"), "items": item])]) }
    static func pathParameter(_ name: String, integer isInteger: Bool = false, example: J) -> J {
        .object(["name": .string(name), "in": .string("path"), "required": .bool(true), "schema": isInteger ? integer : string(), "example": example])
    }
    static let botName = pathParameter("name", example: .string("paper-goog"))
    static let studyName = pathParameter("name", example: .string("sma-study"))
    static let jobID = pathParameter("id", integer: true, example: .number(1))
    static let alertID = pathParameter("id", integer: true, example: .number(1))
    static func query(_ name: String, _ schema: J, required: Bool = false) -> J {
        .object(["name": .string(name), "in": .string("query"), "required": .bool(required), "schema": schema])
    }
    static let limit = query("limit", .object(["type": .string("integer"), "minimum": .number(1), "maximum": .number(10_000)]))

    static let schemas: [String: J] = [
        "Error": object(["error": object(["code": string(), "message": string(), "details": .object([:])], required: ["code", "message"])]),
        "Health": object(["status": string(), "checks": .object(["type": .string("array"), "items":
            object(["name": string(), "ok": boolean, "detail": string()])])]),
        "LoginRequest": object(["username": string(), "password": string()]),
        "Token": object(["token": string(), "token_type": string(), "expires_at": string("date-time"), "role": ref("Role")]),
        "Role": .object(["type": .string("string"), "enum": .array(Role.allCases.map { .string($0.rawValue) })]),
        "Me": object(["user": string(), "role": ref("Role"), "credential": string()]),
        "KeyRequest": object(["name": string()]),
        "APIKey": object(["id": integer, "name": string(), "prefix": string(), "created_at": string("date-time"), "revoked_at": string("date-time"),
                          "key": .object(["type": .string("string"), "description": .string("the whole key: only in the answer that creates it")])],
                         required: ["id", "name", "prefix", "created_at"]),
        "UserRequest": object(["name": string(), "password": string(), "role": ref("Role")]),
        "User": object(["id": integer, "name": string(), "role": ref("Role"), "created_at": string("date-time")]),
        "Bot": object(["name": string(), "owner": string(), "state": string(), "trading_state": string(), "running": boolean, "equity": decimal,
                       "pnl": decimal, "cash": decimal, "fees": decimal, "open_orders": integer, "trades": integer, "last_error": string(),
                       "created_at": string("date-time"), "updated_at": string("date-time")],
                      required: ["name", "owner", "state", "trading_state", "running", "equity", "pnl", "cash", "fees", "open_orders", "trades",
                                 "created_at", "updated_at"]),
        "Order": object(["client_order_id": string(), "instrument": string(), "side": string(), "quantity": decimal, "filled": decimal,
                         "average_price": decimal, "status": string(), "reason": string(), "created_at": string("date-time")],
                        required: ["client_order_id", "instrument", "side", "quantity", "filled", "status", "created_at"]),
        "Trade": object(["trade_id": string(), "client_order_id": string(), "instrument": string(), "side": string(), "quantity": decimal,
                         "price": decimal, "fee": decimal, "time": string("date-time")]),
        "Position": object(["instrument": string(), "quantity": decimal, "last_price": decimal, "market_value": decimal],
                           required: ["instrument", "quantity", "market_value"]),
        "EquityPoint": object(["time": string("date-time"), "equity": decimal]),
        "PnL": object(["starting_cash": decimal, "equity": decimal, "pnl": decimal, "fees": decimal,
                       "equity_curve": .object(["type": .string("array"), "items": ref("EquityPoint")])]),
        "Study": object(["id": integer, "name": string(), "status": string(), "definition": string(), "created_at": string("date-time"),
                         "updated_at": string("date-time")]),
        "Trial": object(["number": integer, "parameters": string(), "status": string(), "objective": .object(["type": .string("number")]),
                         "worker": string(), "attempts": integer, "started_at": string("date-time"), "finished_at": string("date-time")],
                        required: ["number", "parameters", "status", "attempts"]),
        "Instrument": object(["id": string(), "symbol": string(), "venue": string(), "price_precision": integer, "size_precision": integer,
                              "tick_size": decimal, "lot_size": decimal, "calendar": string()],
                             required: ["id", "symbol", "venue", "price_precision", "size_precision", "tick_size", "lot_size"]),
        "Series": object(["instrument": string(), "timeframe": string(), "first": string("date-time"), "last": string("date-time"), "count": integer]),
        "Candles": object(["instrument": string(), "timeframe": string(), "items": .object(["type": .string("array"), "items":
            object(["open_time": string("date-time"), "close_time": string("date-time"), "open": decimal, "high": decimal, "low": decimal,
                    "close": decimal, "volume": decimal])])]),
        "BacktestRequest": object(["strategy": string(), "parameters": .object(["type": .string("object"), "additionalProperties": string()]),
                                   "instrument": string(), "timeframe": string(), "from": string(), "to": string(), "starting_cash": decimal,
                                   "commission": decimal], required: ["strategy", "instrument"]),
        "BacktestJob": object(["id": integer, "status": .object(["type": .string("string"), "enum": .array(["queued", "running", "succeeded", "failed"].map(J.string))]),
                               "submitted_by": string(), "submitted_at": string("date-time"), "finished_at": string("date-time"), "run_id": integer,
                               "error": string(), "request": ref("BacktestRequest"), "final_equity": decimal, "trade_count": integer],
                              required: ["id", "status", "submitted_by", "submitted_at"]),
        "AuditEntry": object(["time": string("date-time"), "actor": string(), "action": string(), "target": string(), "details": string()]),
        "Config": object(["checksum": string(), "pending_restart": .object(["type": .string("array"), "items": string()]),
                          "settings": .object(["type": .string("array"), "items": object(["key": string(), "value": string(), "source": string(),
                                                                                        "reloadable": boolean, "secret": boolean])])]),
        "ConfigVersion": object(["version": integer, "created_at": string("date-time"), "author": string(), "checksum": string(), "content": string()]),
        "Alert": object(["id": integer, "rule": string(), "subject": string(), "severity": ref("Severity"),
                         "state": .object(["type": .string("string"), "enum": .array(["firing", "acknowledged", "resolved"].map(J.string))]),
                         "message": string(), "value": .object(["type": .string("number")]), "definition": string(), "occurrences": integer,
                         "fired_at": string("date-time"), "last_seen_at": string("date-time"), "last_notified_at": string("date-time"),
                         "escalation_level": integer, "acknowledged_by": string(), "acknowledged_at": string("date-time"),
                         "resolved_by": string(), "resolved_at": string("date-time")],
                        required: ["id", "rule", "subject", "severity", "state", "message", "value", "definition", "occurrences", "fired_at",
                                   "last_seen_at", "escalation_level"]),
        "Severity": .object(["type": .string("string"), "enum": .array(["info", "warning", "critical"].map(J.string))]),
        "Notification": object(["id": integer, "created_at": string("date-time"), "severity": ref("Severity"), "category": string(),
                                "subject": string(), "bot": string(), "channel": string(), "title": string(), "body": string(),
                                "status": .object(["type": .string("string"), "enum": .array(["pending", "retrying", "sent", "dead"].map(J.string))]),
                                "attempts": integer, "last_error": string(), "sent_at": string("date-time"), "alert_id": integer],
                               required: ["id", "created_at", "severity", "category", "subject", "channel", "title", "body", "status", "attempts"]),
        "Reload": object(["outcome": string(), "changed": .object(["type": .string("array"), "items": string()]),
                          "restart_required": .object(["type": .string("array"), "items": string()]), "version": integer],
                         required: ["outcome", "changed", "restart_required"]),
    ]

    static let operations: [Operation] = [
        Operation(method: "post", path: "/auth/login", summary: "Log in; returns a short-lived bearer token", role: nil,
                  body: ref("LoginRequest"), responses: [(200, ref("Token"))], errors: [400, 401, 422, 429]),
        Operation(method: "get", path: "/auth/me", summary: "The caller", role: .viewer, responses: [(200, ref("Me"))]),
        Operation(method: "get", path: "/auth/keys", summary: "The caller's API keys (never the keys themselves)", role: .viewer,
                  responses: [(200, list(ref("APIKey")))]),
        Operation(method: "post", path: "/auth/keys", summary: "Create an API key; the key is in this answer only", role: .viewer,
                  body: ref("KeyRequest"), responses: [(201, ref("APIKey"))], errors: [400, 422]),
        Operation(method: "delete", path: "/auth/keys/{id}", summary: "Revoke one of the caller's API keys", role: .viewer,
                  parameters: [pathParameter("id", integer: true, example: .number(1))], responses: [(204, nil)], errors: [404]),
        Operation(method: "get", path: "/users", summary: "Users", role: .admin, responses: [(200, list(ref("User")))]),
        Operation(method: "post", path: "/users", summary: "Create a user", role: .admin, body: ref("UserRequest"),
                  responses: [(201, ref("User"))], errors: [400, 409, 422]),
        Operation(method: "get", path: "/bots", summary: "Bots the caller may see", role: .viewer, responses: [(200, list(ref("Bot")))]),
        Operation(method: "post", path: "/bots", summary: "Create a bot from its bot file (YAML, as for `tradewind bot run`)", role: .trader,
                  body: string(), bodyType: "application/yaml", responses: [(201, ref("Bot"))], errors: [409, 413, 422]),
        Operation(method: "get", path: "/bots/{name}", summary: "One bot", role: .viewer, parameters: [botName],
                  responses: [(200, ref("Bot"))], errors: [404]),
        Operation(method: "post", path: "/bots/{name}/start", summary: "Start a bot (recovery and reconciliation first)", role: .trader,
                  parameters: [botName], responses: [(202, ref("Bot"))], errors: [404, 409, 422, 502]),
        Operation(method: "post", path: "/bots/{name}/stop", summary: "Stop a running bot", role: .trader, parameters: [botName],
                  responses: [(200, ref("Bot"))], errors: [404, 409]),
        Operation(method: "get", path: "/bots/{name}/orders", summary: "The bot's orders", role: .viewer, parameters: [botName],
                  responses: [(200, list(ref("Order")))], errors: [404]),
        Operation(method: "get", path: "/bots/{name}/trades", summary: "The bot's fills", role: .viewer, parameters: [botName],
                  responses: [(200, list(ref("Trade")))], errors: [404]),
        Operation(method: "get", path: "/bots/{name}/positions", summary: "The bot's positions", role: .viewer, parameters: [botName],
                  responses: [(200, list(ref("Position")))], errors: [404]),
        Operation(method: "get", path: "/bots/{name}/pnl", summary: "The bot's PnL and equity curve", role: .viewer, parameters: [botName],
                  responses: [(200, ref("PnL"))], errors: [404]),
        Operation(method: "get", path: "/backtests", summary: "Backtest jobs, newest first", role: .viewer, parameters: [limit],
                  responses: [(200, list(ref("BacktestJob")))], errors: [422]),
        Operation(method: "post", path: "/backtests", summary: "Submit a backtest on a stored series; runs in the background", role: .trader,
                  body: ref("BacktestRequest"), responses: [(202, ref("BacktestJob"))], errors: [400, 422]),
        Operation(method: "get", path: "/backtests/{id}", summary: "One backtest job", role: .viewer, parameters: [jobID],
                  responses: [(200, ref("BacktestJob"))], errors: [404]),
        Operation(method: "get", path: "/backtests/{id}/result", summary: "The results document of a finished backtest", role: .viewer,
                  parameters: [jobID], responses: [(200, .object(["type": .string("object")]))], errors: [404, 409]),
        Operation(method: "get", path: "/backtests/{id}/report", summary: "The HTML report of a finished backtest", role: .viewer,
                  parameters: [jobID], responses: [(200, string())], errors: [404, 409], contentType: "text/html"),
        Operation(method: "get", path: "/studies", summary: "Optimization studies", role: .viewer, responses: [(200, list(ref("Study")))]),
        Operation(method: "get", path: "/studies/{name}", summary: "One study", role: .viewer, parameters: [studyName],
                  responses: [(200, ref("Study"))], errors: [404]),
        Operation(method: "get", path: "/studies/{name}/trials", summary: "A study's trials", role: .viewer, parameters: [studyName],
                  responses: [(200, list(ref("Trial")))], errors: [404]),
        Operation(method: "get", path: "/data/instruments", summary: "Stored instruments", role: .viewer, responses: [(200, list(ref("Instrument")))]),
        Operation(method: "get", path: "/data/series", summary: "Stored candle series", role: .viewer, responses: [(200, list(ref("Series")))]),
        Operation(method: "get", path: "/data/candles", summary: "Candles of a stored series", role: .viewer,
                  parameters: [query("instrument", string(), required: true), query("timeframe", string()), query("from", string()), query("to", string()),
                               query("limit", .object(["type": .string("integer"), "minimum": .number(1), "maximum": .number(100_000)]))],
                  responses: [(200, ref("Candles"))], errors: [404, 422]),
        Operation(method: "get", path: "/audit", summary: "The audit log, newest first", role: .admin, parameters: [limit],
                  responses: [(200, list(ref("AuditEntry")))], errors: [422]),
        Operation(method: "get", path: "/alerts", summary: "Alerts, newest first (all states unless filtered)", role: .viewer,
                  parameters: [limit, query("state", string())], responses: [(200, list(ref("Alert")))], errors: [422]),
        Operation(method: "get", path: "/alerts/{id}", summary: "One alert", role: .viewer, parameters: [alertID],
                  responses: [(200, ref("Alert"))], errors: [404]),
        Operation(method: "post", path: "/alerts/{id}/ack", summary: "Acknowledge an alert (stops its escalation)", role: .trader,
                  parameters: [alertID], responses: [(200, ref("Alert"))], errors: [404, 409]),
        Operation(method: "post", path: "/alerts/{id}/resolve", summary: "Resolve an alert", role: .trader, parameters: [alertID],
                  responses: [(200, ref("Alert"))], errors: [404]),
        Operation(method: "get", path: "/notifications", summary: "Notifications sent or owed, with their delivery history, newest first",
                  role: .admin, parameters: [limit, query("status", string())], responses: [(200, list(ref("Notification")))], errors: [422]),
        Operation(method: "get", path: "/config", summary: "The effective configuration, secrets redacted", role: .admin, responses: [(200, ref("Config"))]),
        Operation(method: "get", path: "/config/versions", summary: "Applied configuration versions", role: .admin, parameters: [limit],
                  responses: [(200, list(ref("ConfigVersion")))], errors: [422]),
        Operation(method: "post", path: "/config/reload", summary: "Re-read the configuration; a valid change applies atomically", role: .admin,
                  responses: [(200, ref("Reload"))], errors: [422]),
    ]

    /// The document as JSON bytes.
    static func json() -> [UInt8] {
        var paths: [String: [String: J]] = [:]
        for operation in operations {
            var responses: [String: J] = [:]
            for (status, schema) in operation.responses {
                var response: [String: J] = ["description": .string(status == 204 ? "done" : "success")]
                if let schema { response["content"] = .object([operation.contentType: .object(["schema": schema])]) }
                responses[String(status)] = .object(response)
            }
            var errors = Set(operation.errors)
            if operation.role != nil { errors.formUnion([401, 403, 429]) }
            if operation.body != nil { errors.formUnion([400, 413]) }
            for status in errors.sorted() {
                responses[String(status)] = .object(["description": .string(HTTPStatusText.text(status)),
                                                     "content": .object(["application/json": .object(["schema": ref("Error")])])])
            }
            var entry: [String: J] = ["summary": .string(operation.summary), "operationId": .string(operationID(operation)),
                                      "responses": .object(responses)]
            if !operation.parameters.isEmpty { entry["parameters"] = .array(operation.parameters) }
            if let body = operation.body {
                entry["requestBody"] = .object(["required": .bool(true), "content": .object([operation.bodyType: .object(["schema": body])])])
            }
            if let role = operation.role {
                entry["security"] = .array([.object(["bearer": .array([])]), .object(["apiKey": .array([])])])
                entry["x-required-role"] = .string(role.rawValue)
            } else {
                entry["security"] = .array([])
            }
            paths[operation.path, default: [:]][operation.method] = .object(entry)
        }
        let document: J = .object([
            "openapi": .string("3.1.0"),
            "info": .object(["title": .string("Tradewind API"), "version": .string("1"),
                             "description": .string("Bots, backtests, studies, data and operations. Errors: {\"error\": {\"code\", \"message\", \"details\"}}.")]),
            "servers": .array([.object(["url": .string("/api/v1")])]),
            "paths": .object(paths.mapValues { .object($0) }),
            "components": .object([
                "schemas": .object(schemas),
                "securitySchemes": .object([
                    "bearer": .object(["type": .string("http"), "scheme": .string("bearer"), "bearerFormat": .string("JWT or API key")]),
                    "apiKey": .object(["type": .string("apiKey"), "in": .string("header"), "name": .string("X-API-Key")]),
                ]),
            ]),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(document)) ?? Data())
    }

    static func operationID(_ operation: Operation) -> String {
        operation.method + operation.path.split(separator: "/").map { part in
            let clean = part.replacingOccurrences(of: "{", with: "by_").replacingOccurrences(of: "}", with: "")
            return clean.prefix(1).uppercased() + clean.dropFirst()
        }.joined()
    }
}

enum HTTPStatusText {
    static func text(_ status: Int) -> String {
        switch status {
        case 400: "the body is not valid JSON"
        case 401: "no valid token or API key"
        case 403: "the caller's role does not allow this"
        case 404: "not found (or not visible to the caller)"
        case 409: "conflicts with the current state"
        case 413: "the body is too large"
        case 422: "the request is invalid; details say why"
        case 429: "rate limited; see Retry-After"
        case 502: "the venue failed"
        default: "error"
        }
    }
}
