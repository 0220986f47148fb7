import ArgumentParser
import TradewindStrategy

/// `tradewind strategies`: list built-in strategies and their parameters.
struct StrategiesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "strategies",
        abstract: "List the built-in strategies and their parameters."
    )

    func run() {
        for type in StrategyCatalog.builtIn {
            print("\(type.name) — \(type.summary)")
            for spec in type.parameterSpecification {
                print("  \(spec.name)  default \(spec.defaultText), range \(spec.rangeText): \(spec.help)")
            }
        }
    }
}
