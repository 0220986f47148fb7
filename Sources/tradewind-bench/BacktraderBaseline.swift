import Foundation
import TradewindCore
import TradewindMarketData
import TradewindSimulation
import TradewindStrategy

/// `tradewind-bench backtest --backtrader`: backtrader, an established Python engine, times the
/// same strategy on the same bars (scripts/bench/backtrader_sma_cross.py), and Tradewind runs
/// those bars too, so the two rates and the two results are printed side by side.
struct BacktraderBaseline {
    let script: String
    let bars: Int
    let fast: Int
    let slow: Int

    /// What the script prints.
    struct Report: Decodable {
        let engine: String
        let bars: Int
        let seconds: Double
        let fills: Int
        let finalValue: Double

        enum CodingKeys: String, CodingKey {
            case engine, bars, seconds, fills
            case finalValue = "final_value"
        }
    }

    func compare(_ series: BarSeries, strategy: SMACross, configuration: BacktestConfiguration, tradewindRate: Double) throws {
        let prefix = BarSeries(instrument: series.instrument, bars: Array(series.bars.prefix(bars)), interval: series.interval)
        var source = HistoricalBarSource([prefix])
        let ours = try Backtest.run(strategy, source: &source, configuration: configuration, expectedBars: prefix.bars.count)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tradewind-baseline-\(getpid()).csv")
        try Data(CSVBarFile.text(prefix.bars).utf8).write(to: path)
        defer { try? FileManager.default.removeItem(at: path) }
        let arguments = [script, path.path, String(fast), String(slow), "\(strategy.parameters.size)", "\(configuration.startingCash)", "\(configuration.fees.takerRate)"]
        guard let report = try run(arguments) else { return }
        let rate = Double(report.bars) / report.seconds
        print("\(report.engine), the walk's first \(report.bars) bars: \(String(format: "%.0f", rate)) bars/s "
            + "(\(String(format: "%.2f", report.seconds)) s in cerebro.run), \(report.fills) fills, final value \(String(format: "%.2f", report.finalValue))")
        print("tradewind, the same bars: \(ours.fills.count) fills, final equity \(ours.finalEquity.formatted(places: 2)); "
            + "its median rate above is \(String(format: "%.0f", tradewindRate / rate))× backtrader's")
    }

    /// Runs the script with `python3`; `nil` (and a line saying why) when it cannot run.
    func run(_ arguments: [String]) throws -> Report? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch {
            print("backtrader baseline not run: python3 could not be started (\(error))")
            return nil
        }
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        let complaint = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let line = String(decoding: printed, as: UTF8.self).split(separator: "\n").last else {
            let reason = String(decoding: complaint, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? "exit status \(process.terminationStatus)"
            print("backtrader baseline not run: \(reason) (needs python3 with `pip install backtrader==1.9.78.123`, run from the repository's root)")
            return nil
        }
        return try JSONDecoder().decode(Report.self, from: Data(line.utf8))
    }
}
