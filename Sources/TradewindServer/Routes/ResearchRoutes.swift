import Foundation
import Hummingbird
import TradewindConfiguration
import TradewindCore
import TradewindStorage

/// `/studies` and `/data`: what research left in the store.
struct ResearchRoutes {
    let store: any Store

    struct StudyView: Encodable { var id: Int64; var name: String; var status: String; var definition: String; var createdAt: String; var updatedAt: String }
    struct TrialView: Encodable {
        var number: Int; var parameters: String; var status: String; var objective: Double?; var worker: String?; var attempts: Int
        var startedAt: String?; var finishedAt: String?
    }
    struct InstrumentView: Encodable {
        var id: String; var symbol: String; var venue: String; var pricePrecision: Int; var sizePrecision: Int; var tickSize: String; var lotSize: String
        var calendar: String?
    }
    struct SeriesView: Encodable { var instrument: String; var timeframe: String; var first: String; var last: String; var count: Int }
    struct CandleView: Encodable { var openTime: String; var closeTime: String; var open: String; var high: String; var low: String; var close: String; var volume: String }
    struct CandlesView: Encodable { var instrument: String; var timeframe: String; var items: [CandleView] }

    func add(to api: RouterGroup<ServerContext>) {
        api.get("studies") { _, context in
            try context.require(.viewer)
            return try Wire.json(ListView(items: try await store.studies().map(Self.view)))
        }
        api.get("studies/{name}") { _, context in
            try context.require(.viewer)
            return try Wire.json(Self.view(try await study(context)))
        }
        api.get("studies/{name}/trials") { _, context in
            try context.require(.viewer)
            let trials = try await store.trials(study: try await study(context).id)
            return try Wire.json(ListView(items: trials.map {
                TrialView(number: $0.number, parameters: $0.parameters, status: $0.status.rawValue, objective: $0.objective?.isFinite == true ? $0.objective : nil,
                          worker: $0.worker, attempts: $0.attempts, startedAt: $0.startedAt?.iso8601, finishedAt: $0.finishedAt?.iso8601)
            }))
        }
        api.get("data/instruments") { _, context in
            try context.require(.viewer)
            return try Wire.json(ListView(items: try await store.instruments().map {
                InstrumentView(id: $0.instrument.id.description, symbol: $0.instrument.id.symbol, venue: $0.instrument.id.venue,
                               pricePrecision: Int($0.instrument.pricePrecision), sizePrecision: Int($0.instrument.sizePrecision),
                               tickSize: $0.instrument.tickSize.description, lotSize: $0.instrument.lotSize.description, calendar: $0.calendar)
            }))
        }
        api.get("data/series") { _, context in
            try context.require(.viewer)
            return try Wire.json(ListView(items: try await store.candleSeries().map {
                SeriesView(instrument: $0.instrument.description, timeframe: $0.timeframe, first: $0.first.iso8601, last: $0.last.iso8601, count: $0.count)
            }))
        }
        api.get("data/candles") { request, context in
            try context.require(.viewer)
            let query = request.uri.queryParameters
            guard let text = query.get("instrument"), let dot = text.lastIndex(of: "."), dot != text.startIndex else {
                throw APIError.invalid("instrument is required as SYMBOL.VENUE (e.g. GOOG.XNAS)", details: .object(["field": .string("instrument")]))
            }
            let id = InstrumentID(symbol: String(text[..<dot]), venue: String(text[text.index(after: dot)...]))
            let timeframe = query.get("timeframe") ?? "1d"
            let from = try Self.time(query.get("from"), field: "from"), to = try Self.time(query.get("to"), field: "to")
            let limit = try Wire.limit(request, default: 1_000, maximum: 100_000)
            guard try await store.instrument(id) != nil else { throw APIError.notFound("instrument \(id)") }
            let bars = try await store.candles(instrument: id, timeframe: timeframe, from: from, to: to)
            return try Wire.json(CandlesView(instrument: id.description, timeframe: timeframe, items: bars.suffix(limit).map {
                CandleView(openTime: $0.openTime.iso8601, closeTime: $0.closeTime.iso8601, open: $0.open.description, high: $0.high.description,
                           low: $0.low.description, close: $0.close.description, volume: $0.volume.description)
            }))
        }
    }

    func study(_ context: ServerContext) async throws -> StudyRecord {
        let name = context.parameters.get("name") ?? ""
        guard let study = try await store.study(named: name) else { throw APIError.notFound("study \(name)") }
        return study
    }

    static func view(_ study: StudyRecord) -> StudyView {
        StudyView(id: study.id, name: study.name, status: study.status, definition: study.definition, createdAt: study.createdAt.iso8601,
                  updatedAt: study.updatedAt.iso8601)
    }

    /// `2024-01-31`, `2024-01-31T12:00:00Z` or seconds since the epoch.
    static func time(_ text: String?, field: String) throws -> Timestamp? {
        guard let text else { return nil }
        if let seconds = Int64(text) { return Timestamp(secondsSinceEpoch: seconds) }
        let digits = text.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        if digits.count >= 3, let time = Timestamp(year: digits[0], month: digits[1], day: digits[2], hour: digits.count > 3 ? digits[3] : 0,
                                                   minute: digits.count > 4 ? digits[4] : 0, second: digits.count > 5 ? digits[5] : 0) {
            return time
        }
        throw APIError.invalid("\(field) must be a date (2024-01-31), a UTC time (2024-01-31T12:00:00Z) or epoch seconds",
                               details: .object(["field": .string(field)]))
    }
}

/// `/audit`, `/config`: what administrators read and do.
struct AdminRoutes {
    let store: any Store
    let configuration: ConfigurationReloader

    struct AuditView: Encodable { var time: String; var actor: String; var action: String; var target: String; var details: String }
    struct SettingView: Encodable { var key: String; var value: String; var source: String; var reloadable: Bool; var secret: Bool }
    struct ConfigView: Encodable { var checksum: String; var pendingRestart: [String]; var settings: [SettingView] }
    struct VersionView: Encodable { var version: Int64; var createdAt: String; var author: String; var checksum: String; var content: String }
    struct ReloadView: Encodable { var outcome: String; var changed: [String]; var restartRequired: [String]; var version: Int64? }

    func add(to api: RouterGroup<ServerContext>) {
        api.get("audit") { request, context in
            try context.require(.admin)
            return try Wire.json(ListView(items: try await store.auditLog(limit: Wire.limit(request)).map {
                AuditView(time: $0.time.iso8601, actor: $0.actor, action: $0.action, target: $0.target, details: $0.details)
            }))
        }
        api.get("config") { _, context in
            try context.require(.admin)
            let loaded = configuration.center.loaded
            return try Wire.json(ConfigView(checksum: loaded.checksum, pendingRestart: configuration.center.pendingRestart.map(\.rawValue),
                                            settings: loaded.effective.map {
                SettingView(key: $0.field.rawValue, value: $0.display, source: $0.source, reloadable: $0.field.isReloadable, secret: $0.field.isSecret)
            }))
        }
        api.get("config/versions") { request, context in
            try context.require(.admin)
            return try Wire.json(ListView(items: try await store.configVersions(limit: Wire.limit(request)).map {
                VersionView(version: $0.version, createdAt: $0.createdAt.iso8601, author: $0.author, checksum: $0.checksum, content: $0.content)
            }))
        }
        api.post("config/reload") { _, context in
            let identity = try context.require(.admin)
            let (outcome, version) = try await configuration.reload(author: identity.user)
            switch outcome {
            case .unchanged: return try Wire.json(ReloadView(outcome: "unchanged", changed: [], restartRequired: [], version: nil))
            case .applied(let changed, let restart):
                return try Wire.json(ReloadView(outcome: "applied", changed: changed.map(\.rawValue), restartRequired: restart.map(\.rawValue), version: version))
            case .rejected(let error): throw error
            }
        }
    }
}
