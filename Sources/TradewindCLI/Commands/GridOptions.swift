import ArgumentParser
import TradewindCore
import TradewindMarketData
import TradewindStrategy

/// A strategy, its data and a grid of parameter sets: what walk-forward and the overfitting
/// check run over.
struct GridOptions: ParsableArguments {
    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("CSV of bars; repeat for a portfolio (windows follow the first file).", valueName: "file"))
    var data: [String]
    @Option(name: .long, help: "Strategy to run (see `tradewind strategies`).") var strategy: String = "sma-cross"
    @Option(name: .customLong("grid"), parsing: .singleValue,
            help: ArgumentHelp("A parameter axis: name=start:end:step or name=v1,v2,…; repeat for more axes.", valueName: "axis"))
    var grid: [String] = []
    @Option(name: .customLong("param"), parsing: .singleValue, help: ArgumentHelp("A fixed parameter as name=value.", valueName: "name=value"))
    var parameters: [String] = []
    @Option(name: .long, help: "Order size; shorthand for --param size=<size>.") var size: String?
    @Option(name: .long, help: "Starting cash of every run.") var cash: String = "100000"

    struct Resolved {
        var series: [BarSeries]
        /// Every parameter set: the fixed ones followed by one grid combination.
        var candidates: [[(name: String, value: String)]]
        var startingCash: Money
    }

    func resolve() throws -> Resolved {
        let startingCash: Money
        do { startingCash = try Money(parsing: cash) } catch { throw ValidationError("--cash: \(error)") }
        let strategyType = try StrategyCatalog.strategy(named: strategy)
        var fixed = try parameters.map { text -> (name: String, value: String) in
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--param expects name=value, got '\(text)'") }
            return (parts[0], parts[1])
        }
        if let size { fixed.append(("size", size)) }
        let parameterGrid = try ParameterGrid(parsing: grid, against: strategyType.parameterSpecification)
        if let clash = fixed.first(where: { given in parameterGrid.axes.contains { $0.name == given.name } }) {
            throw ValidationError("\(clash.name) is both fixed (--param) and on the grid")
        }
        let series = try data.map { path -> BarSeries in
            guard case .bars(let series) = try CSVBarFile.loadAny(path: path, instrumentID: nil, convention: .open) else {
                throw ValidationError("\(path): this command runs on bars, not quotes or prints")
            }
            _ = try DataGate().check(series, label: series.instrument.id.description)
            return series
        }
        guard !series.isEmpty else { throw ValidationError("give at least one --data file") }
        return Resolved(series: series, candidates: parameterGrid.combinations.map { fixed + $0 }, startingCash: startingCash)
    }
}
