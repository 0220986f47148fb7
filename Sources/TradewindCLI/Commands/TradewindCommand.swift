public import ArgumentParser

/// `tradewind`: the root of the command tree.
public struct TradewindCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tradewind",
        abstract: "Algorithmic trading: data, research, backtests, paper and live trading.",
        discussion: """
            Start with a backtest on the shipped data:

              tradewind backtest --data examples/data/GOOG-1d.csv --strategy sma-cross \\
                  --param fast=10 --param slow=30 --size 10 --cash 100000 --commission 0.001
            """,
        version: "0.1.0",
        subcommands: [BacktestCommand.self, DataCommand.self, DatabaseCommand.self, IndicatorsCommand.self, BarsCommand.self, StrategiesCommand.self, MetricsCommand.self, CompareCommand.self, WalkForwardCommand.self, OverfittingCommand.self, StressCommand.self, CheckBiasCommand.self, OptimizeCommand.self, WorkerCommand.self, StudyCommand.self, ReportCommand.self, BotCommand.self, NodeCommand.self, DivergenceCommand.self, ConfigCommand.self, ServeCommand.self, NotifyCommand.self, AlertsCommand.self]
    )

    public init() {}
}
