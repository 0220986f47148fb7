import ArgumentParser
import TradewindResearch
import TradewindCore
import TradewindEngine
import TradewindRisk
import TradewindSimulation

/// How the simulated venue and the account behave: fees, fill model, account type, margin
/// and funding. Shared by every command that runs a backtest.
struct ExecutionOptions: ParsableArguments {
    @Option(name: .long, help: "Commission rate per fill, as a fraction of notional (0.001 = 0.1 %); maker and taker alike.")
    var commission: String = "0"

    @Option(name: .customLong("maker-fee"), help: "Rate for fills that add liquidity (resting limits); overrides --commission.")
    var makerFee: String?

    @Option(name: .customLong("taker-fee"), help: "Rate for fills that take liquidity; overrides --commission.")
    var takerFee: String?

    @Option(name: .customLong("fee-per-unit"), help: "Fee per unit traded, added to the rate.")
    var feePerUnit: String = "0"

    @Option(name: .customLong("min-fee"), help: "Minimum fee per fill.")
    var minimumFee: String = "0"

    @Option(name: .long, help: "Slippage on fills that take liquidity: none, ticks:N, bps:N (of price) or range:F (of the bar's range).")
    var slippage: String = "none"

    @Option(name: .customLong("limit-fill"), help: "When a resting limit fills: touch (price reaches it) or through (trades past it).")
    var limitFill: String = "touch"

    @Option(name: .long, help: "Largest fraction of a bar's volume one order may take (0.1 = 10 %); the rest keeps working.")
    var participation: String?

    @Option(name: .long, help: "Delay before orders and cancels reach the venue: 0, 250ms, 2s, 1m…")
    var latency: String = "0"

    @Option(name: .long, help: "Account type: cash (no borrowing, no shorting) or margin.")
    var account: String = "cash"

    @Option(name: .long, help: "Margin accounts: buying power as a multiple of equity (initial margin 1/leverage).")
    var leverage: Int = 2

    @Option(name: .long, help: "Margin accounts: maintenance margin as a fraction of gross exposure; below it positions are liquidated.")
    var maintenance: String = "0.25"

    @Option(name: .customLong("funding-rate"), help: "Treat the instruments as perpetuals paying this funding rate per interval (longs pay when positive).")
    var fundingRate: String?

    @Option(name: .customLong("funding-interval"), help: "Funding interval, from the Unix epoch.")
    var fundingInterval: String = "8h"

    @Option(name: .customLong("max-order-notional"), help: "Risk: largest order value (price × quantity).") var maxOrderNotional: String?
    @Option(name: .customLong("max-order-quantity"), help: "Risk: largest order quantity.") var maxOrderQuantity: String?
    @Option(name: .customLong("max-position"), help: "Risk: largest absolute position per instrument.") var maxPosition: String?
    @Option(name: .customLong("max-gross-exposure"), help: "Risk: largest sum of absolute position values.") var maxGrossExposure: String?
    @Option(name: .customLong("max-open-orders"), help: "Risk: most working orders at once.") var maxOpenOrders: Int?
    @Option(name: .customLong("price-band"), help: "Risk: a limit or stop price must be within this fraction of the last price (0.05 = 5 %).") var priceBand: String?
    @Option(name: .customLong("max-orders-per-second"), help: "Risk: most orders accepted in any second.") var maxOrdersPerSecond: Int?
    @Option(name: .customLong("daily-loss-limit"), help: "Risk: a loss from the day's starting equity that allows only reducing orders from then on.") var dailyLossLimit: String?
    @Option(name: .customLong("max-drawdown"), help: "Risk: a fall from the equity peak (0.2 = 20 %) that halts trading and cancels working orders.") var maxDrawdown: String?

    /// The options as command-line arguments, so another process (an optimisation worker) can
    /// parse exactly the same settings.
    var arguments: [String] {
        var result = ["--commission", commission, "--fee-per-unit", feePerUnit, "--min-fee", minimumFee, "--slippage", slippage,
                      "--limit-fill", limitFill, "--latency", latency, "--account", account, "--leverage", String(leverage),
                      "--maintenance", maintenance, "--funding-interval", fundingInterval]
        if let makerFee { result += ["--maker-fee", makerFee] }
        if let takerFee { result += ["--taker-fee", takerFee] }
        if let participation { result += ["--participation", participation] }
        if let fundingRate { result += ["--funding-rate", fundingRate] }
        if let maxOrderNotional { result += ["--max-order-notional", maxOrderNotional] }
        if let maxOrderQuantity { result += ["--max-order-quantity", maxOrderQuantity] }
        if let maxPosition { result += ["--max-position", maxPosition] }
        if let maxGrossExposure { result += ["--max-gross-exposure", maxGrossExposure] }
        if let maxOpenOrders { result += ["--max-open-orders", String(maxOpenOrders)] }
        if let priceBand { result += ["--price-band", priceBand] }
        if let maxOrdersPerSecond { result += ["--max-orders-per-second", String(maxOrdersPerSecond)] }
        if let dailyLossLimit { result += ["--daily-loss-limit", dailyLossLimit] }
        if let maxDrawdown { result += ["--max-drawdown", maxDrawdown] }
        return result
    }

    /// The risk limits given, validated; `nil` when none is.
    func riskLimits() throws -> RiskLimits? {
        func money(_ text: String?, _ option: String) throws -> Money? {
            guard let text else { return nil }
            do {
                let value = try Money(parsing: text)
                guard value > .zero else { throw ValidationError("\(option) must be above 0, got \(text)") }
                return value
            } catch let error as ValidationError { throw error } catch { throw ValidationError("\(option): \(error)") }
        }
        func quantity(_ text: String?, _ option: String) throws -> Quantity? {
            guard let text else { return nil }
            do {
                let value = try Quantity(parsing: text)
                guard value.isPositive else { throw ValidationError("\(option) must be above 0, got \(text)") }
                return value
            } catch let error as ValidationError { throw error } catch { throw ValidationError("\(option): \(error)") }
        }
        func fraction(_ text: String?, _ option: String) throws -> Rate? {
            guard let text else { return nil }
            let value = try rate(text, option, below: Rate("1.000001"))
            guard value.isPositive else { throw ValidationError("\(option) must be above 0, got \(text)") }
            return value
        }
        for (value, option) in [(maxOpenOrders, "--max-open-orders"), (maxOrdersPerSecond, "--max-orders-per-second")] {
            if let value, value < 1 { throw ValidationError("\(option) must be at least 1, got \(value)") }
        }
        let limits = RiskLimits(maxOrderNotional: try money(maxOrderNotional, "--max-order-notional"),
                                maxOrderQuantity: try quantity(maxOrderQuantity, "--max-order-quantity"),
                                maxPositionQuantity: try quantity(maxPosition, "--max-position"),
                                maxGrossExposure: try money(maxGrossExposure, "--max-gross-exposure"), maxOpenOrders: maxOpenOrders,
                                priceBand: try fraction(priceBand, "--price-band"), maxOrdersPerSecond: maxOrdersPerSecond,
                                dailyLossLimit: try money(dailyLossLimit, "--daily-loss-limit"), maxDrawdown: try fraction(maxDrawdown, "--max-drawdown"))
        return limits == .none ? nil : limits
    }

    /// The settings, validated; every message names the option.
    func settings() throws -> ExecutionSettings {
        let commissionRate = try rate(commission, "--commission", below: Rate("1"))
        let maker = try makerFee.map { try rate($0, "--maker-fee", below: Rate("1")) } ?? commissionRate
        let taker = try takerFee.map { try rate($0, "--taker-fee", below: Rate("1")) } ?? commissionRate
        let perUnit: Price
        do { perUnit = try Price(parsing: feePerUnit) } catch { throw ValidationError("--fee-per-unit: \(error)") }
        let minimum: Money
        do { minimum = try Money(parsing: minimumFee) } catch { throw ValidationError("--min-fee: \(error)") }
        guard !perUnit.isNegative, !minimum.isNegative else { throw ValidationError("--fee-per-unit and --min-fee must not be negative") }

        let slippageModel: FillModel.Slippage
        let parts = slippage.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first, parts.count) {
        case ("none", 1): slippageModel = .none
        case ("ticks", 2):
            guard let n = Int(parts[1]), n >= 0 else { throw ValidationError("--slippage ticks:N needs a whole number ≥ 0, got '\(parts[1])'") }
            slippageModel = .ticks(n)
        case ("bps", 2):
            let bps = try rate(parts[1], "--slippage bps", below: Rate("10000"))
            slippageModel = .fraction(Rate(uncheckedRaw: bps.raw, precision: bps.precision + 4))
        case ("range", 2): slippageModel = .rangeFraction(try rate(parts[1], "--slippage range", below: Rate("1.000001")))
        default: throw ValidationError("--slippage must be none, ticks:N, bps:N or range:F, got '\(slippage)'")
        }
        guard let rule = FillModel.LimitRule(rawValue: limitFill) else {
            throw ValidationError("--limit-fill must be touch or through, got '\(limitFill)'")
        }
        let cap = try participation.map { text -> Rate in
            let value = try rate(text, "--participation", below: Rate("1.000001"))
            guard value.isPositive else { throw ValidationError("--participation must be above 0, got \(text)") }
            return value
        }
        guard let delay = TimeSpan(compact: latency), delay >= .zero else {
            throw ValidationError("--latency must look like 0, 250ms, 2s or 1m, got '\(latency)'")
        }
        guard let accountType = AccountType(rawValue: account) else {
            throw ValidationError("--account must be one of: \(AccountType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let marginPolicy: MarginPolicy
        do {
            marginPolicy = try MarginPolicy(leverage: leverage, maintenanceRate: try rate(maintenance, "--maintenance", below: Rate("1.000001")))
        } catch let error as PortfolioError {
            throw ValidationError("--leverage/--maintenance: \(error)")
        }
        var funding: (rate: Rate, interval: TimeSpan)?
        if let fundingRate {
            let value: Rate
            do { value = try Rate(parsing: fundingRate) } catch { throw ValidationError("--funding-rate: \(error)") }
            guard let interval = TimeSpan(compact: fundingInterval), interval > .zero else {
                throw ValidationError("--funding-interval must look like 8h or 1h, got '\(fundingInterval)'")
            }
            funding = (value, interval)
        }
        return ExecutionSettings(
            fees: FeeModel(maker: maker, taker: taker, perUnit: perUnit, minimum: minimum),
            fillModel: FillModel(limitRule: rule, slippage: slippageModel, participation: cap, latency: delay),
            accountType: accountType, margin: marginPolicy, funding: funding, risk: try riskLimits())
    }

    private func rate(_ text: String, _ option: String, below limit: Rate) throws -> Rate {
        let value: Rate
        do { value = try Rate(parsing: text) } catch { throw ValidationError("\(option): \(error)") }
        guard !value.isNegative, value < limit else { throw ValidationError("\(option) must be in [0, \(limit)), got \(text)") }
        return value
    }
}
