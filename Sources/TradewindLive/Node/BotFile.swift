public import Foundation
import TradewindCore
import TradewindRisk
import TradewindSimulation
import TradewindStrategy
import Yams

/// `bot.yaml`, as written by a user (snake_case keys). See docs/LIVE.md for every field.
public struct BotFile: Decodable, Sendable {
    public struct InstrumentEntry: Decodable, Sendable {
        public var symbol: String
        public var venue: String?
        public var price_precision: Int?
        public var size_precision: Int?
        public var tick_size: String?
        public var lot_size: String?
    }

    public struct VenueEntry: Decodable, Sendable {
        public var kind: String
        public var rest: String?
        public var stream: String?
        public var api_key_env: String?
        public var api_key_file: String?
        public var secret_env: String?
        public var secret_file: String?
        public var recv_window: Int?
    }

    public struct FeedEntry: Decodable, Sendable {
        public var kind: String
        public var file: String?
        public var pace_ms: Int?
    }

    public struct FeesEntry: Decodable, Sendable {
        public var maker: String?
        public var taker: String?
    }

    public struct RiskEntry: Decodable, Sendable {
        public var max_order_notional: String?
        public var max_order_quantity: String?
        public var max_position: String?
        public var max_gross_exposure: String?
        public var max_open_orders: Int?
        public var price_band: String?
        public var max_orders_per_second: Int?
        public var daily_loss_limit: String?
        public var max_drawdown: String?
    }

    public var name: String
    public var strategy: String
    public var parameters: [String: String]?
    public var interval: String?
    public var instruments: [InstrumentEntry]
    public var warmup_bars: Int?
    public var starting_cash: String?
    public var on_stop: String?
    public var database: String?
    public var venue: VenueEntry
    public var feed: FeedEntry?
    public var fees: FeesEntry?
    public var risk: RiskEntry?

    public static func load(path: String) throws -> BotFile {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw BotFileError(path: path, problems: ["cannot read the file"]) }
        return try decode(text, path: path)
    }

    public static func decode(_ text: String, path: String) throws -> BotFile {
        do {
            return try YAMLDecoder().decode(BotFile.self, from: text)
        } catch let error as DecodingError {
            throw BotFileError(path: path, problems: [Self.describe(error)])
        } catch {
            throw BotFileError(path: path, problems: ["not valid YAML: \(error)"])
        }
    }

    public static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String { keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): required field is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }

    /// Every problem at once, each with its field; secrets are read here and never printed.
    public func definition(path: String, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> (BotDefinition, BotFile) {
        var problems: [String] = []
        func check<T>(_ field: String, _ make: () throws -> T?) -> T? {
            do { return try make() } catch { problems.append("\(field): \(error)"); return nil }
        }
        if name.isEmpty { problems.append("name: must not be empty") }
        let strategyType = check("strategy") { try StrategyCatalog.strategy(named: strategy) }
        let span = check("interval") { () throws -> TimeSpan in try Self.interval(interval ?? "1m") }
        if instruments.isEmpty { problems.append("instruments: at least one is needed") }
        var built: [Instrument] = []
        for (index, entry) in instruments.enumerated() {
            let made = check("instruments[\(index)]") { () throws -> Instrument in
                try Instrument(id: InstrumentID(symbol: entry.symbol, venue: entry.venue ?? (venue.kind == "binance" ? "BINANCE" : "PAPER")),
                               pricePrecision: UInt8(entry.price_precision ?? 2), sizePrecision: UInt8(entry.size_precision ?? 5),
                               tickSize: try entry.tick_size.map { try Price(parsing: $0) }, lotSize: try entry.lot_size.map { try Quantity(parsing: $0) })
            }
            if let made { built.append(made) }
        }
        let cash = check("starting_cash") { try Money(parsing: starting_cash ?? "10000") }
        let onStop = check("on_stop") { () throws -> BotDefinition.OnStop in
            guard let value = BotDefinition.OnStop(rawValue: on_stop ?? "cancel") else { throw Reason("must be cancel or keep, got \(on_stop ?? "")") }
            return value
        }
        if !["paper", "binance"].contains(venue.kind) { problems.append("venue.kind: must be paper or binance, got \(venue.kind)") }
        if let kind = feed?.kind, !["binance", "replay"].contains(kind) { problems.append("feed.kind: must be binance or replay, got \(kind)") }
        if feed?.kind == "replay" && feed?.file == nil { problems.append("feed.file: a replay feed needs a bar file") }
        if venue.kind == "binance" {
            if venue.rest == nil { problems.append("venue.rest: the REST base URL is required (e.g. https://api.binance.com)") }
            if venue.stream == nil { problems.append("venue.stream: the stream base URL is required (e.g. wss://stream.binance.com:9443)") }
            _ = check("venue.api_key") { try Self.secret(env: venue.api_key_env, file: venue.api_key_file, environment: environment, what: "API key") }
            _ = check("venue.secret") { try Self.secret(env: venue.secret_env, file: venue.secret_file, environment: environment, what: "secret") }
        }
        let maker = check("fees.maker") { try Rate(parsing: fees?.maker ?? "0") }
        let taker = check("fees.taker") { try Rate(parsing: fees?.taker ?? fees?.maker ?? "0") }
        let limits = check("risk") { () throws -> RiskLimits? in try risk.map(Self.limits) }
        if let parameters, let strategyType {
            _ = check("parameters") { () throws -> Bool in
                _ = try ParameterValues.resolve(parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }, against: strategyType.parameterSpecification)
                return true
            }
        }
        guard problems.isEmpty, let span, let cash, let onStop, let maker, let taker else { throw BotFileError(path: path, problems: problems) }
        let definition = BotDefinition(name: name, strategy: strategy, parameters: (parameters ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                                       instruments: built, interval: span, warmupBars: warmup_bars ?? 100, startingCash: cash,
                                       fees: FeeModel(maker: maker, taker: taker), risk: limits ?? nil, onStop: onStop)
        return (definition, self)
    }

    static func interval(_ text: String) throws -> TimeSpan {
        guard let span = TimeSpan(compact: text), span > .zero else { throw Reason("expected e.g. 1m, 15m, 1h, 1d; got \(text)") }
        return span
    }

    public static func secret(env: String?, file: String?, environment: [String: String], what: String) throws -> String {
        if let env, let value = environment[env], !value.isEmpty { return value }
        if let file {
            guard let value = try? String(contentsOfFile: file, encoding: .utf8) else { throw Reason("cannot read the \(what) file \(file)") }
            return value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        throw Reason("the \(what) must come from an environment variable (\(env ?? "…_env")) or a file (…_file)")
    }

    static func limits(_ entry: RiskEntry) throws -> RiskLimits {
        RiskLimits(maxOrderNotional: try entry.max_order_notional.map { try Money(parsing: $0) },
                   maxOrderQuantity: try entry.max_order_quantity.map { try Quantity(parsing: $0) },
                   maxPositionQuantity: try entry.max_position.map { try Quantity(parsing: $0) },
                   maxGrossExposure: try entry.max_gross_exposure.map { try Money(parsing: $0) },
                   maxOpenOrders: entry.max_open_orders, priceBand: try entry.price_band.map { try Rate(parsing: $0) },
                   maxOrdersPerSecond: entry.max_orders_per_second, dailyLossLimit: try entry.daily_loss_limit.map { try Money(parsing: $0) },
                   maxDrawdown: try entry.max_drawdown.map { try Rate(parsing: $0) })
    }
}

struct Reason: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A bot file that cannot run, with every problem found.
public struct BotFileError: Error, CustomStringConvertible {
    public var path: String
    public var problems: [String]
    public init(path: String, problems: [String]) {
        self.path = path
        self.problems = problems
    }
    public var description: String { "invalid bot file \(path):\n" + problems.map { "  - \($0)" }.joined(separator: "\n") }
}
