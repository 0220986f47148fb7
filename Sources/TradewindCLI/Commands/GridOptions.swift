import ArgumentParser
import TradewindResearch
import TradewindCore
import TradewindMarketData
import TradewindStrategy

/// A strategy, its fixed parameters, starting cash and bar files: what the research commands
/// (stress, check-bias, walk-forward, overfitting) run over.
struct StrategyRunOptions: ParsableArguments {
    @Option(name: .long, parsing: .singleValue, help: ArgumentHelp("CSV of bars; repeat for a portfolio (windows follow the first file).", valueName: "file"))
    var data: [String]
    @Option(name: .long, help: "Strategy to run (see `tradewind strategies`).") var strategy: String = "sma-cross"
    @Option(name: .customLong("param"), parsing: .singleValue, help: ArgumentHelp("A strategy parameter as name=value.", valueName: "name=value"))
    var parameters: [String] = []
    @Option(name: .long, help: "Order size; shorthand for --param size=<size>.") var size: String?
    @Option(name: .long, help: "Starting cash of every run.") var cash: String = "100000"

    func startingCash() throws -> Money {
        do { return try Money(parsing: cash) } catch { throw ValidationError("--cash: \(error)") }
    }

    /// `--param` pairs, then `--size`.
    func fixedParameters() throws -> [(name: String, value: String)] {
        var given = try parameters.map { text -> (name: String, value: String) in
            let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--param expects name=value, got '\(text)'") }
            return (parts[0], parts[1])
        }
        if let size { given.append(("size", size)) }
        return given
    }

    /// The bar files, each through the data gate; at least one.
    /// - Parameter purpose: ends the message for a quote or print file (`"stress scenarios run"`).
    func loadBars(purpose: String) throws -> [BarSeries] {
        let series = try data.map { path -> BarSeries in
            guard case .bars(let series) = try CSVBarFile.loadAny(path: path, instrumentID: nil, convention: .open) else {
                throw ValidationError("\(path): \(purpose) on bars, not quotes or prints")
            }
            _ = try DataGate().check(series, label: series.instrument.id.description)
            return series
        }
        guard !series.isEmpty else { throw ValidationError("give at least one --data file") }
        return series
    }
}

/// A strategy run and a grid of parameter sets: what walk-forward and the overfitting check
/// run over.
struct GridOptions: ParsableArguments {
    @OptionGroup var setup: StrategyRunOptions
    @Option(name: .customLong("grid"), parsing: .singleValue,
            help: ArgumentHelp("A parameter axis: name=start:end:step or name=v1,v2,…; repeat for more axes.", valueName: "axis"))
    var grid: [String] = []

    var strategy: String { setup.strategy }

    struct Resolved {
        var series: [BarSeries]
        /// Every parameter set: the fixed ones followed by one grid combination.
        var candidates: [[(name: String, value: String)]]
        var startingCash: Money
    }

    func resolve() throws -> Resolved {
        let startingCash = try setup.startingCash()
        let strategyType = try StrategyCatalog.strategy(named: setup.strategy)
        let fixed = try setup.fixedParameters()
        let parameterGrid = try ParameterGrid(parsing: grid, against: strategyType.parameterSpecification)
        if let clash = fixed.first(where: { given in parameterGrid.axes.contains { $0.name == given.name } }) {
            throw ValidationError("\(clash.name) is both fixed (--param) and on the grid")
        }
        let series = try setup.loadBars(purpose: "this command runs")
        return Resolved(series: series, candidates: parameterGrid.combinations.map { fixed + $0 }, startingCash: startingCash)
    }
}
