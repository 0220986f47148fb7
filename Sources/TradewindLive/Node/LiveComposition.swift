import Foundation
public import Logging
public import TradewindAlerts
public import TradewindCore
import TradewindMarketData
public import TradewindStorage
import TradewindStrategy

/// A bot the node can run without knowing its strategy type.
public protocol RunnableBot: Sendable {
    func run() async throws
    /// Asks the bot to stop after its current bar; ``run()`` returns once it has.
    func stop() async
    var status: BotStatus { get async }
    /// Its orders, positions and equity as journaled so far.
    var workingOrders: [Order] { get async }
    /// Bar-to-order latency (journal write included), 99th percentile of the last 1,000 orders, in ms.
    var recentLatencyP99Milliseconds: Double? { get async }
}

extension TradingBot: RunnableBot {}

/// Builds bots from their files: venue adapter, feed, journal and the strategy, specialised.
public enum LiveComposition {
    public static func makeBot(_ definition: BotDefinition, file: BotFile, journal: any BotJournal, notices: (any NoticeSink)? = nil,
                               logger: Logger) throws -> any RunnableBot {
        let environment = ProcessInfo.processInfo.environment
        let adapter: any VenueAdapter
        var binanceREST: BinanceRESTClient?
        if file.venue.kind == "binance" {
            let endpoint = BinanceEndpoint(
                restBase: file.venue.rest!, streamBase: file.venue.stream!,
                apiKey: try BotFile.secret(env: file.venue.api_key_env, file: file.venue.api_key_file, environment: environment, what: "API key"),
                secret: try BotFile.secret(env: file.venue.secret_env, file: file.venue.secret_file, environment: environment, what: "secret"),
                receiveWindow: file.venue.recv_window ?? 5_000)
            let binance = BinanceSpotAdapter(endpoint: endpoint, logger: logger)
            binanceREST = binance.rest
            adapter = binance
        } else {
            adapter = PaperVenue(instruments: definition.instruments, fees: definition.fees, fillModel: definition.fillModel)
        }
        let feed: any MarketFeed
        switch file.feed?.kind ?? file.venue.kind {
        case "replay":
            var series: [InstrumentID: [Bar]] = [:]
            for instrument in definition.instruments {
                series[instrument.id] = try CSVBarFile.load(path: file.feed!.file!, instrumentID: instrument.id).bars
            }
            feed = ReplayFeed(series: series, warmup: definition.warmupBars, pace: .milliseconds(file.feed?.pace_ms ?? 0))
        default:
            guard let rest = binanceREST ?? file.venue.rest.map({ base in
                BinanceRESTClient(endpoint: BinanceEndpoint(restBase: base, streamBase: file.venue.stream ?? "wss://stream.binance.com:9443",
                                                            apiKey: "", secret: ""))
            }) else { throw BotFileError(path: file.name, problems: ["feed: a binance feed needs venue.rest and venue.stream"]) }
            feed = BinanceMarketFeed(rest: rest, logger: logger)
        }
        let type = try StrategyCatalog.strategy(named: definition.strategy)
        return try open(type, definition: definition, adapter: adapter, feed: feed, journal: journal, notices: notices, logger: logger)
    }

    private static func open(_ type: any Strategy.Type, definition: BotDefinition, adapter: any VenueAdapter, feed: any MarketFeed,
                             journal: any BotJournal, notices: (any NoticeSink)?, logger: Logger) throws -> any RunnableBot {
        switch type {
        case let sma as SMACross.Type: try make(sma, definition, adapter, feed, journal, notices, logger)
        default: try make(type, definition, adapter, feed, journal, notices, logger)
        }
    }

    private static func make<S: Strategy>(_ type: S.Type, _ definition: BotDefinition, _ adapter: any VenueAdapter, _ feed: any MarketFeed,
                                          _ journal: any BotJournal, _ notices: (any NoticeSink)?, _ logger: Logger) throws -> any RunnableBot {
        TradingBot(definition: definition, strategy: try S.make(definition.parameters), adapter: adapter, feed: feed, journal: journal,
                   notices: notices, logger: logger)
    }
}

