import ArgumentParser
import Foundation
import TradewindResearch
import TradewindAnalytics
import TradewindCore
import TradewindEngine
import TradewindMarketData
import TradewindOptimization
import TradewindSimulation
import TradewindStrategy

/// Runs an optimisation trial exactly as `tradewind backtest` runs the same parameters: the same
/// data gate, account, fees and annualisation, so a trial's value is what the backtest prints.
struct BacktestTrialEvaluator: TrialEvaluator {
    let strategyName: String
    let series: [BarSeries]
    let startingCash: Money
    let execution: ExecutionSettings
    let periodsPerYear: Double?
    let cacheScope: String

    /// - Parameters:
    ///   - backtestArguments: `--cash` and the execution options, as stored with the study.
    init(definition: StudyDefinition) throws {
        let options = try BacktestSettingsArguments.parse(definition.backtestArguments)
        startingCash = try options.startingCash()
        execution = try options.execution.settings()
        strategyName = definition.strategy
        let loaded = try definition.data.map { path -> (BarSeries, [UInt8]) in
            let bytes = try CSVBarFile.bytes(atPath: path)
            guard case .bars(let series) = try CSVBarFile.loadAny(path: path, instrumentID: nil, convention: .open) else {
                throw ValidationError("\(path): optimisation runs on bars, not quotes or prints")
            }
            _ = try DataGate().check(series, label: series.instrument.id.description)
            return (series, bytes)
        }
        let hash = Self.dataHash(loaded.map(\.1))
        guard definition.dataHash.isEmpty || hash == definition.dataHash else {
            throw ValidationError("the data files differ from the ones the study was created with (fingerprint \(hash), study \(definition.dataHash))")
        }
        series = loaded.map(\.0)
        periodsPerYear = Annualization.periodsPerYear(series: series)
        cacheScope = [definition.strategy, hash, definition.backtestArguments.joined(separator: " ")].joined(separator: "|")
    }

    /// FNV-1a of the files' bytes, in order.
    static func dataHash(_ files: [[UInt8]]) -> String {
        StudyWorker.fingerprint(files.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\u{1}"))
    }

    func evaluate(_ parameters: [(name: String, value: String)], stages: Int,
                  proceed: (PerformanceMetrics, Int) -> Bool) throws -> (metrics: PerformanceMetrics, completed: Bool) {
        let type = try StrategyCatalog.strategy(named: strategyName)
        let configuration = BacktestConfiguration(startingCash: startingCash, fees: execution.fees, accountType: execution.accountType,
                                                  fillModel: execution.fillModel, margin: execution.margin, risk: execution.risk)
        let partial: (BacktestResult, Int) -> Bool = { result, stage in
            proceed(BacktestReport(result: result, periodsPerYear: periodsPerYear).metrics, stage)
        }
        // Built-in strategies run specialised (an existential type would run every engine call
        // through witness tables, several times slower and contending on shared metadata).
        let run = switch type {
        case let smaCross as SMACross.Type:
            try Self.run(opening: smaCross, parameters, series: series, configuration: configuration, stages: stages, proceed: partial)
        default:
            try Self.run(opening: type, parameters, series: series, configuration: configuration, stages: stages, proceed: partial)
        }
        return (BacktestReport(result: run.result, periodsPerYear: periodsPerYear).metrics, run.completed)
    }

    private static func run<S: Strategy>(opening type: S.Type, _ given: [(name: String, value: String)], series: [BarSeries],
                                         configuration: BacktestConfiguration, stages: Int,
                                         proceed: (BacktestResult, Int) -> Bool) throws -> (result: BacktestResult, completed: Bool) {
        let values = try ParameterValues.resolve(given, against: S.Parameters.specification)
        let strategy = try S(parameters: S.Parameters(values: values))
        return try Backtest.run(strategy, parameters: values.description, series: series, configuration: configuration, stages: stages,
                                proceed: proceed)
    }
}

/// The backtest settings of a study, parsed the same way in `optimize` and in `worker`.
struct BacktestSettingsArguments: ParsableArguments {
    @Option(name: .long) var cash: String = "100000"
    @OptionGroup var execution: ExecutionOptions

    func startingCash() throws -> Money {
        do { return try Money(parsing: cash) } catch { throw ValidationError("--cash: \(error)") }
    }
}
