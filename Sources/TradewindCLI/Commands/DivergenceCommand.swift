import ArgumentParser
import Foundation
import TradewindResearch
import TradewindCore
import TradewindLive
import TradewindMarketData
import TradewindSimulation
import TradewindStorage
import TradewindStrategy

struct DivergenceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "divergence",
        abstract: "Replay a bot's period through the backtest engine and show where live and backtest differ, and why.",
        discussion: """
        Uses the bars the bot saw (from its journal), the strategy and parameters it ran with, and its fee model. \
        Orders are paired by the bar that caused them; each difference names its likely cause (latency, slippage, \
        partial fill, missed bar, rejection, fees).
        """)

    @Option(help: "The bot's name.") var bot: String
    @OptionGroup var store: StoreOptions
    @Option(help: "First bar close to compare (ISO 8601; default: the bot's first live bar).") var from: String?
    @Option(help: "Last bar close to compare (ISO 8601; default: the last bar).") var to: String?
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        try await CLIFailure.run {
            let database = try await store.open()
            let found = try await database.bot(named: bot)
            var rows: [BotEventRecord] = []
            if let found { rows = try await database.events(bot: found.id, after: nil) }
            await database.close()
            guard found != nil else { throw ValidationError("no bot named \(bot) in \(store.url)") }
            guard let started = rows.last(where: { $0.kind == "bot.started" }),
                  let fields = try? JSONDecoder().decode([String: String].self, from: Data(started.payload.utf8)),
                  let text = fields["definition"], let snapshot = try? JSONDecoder().decode(BotSnapshot.self, from: Data(text.utf8)) else {
                throw ValidationError("bot \(bot) has no recorded definition (it never started with this version)")
            }
            let instruments = try snapshot.instrumentList()
            let (series, firstLive) = try Divergence.bars(in: rows, instruments: instruments)
            guard series.contains(where: { !$0.isEmpty }) else { throw ValidationError("bot \(bot) has recorded no bars yet") }
            let start = try from.map { try RangeOptions.parse($0, "--from") } ?? firstLive ?? .epoch
            let end = try to.map { try RangeOptions.parse($0, "--to") } ?? series.compactMap { $0.last?.closeTime }.max()!
            let configuration = BacktestConfiguration(startingCash: try Money(parsing: snapshot.startingCash),
                                                      fees: FeeModel(maker: try Rate(parsing: snapshot.makerFee), taker: try Rate(parsing: snapshot.takerFee)))
            let data = zip(instruments, series).map { BarSeries(instrument: $0, bars: $1, interval: nil) }
            let result = try Tradewind.run(try StrategyCatalog.strategy(named: snapshot.strategy), snapshot.parameters.map { ($0[0], $0[1]) },
                                           data: .bars(data), configuration: configuration)
            let report = try Divergence.compare(bot: bot, rows: rows, instruments: instruments, backtestOrders: result.orders,
                                                backtestFills: result.fills, from: start, to: end)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
            } else {
                print(Self.text(report))
            }
        }
    }

    static func text(_ report: DivergenceReport) -> String {
        var lines = ["Divergence of bot \(report.bot), bars closing \(report.from) … \(report.to)",
                     "  orders: live \(report.liveOrders), backtest \(report.backtestOrders), paired \(report.matched), identical \(report.identical), missed bars \(report.missedBars)",
                     "  fees:   live \(report.liveFees), backtest \(report.backtestFees)",
                     "  PnL:    live \(report.livePnL), backtest \(report.backtestPnL)", ""]
        func price(_ value: Double?) -> String { value.map { String(format: "%.4f", $0) } ?? "-" }
        lines.append("bar close                      instrument      side  live qty@price            backtest qty@price        cause")
        for row in report.rows {
            let live = row.live.map { "\($0.filled)@\(price($0.averagePrice))" } ?? "-"
            let backtest = row.backtest.map { "\($0.filled)@\(price($0.averagePrice))" } ?? "-"
            let cause = row.causes.isEmpty ? "identical" : row.causes.joined(separator: "; ")
            lines.append("\(row.barClose.padding(toLength: 30, withPad: " ", startingAt: 0)) \(row.instrument.padding(toLength: 15, withPad: " ", startingAt: 0)) "
                         + "\(row.side.padding(toLength: 5, withPad: " ", startingAt: 0)) \(live.padding(toLength: 25, withPad: " ", startingAt: 0)) "
                         + "\(backtest.padding(toLength: 25, withPad: " ", startingAt: 0)) \(cause)")
        }
        return lines.joined(separator: "\n")
    }
}
