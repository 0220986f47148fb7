import RealModule
import TradewindCore

/// A chart drawn as inline SVG: lines, filled areas, bands and markers over a numeric x axis,
/// with "nice" gridlines. Pure string building, so reports need no script or external asset.
public struct SVGChart {
    public struct Line: Sendable {
        public var points: [(x: Double, y: Double)]
        public var color: String
        public var width = 1.5
        /// Fill between the line and y = 0.
        public var fillToZero = false

        public init(points: [(x: Double, y: Double)], color: String, width: Double = 1.5, fillToZero: Bool = false) {
            self.points = points
            self.color = color
            self.width = width
            self.fillToZero = fillToZero
        }
    }

    /// A point of a scatter plot.
    public struct Dot: Sendable {
        public var x: Double
        public var y: Double
        public var color: String
        public var title: String

        public init(x: Double, y: Double, color: String, title: String) {
            self.x = x
            self.y = y
            self.color = color
            self.title = title
        }
    }

    struct Band {
        var x: [Double]
        var lower: [Double]
        var upper: [Double]
        var color: String
        var opacity: Double
    }

    struct Marker {
        var x: Double
        var y: Double
        /// Points up (an entry) or down (an exit).
        var up: Bool
        var color: String
        var title: String
    }

    public var id: String
    public var title: String
    public var width = 960.0
    public var height = 260.0
    public var lines: [Line] = []
    var bands: [Band] = []
    var markers: [Marker] = []
    public var dots: [Dot] = []
    public var formatX: (Double) -> String
    public var formatY: (Double) -> String
    /// Always include y = 0 in the range (returns, drawdowns).
    public var includeZero = false
    /// Where to label the x axis; "nice" numbers when `nil` (times use ``timeTicks(from:to:)``).
    var xTicks: [Double]?

    private let left = 72.0, right = 16.0, top = 28.0, bottom = 30.0

    public func render() -> String {
        let xs = lines.flatMap { $0.points.map(\.x) } + bands.flatMap(\.x) + markers.map(\.x) + dots.map(\.x)
        let ys = (lines.flatMap { $0.points.map(\.y) } + bands.flatMap { $0.lower + $0.upper } + markers.map(\.y) + dots.map(\.y)).filter(\.isFinite)
        var svg = "<svg class=\"chart\" id=\"\(id)\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" width=\"\(Int(width))\" height=\"\(Int(height))\" "
            + "role=\"img\" aria-label=\"\(escape(title))\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<text x=\"\(left)\" y=\"18\" class=\"chart-title\">\(escape(title))</text>"
        guard let minX = xs.min(), let maxX = xs.max(), var minY = ys.min(), var maxY = ys.max() else {
            return svg + "<text x=\"\(Int(width / 2))\" y=\"\(Int(height / 2))\" text-anchor=\"middle\" class=\"empty\">no data</text></svg>"
        }
        if includeZero { minY = Swift.min(minY, 0); maxY = Swift.max(maxY, 0) }
        if maxY - minY < 1e-12 { minY -= 1; maxY += 1 }
        let pad = (maxY - minY) * 0.05
        minY -= pad
        maxY += pad
        let spanX = maxX > minX ? maxX - minX : 1
        let plotW = width - left - right, plotH = height - top - bottom
        func px(_ x: Double) -> String { format((x - minX) / spanX * plotW + left) }
        func py(_ y: Double) -> String { format(top + plotH - (y - minY) / (maxY - minY) * plotH) }

        svg += "<g class=\"grid\">"
        for tick in Self.niceTicks(minY, maxY, count: 5) {
            svg += "<line x1=\"\(Int(left))\" x2=\"\(Int(width - right))\" y1=\"\(py(tick))\" y2=\"\(py(tick))\"/>"
            svg += "<text x=\"\(Int(left - 6))\" y=\"\(py(tick))\" dy=\"4\" text-anchor=\"end\">\(escape(formatY(tick)))</text>"
        }
        for tick in xTicks ?? Self.niceTicks(minX, maxX, count: 7) where tick >= minX && tick <= maxX {
            svg += "<text x=\"\(px(tick))\" y=\"\(Int(height - 10))\" text-anchor=\"middle\">\(escape(formatX(tick)))</text>"
        }
        svg += "</g>"
        if includeZero && minY < 0 && maxY > 0 {
            svg += "<line class=\"zero\" x1=\"\(Int(left))\" x2=\"\(Int(width - right))\" y1=\"\(py(0))\" y2=\"\(py(0))\"/>"
        }
        for band in bands where !band.x.isEmpty {
            let upper = band.x.indices.map { "\(px(band.x[$0])),\(py(band.upper[$0]))" }
            let lower = band.x.indices.reversed().map { "\(px(band.x[$0])),\(py(band.lower[$0]))" }
            svg += "<polygon points=\"\((upper + lower).joined(separator: " "))\" fill=\"\(band.color)\" fill-opacity=\"\(band.opacity)\" stroke=\"none\"/>"
        }
        for line in lines {
            // Non-finite values break the line into segments instead of drawing a false value.
            var segments: [[String]] = [[]]
            for point in line.points {
                if point.y.isFinite { segments[segments.count - 1].append("\(px(point.x)),\(py(point.y))") }
                else if !segments[segments.count - 1].isEmpty { segments.append([]) }
            }
            for segment in segments where !segment.isEmpty {
                if line.fillToZero, let first = segment.first, let last = segment.last {
                    let base = py(Swift.max(minY, Swift.min(maxY, 0)))
                    let firstX = first.split(separator: ",")[0], lastX = last.split(separator: ",")[0]
                    svg += "<polygon points=\"\(firstX),\(base) \(segment.joined(separator: " ")) \(lastX),\(base)\" fill=\"\(line.color)\" fill-opacity=\"0.25\" stroke=\"none\"/>"
                }
                svg += "<polyline points=\"\(segment.joined(separator: " "))\" fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"\(line.width)\" stroke-linejoin=\"round\"/>"
            }
        }
        for dot in dots where dot.y.isFinite {
            svg += "<circle class=\"dot\" cx=\"\(px(dot.x))\" cy=\"\(py(dot.y))\" r=\"3.5\" fill=\"\(dot.color)\" fill-opacity=\"0.75\"><title>\(escape(dot.title))</title></circle>"
        }
        for marker in markers {
            let x = (marker.x - minX) / spanX * plotW + left
            let y = top + plotH - (marker.y - minY) / (maxY - minY) * plotH
            let tip = marker.up ? y + 3 : y - 3
            let base = marker.up ? y + 11 : y - 11
            svg += "<polygon class=\"marker\" points=\"\(format(x)),\(format(tip)) \(format(x - 5)),\(format(base)) \(format(x + 5)),\(format(base))\" fill=\"\(marker.color)\"><title>\(escape(marker.title))</title></polygon>"
        }
        return svg + "</svg>"
    }

    /// Round tick values (1, 2 or 5 × a power of ten) inside `low…high`, about `count` of them.
    static func niceTicks(_ low: Double, _ high: Double, count: Int) -> [Double] {
        guard high > low, count > 1, (high - low).isFinite else { return [low] }
        let exponent = Int((Double.log10(high - low) - 1).rounded(.down))
        // Candidate steps m × 10^e; the one giving the tick count nearest `count` wins.
        let candidates = (exponent - 1...exponent + 1).flatMap { e in [1, 2, 5].map { (m: $0, e: e) } }
        func size(_ step: (m: Int, e: Int)) -> Double { Double(step.m) * pow10(step.e) }
        let step = candidates.min { abs((high - low) / size($0) - Double(count)) < abs((high - low) / size($1) - Double(count)) }!
        // k × m × 10^e computed so that e.g. −0.03 comes out as the literal −0.03.
        func tick(_ k: Int) -> Double { step.e >= 0 ? Double(k * step.m) * pow10(step.e) : Double(k * step.m) / pow10(-step.e) }
        var k = Int((low / size(step)).rounded(.up))
        var ticks: [Double] = []
        while tick(k) <= high && ticks.count < 50 {
            ticks.append(tick(k) == 0 ? 0 : tick(k))
            k += 1
        }
        return ticks
    }

    private static func pow10(_ e: Int) -> Double {
        var value = 1.0
        for _ in 0..<abs(e) { value *= 10 }
        return e >= 0 ? value : 1 / value
    }

    /// Seconds since the epoch of calendar boundaries between two times: years, quarters,
    /// months or days, whichever gives a handful of labels.
    static func timeTicks(from start: Double, to end: Double) -> [Double] {
        let days = (end - start) / 86_400
        let first = Timestamp(nanosecondsSinceEpoch: Int64(start * 1e9)).utcComponents
        let stepMonths = days > 365 * 20 ? 60 : days > 365 * 8 ? 24 : days > 365 * 3 ? 12 : days > 365 ? 3 : days > 60 ? 1 : 0
        var ticks: [Double] = []
        if stepMonths == 0 {
            let dayStep = Swift.max(1.0, (days / 7).rounded(.up)) * 86_400
            var tick = (start / 86_400).rounded(.up) * 86_400
            while tick <= end { ticks.append(tick); tick += dayStep }
            return ticks
        }
        var year = first.year, month = 1
        while true {
            if let time = Timestamp(year: year, month: month, day: 1) {
                let seconds = Double(time.nanosecondsSinceEpoch) / 1e9
                if seconds > end { break }
                if seconds >= start { ticks.append(seconds) }
            }
            month += stepMonths
            while month > 12 { month -= 12; year += 1 }
        }
        return ticks
    }

    /// `2012` on January ticks of long charts, `2012-04` otherwise, `2012-04-16` for short ones.
    static func timeLabel(_ seconds: Double, span: Double) -> String {
        let c = Timestamp(nanosecondsSinceEpoch: Int64(seconds * 1e9)).utcComponents
        let month = c.month < 10 ? "0\(c.month)" : "\(c.month)"
        let day = c.day < 10 ? "0\(c.day)" : "\(c.day)"
        if span < 60 * 86_400 { return "\(c.year)-\(month)-\(day)" }
        return c.month == 1 && span > 3 * 365 * 86_400 ? "\(c.year)" : "\(c.year)-\(month)"
    }

    private func format(_ value: Double) -> String { BacktestReport.fixed(value, 1) }
}

/// Text made safe for HTML and SVG element content and attribute values.
public func escape(_ text: String) -> String {
    var result = ""
    result.reserveCapacity(text.count)
    for character in text {
        switch character {
        case "&": result += "&amp;"
        case "<": result += "&lt;"
        case ">": result += "&gt;"
        case "\"": result += "&quot;"
        case "'": result += "&#39;"
        default: result.append(character)
        }
    }
    return result
}

extension SVGChart {
    public init(id: String, title: String, width: Double = 960, height: Double = 260,
                formatX: @escaping (Double) -> String, formatY: @escaping (Double) -> String) {
        self.init(id: id, title: title, width: width, height: height, formatX: formatX, formatY: formatY, xTicks: nil)
    }
}
