import Foundation
import Testing
import TradewindCore
import TradewindIndicators
import TradewindMarketData
import TradewindTesting

/// Every indicator TA-Lib defines, checked on every bar of two real data sets against
/// values TA-Lib itself produced (`Tests/Fixtures/talib/generate.py` wrote the CSVs).
@Suite("Indicators match TA-Lib")
struct TALibReferenceTests {
    static let specs = [
        "sma:20", "ema:20", "wma:20", "dema:20", "tema:20", "kama:30", "rsi:14", "stoch:14,3,3", "stochf:14,3",
        "stochrsi:14,14,3", "macd:12,26,9", "bbands:20,2", "trange", "atr:14", "adx:14", "cci:20", "obv", "mfi:14",
        "willr:14", "roc:10", "psar:0.02,0.2",
    ]

    struct Reference {
        var columns: [String: [Double?]]
    }

    /// Parsed once per data set and shared by all parameterised cases.
    static let references: [String: Reference] = {
        var all: [String: Reference] = [:]
        for name in ["GOOG-1d", "SP500-1d"] { all[name] = try? load(name) }
        return all
    }()

    static let bars: [String: [BarSample]] = {
        var all: [String: [BarSample]] = [:]
        for name in ["GOOG-1d", "SP500-1d"] {
            all[name] = (try? CSVBarFile.load(path: Fixtures.exampleData("\(name).csv")).bars.map(BarSample.init)) ?? []
        }
        return all
    }()

    static func load(_ dataSet: String) throws -> Reference {
        let path = "\(Fixtures.repositoryRoot)/Tests/Fixtures/talib/\(dataSet).csv"
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        var columns: [String: [Double?]] = [:]
        for name in header { columns[name] = [] }
        for line in lines.dropFirst() {
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            for (name, cell) in zip(header, cells) where name != "timestamp" {
                columns[name]!.append(cell.isEmpty ? nil : Double(cell)!)
            }
        }
        return Reference(columns: columns)
    }

    @Test("values agree to 1e-9 relative error and readiness agrees bar for bar",
          arguments: ["GOOG-1d", "SP500-1d"], specs)
    func matches(_ dataSet: String, _ text: String) throws {
        let reference = try #require(Self.references[dataSet])
        let bars = try #require(Self.bars[dataSet])
        let spec = try IndicatorSpec(parsing: text)
        var indicator = try spec.make()
        let names = spec.columnNames
        var row = [Double](repeating: .nan, count: names.count)
        var compared = 0
        var worst = 0.0
        for (index, bar) in bars.enumerated() {
            try indicator.feed(bar)
            indicator.write(into: &row, at: 0)
            for (column, name) in names.enumerated() {
                let expected = try #require(reference.columns[name], "fixture has no column \(name)")[index]
                let actual = row[column].isNaN ? nil : row[column]
                switch (expected, actual) {
                case (nil, nil):
                    continue
                case (let want?, let got?):
                    // Relative error, measured against at least 1e-3 so that values which are zero up to
                    // floating-point residue (TA-Lib 4.7e-15 vs 2.8e-14 for an all-zero %D) compare equal.
                    let error = abs(got - want) / max(abs(want), 1e-3)
                    worst = max(worst, error)
                    compared += 1
                    if error > 1e-9 {
                        Issue.record("\(name) bar \(index): TA-Lib \(want), Tradewind \(got)")
                        return
                    }
                case (nil, _?):
                    Issue.record("\(name) bar \(index): Tradewind reports a value during TA-Lib's warm-up")
                    return
                case (_?, nil):
                    Issue.record("\(name) bar \(index): Tradewind is not ready where TA-Lib has a value")
                    return
                }
            }
        }
        #expect(compared > bars.count / 2)
        #expect(worst <= 1e-9)
    }
}
