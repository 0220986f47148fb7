/// The strategies that ship with Tradewind, by name.
public enum StrategyCatalog {
    /// Every built-in strategy type, in listing order.
    public static var builtIn: [any Strategy.Type] { [SMACross.self] }

    /// The strategy type called `name`.
    /// - Throws: ``StrategyError/unknownStrategy(_:available:)``.
    public static func strategy(named name: String) throws(StrategyError) -> any Strategy.Type {
        guard let type = builtIn.first(where: { $0.name == name }) else {
            throw .unknownStrategy(name, available: builtIn.map { $0.name })
        }
        return type
    }
}
