import Foundation
import TradewindAnalytics
public import TradewindStorage

/// How much of the objective's spread each parameter explains: the correlation ratio η² of the
/// complete trials' first objective value grouped by the parameter (its values, or ten
/// equal-count bins of them), normalised to sum to 1 like Optuna's importances.
public enum ParameterImportance {
    public static func compute(plan: StudyPlan, trials: [TrialRecord]) -> [(name: String, share: Double)] {
        let points = trials.compactMap { trial -> (point: [Double], value: Double)? in
            guard trial.status == .complete, let value = trial.objective, value.isFinite, let point = plan.point(trial.parameters) else { return nil }
            return (point, value)
        }
        guard points.count >= 3 else { return [] }
        let mean = points.reduce(0) { $0 + $1.value } / Double(points.count)
        let total = points.reduce(0) { $0 + ($1.value - mean) * ($1.value - mean) }
        guard total > 0 else { return [] }
        var raw: [(String, Double)] = []
        for (index, entry) in plan.space.dimensions.enumerated() {
            let sorted = points.map { $0.point[index] }.sorted()
            let distinct = Set(sorted).count
            func group(_ x: Double) -> Int {
                if distinct <= 10 { return Int(x * 1_000_000) }
                // Equal-count bins: the rank of x's first occurrence over a tenth of the trials.
                let rank = sorted.firstIndex { $0 >= x } ?? sorted.count - 1
                return rank * 10 / sorted.count
            }
            var sums: [Int: (sum: Double, count: Int)] = [:]
            for p in points { sums[group(p.point[index]), default: (0, 0)].sum += p.value; sums[group(p.point[index]), default: (0, 0)].count += 1 }
            let between = sums.values.reduce(0) { $0 + Double($1.count) * ($1.sum / Double($1.count) - mean) * ($1.sum / Double($1.count) - mean) }
            raw.append((entry.name, between / total))
        }
        let sum = raw.reduce(0) { $0 + $1.1 }
        guard sum > 0 else { return [] }
        return raw.map { ($0.0, $0.1 / sum) }.sorted { $0.1 > $1.1 }
    }
}

/// `study.html`: optimisation history, each parameter against the objective, and a map of the
/// objective over the two most important parameters; inline SVG in the style of the backtest
/// report, no scripts.
public enum StudyReport {
    public static func render(plan: StudyPlan, record: StudyRecord, trials: [TrialRecord], importance: [(name: String, share: Double)]) -> String {
        let metric = plan.objective.targets[0].metric.rawValue
        let complete = trials.filter { $0.status == .complete && $0.objective?.isFinite == true }
        let blue = "#2563eb", grey = "#9ca3af", green = "#059669"
        func number(_ x: Double) -> String { BacktestReport.fixed(x, abs(x) >= 100 ? 0 : 2) }

        var history = SVGChart(id: "history", title: "Optimisation history: \(metric) by trial (line: best so far)", formatX: { "\(Int($0))" }, formatY: number)
        history.dots = trials.compactMap { trial in
            guard let value = trial.objective, value.isFinite else { return nil }
            return SVGChart.Dot(x: Double(trial.number), y: value, color: trial.status == .complete ? blue : grey,
                                title: "#\(trial.number) \(trial.parameters): \(value)")
        }
        var best: Double?
        var bestLine: [(x: Double, y: Double)] = []
        let maximize = plan.objective.targets[0].maximize
        for trial in trials.sorted(by: { $0.number < $1.number }) where trial.status == .complete {
            guard let value = trial.objective, value.isFinite else { continue }
            if best.map({ maximize ? value > $0 : value < $0 }) ?? true { best = value }
            bestLine.append((Double(trial.number), best!))
        }
        history.lines = [SVGChart.Line(points: bestLine, color: green, width: 2)]

        var scatters = ""
        for (index, entry) in plan.space.dimensions.enumerated() {
            var chart = SVGChart(id: "param-\(entry.name)", title: "\(metric) against \(entry.name)", width: 470, height: 240,
                                 formatX: { x in
                                     if case .categorical(let values) = entry.dimension { return values[min(values.count - 1, max(0, Int(x.rounded())))] }
                                     return number(x)
                                 }, formatY: number)
            chart.dots = complete.compactMap { trial in
                guard let point = plan.point(trial.parameters) else { return nil }
                return SVGChart.Dot(x: point[index], y: trial.objective!, color: blue, title: "#\(trial.number) \(trial.parameters): \(trial.objective!)")
            }
            scatters += chart.render()
        }

        var map = ""
        let ranked = importance.map(\.name) + plan.space.dimensions.map(\.name).filter { name in !importance.contains { $0.name == name } }
        if ranked.count >= 2, let a = plan.space.dimensions.firstIndex(where: { $0.name == ranked[0] }),
           let b = plan.space.dimensions.firstIndex(where: { $0.name == ranked[1] }) {
            map = contour(plan: plan, trials: complete, x: a, y: b, metric: metric, maximize: maximize)
        }

        let importanceRows = importance.map { "<tr><td>\(escape($0.name))</td><td>\(BacktestReport.percent($0.share))</td></tr>" }.joined()
        let top = complete.sorted { maximize ? $0.objective! > $1.objective! : $0.objective! < $1.objective! }.prefix(15)
        let topRows = top.map { "<tr><td>#\($0.number)</td><td>\(number($0.objective!))</td><td>\(escape($0.parameters))</td></tr>" }.joined()
        let counts = TrialStatus.allCases.map { status in "\(trials.filter { $0.status == status }.count) \(status.rawValue)" }.joined(separator: " · ")
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(record.name)) — Tradewind study</title>
            <style>\(HTMLReport.style)
            .pair{display:flex;flex-wrap:wrap;gap:8px}.pair svg{max-width:100%}</style></head><body>
            <header><h1>Study \(escape(record.name))</h1>
            <p class="sub">\(escape(plan.definition.strategy)) · \(escape(plan.objective.description)) · \(escape(plan.definition.sampler)) sampler, seed \(plan.definition.seed) · \(counts)</p>
            </header><main>
            <section>\(history.render())</section>
            <section class="pair">\(scatters)</section>
            \(map.isEmpty ? "" : "<section>\(map)</section>")
            <section><h2>Parameter importance</h2><table><tr><th>parameter</th><th>share of variance explained</th></tr>\(importanceRows)</table></section>
            <section><h2>Best trials</h2><table><tr><th>trial</th><th>\(escape(metric))</th><th>parameters</th></tr>\(topRows)</table></section>
            </main></body></html>
            """
    }

    /// The objective over two parameters: a 24 × 24 grid, each cell coloured by the mean of the
    /// trials that fall in it (a contour of the sampled surface; empty cells stay blank).
    static func contour(plan: StudyPlan, trials: [TrialRecord], x: Int, y: Int, metric: String, maximize: Bool) -> String {
        let points = trials.compactMap { trial -> (Double, Double, Double)? in
            guard let p = plan.point(trial.parameters) else { return nil }
            return (p[x], p[y], trial.objective!)
        }
        guard let minX = points.map(\.0).min(), let maxX = points.map(\.0).max(), let minY = points.map(\.1).min(), let maxY = points.map(\.1).max(),
              let low = points.map(\.2).min(), let high = points.map(\.2).max() else { return "" }
        let cells = 24, size = 18.0, left = 70.0, top = 34.0
        var sums = [[(Double, Int)]](repeating: [(Double, Int)](repeating: (0, 0), count: cells), count: cells)
        for (px, py, value) in points {
            let i = maxX > minX ? min(cells - 1, Int((px - minX) / (maxX - minX) * Double(cells))) : 0
            let j = maxY > minY ? min(cells - 1, Int((py - minY) / (maxY - minY) * Double(cells))) : 0
            sums[i][j].0 += value
            sums[i][j].1 += 1
        }
        let names = (plan.space.dimensions[x].name, plan.space.dimensions[y].name)
        var svg = "<svg class=\"chart\" id=\"contour\" viewBox=\"0 0 \(Int(left + size * Double(cells) + 160)) \(Int(top + size * Double(cells) + 40))\" "
            + "width=\"\(Int(left + size * Double(cells) + 160))\" height=\"\(Int(top + size * Double(cells) + 40))\" role=\"img\" "
            + "aria-label=\"\(escape(metric)) over \(escape(names.0)) and \(escape(names.1))\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<text x=\"\(Int(left))\" y=\"18\" class=\"chart-title\">\(escape(metric)) over \(escape(names.0)) (across) and \(escape(names.1)) (up)</text>"
        for i in 0..<cells {
            for j in 0..<cells where sums[i][j].1 > 0 {
                let mean = sums[i][j].0 / Double(sums[i][j].1)
                var t = high > low ? (mean - low) / (high - low) : 0.5
                if !maximize { t = 1 - t }
                // Red (worst) through yellow to green (best).
                let red = Int(t < 0.5 ? 220 : 220 - (t - 0.5) * 2 * 170), green = Int(t < 0.5 ? 60 + t * 2 * 160 : 220)
                let cx = left + Double(i) * size, cy = top + Double(cells - 1 - j) * size
                svg += "<rect x=\"\(Int(cx))\" y=\"\(Int(cy))\" width=\"\(Int(size))\" height=\"\(Int(size))\" fill=\"rgb(\(red),\(green),80)\">"
                    + "<title>\(escape(names.0)) ≈ \(BacktestReport.fixed(minX + (Double(i) + 0.5) / Double(cells) * (maxX - minX), 1)), "
                    + "\(escape(names.1)) ≈ \(BacktestReport.fixed(minY + (Double(j) + 0.5) / Double(cells) * (maxY - minY), 1)): "
                    + "\(BacktestReport.fixed(mean, 3)) (\(sums[i][j].1) trials)</title></rect>"
            }
        }
        let bottom = top + size * Double(cells)
        svg += "<g class=\"grid\"><text x=\"\(Int(left))\" y=\"\(Int(bottom + 16))\">\(BacktestReport.fixed(minX, 1))</text>"
            + "<text x=\"\(Int(left + size * Double(cells)))\" y=\"\(Int(bottom + 16))\" text-anchor=\"end\">\(BacktestReport.fixed(maxX, 1))</text>"
            + "<text x=\"\(Int(left - 6))\" y=\"\(Int(bottom))\" text-anchor=\"end\">\(BacktestReport.fixed(minY, 1))</text>"
            + "<text x=\"\(Int(left - 6))\" y=\"\(Int(top + 10))\" text-anchor=\"end\">\(BacktestReport.fixed(maxY, 1))</text>"
            + "<text x=\"\(Int(left + size * Double(cells) + 12))\" y=\"\(Int(top + 12))\">best \(BacktestReport.fixed(maximize ? high : low, 3))</text>"
            + "<text x=\"\(Int(left + size * Double(cells) + 12))\" y=\"\(Int(bottom))\">worst \(BacktestReport.fixed(maximize ? low : high, 3))</text></g>"
        return svg + "</svg>"
    }

    /// Writes `study.html` into `directory` and returns its path.
    public static func write(plan: StudyPlan, record: StudyRecord, trials: [TrialRecord], importance: [(name: String, share: Double)],
                             directory: String) throws -> String {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let path = (directory as NSString).appendingPathComponent("study.html")
        try Data(render(plan: plan, record: record, trials: trials, importance: importance).utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
