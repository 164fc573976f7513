import Foundation

/// A line chart drawn as SVG, with no dependency: axes with rounded ticks, axis labels, a title
/// and a legend. Training curves (`curves.svg`) and forecast plots are made of these.
public struct LineChart {
    public struct Series {
        public var name: String
        /// Points in data coordinates; non-finite values are skipped.
        public var points: [(x: Double, y: Double)]
        /// Any SVG colour.
        public var color: String
        public var dashed: Bool
        /// Draws a small circle at each point (useful for few points, e.g. one per epoch).
        public var markers: Bool

        public init(name: String, points: [(x: Double, y: Double)], color: String,
                    dashed: Bool = false, markers: Bool = false) {
            self.name = name
            self.points = points
            self.color = color
            self.dashed = dashed
            self.markers = markers
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    /// Logarithmic y axis (perplexities span orders of magnitude early in training).
    public var logY: Bool
    public var series: [Series]
    /// Ticks on whole numbers only (epochs, steps).
    public var integerX: Bool
    /// An optional vertical marker, e.g. where a forecast starts.
    public var verticalMarker: (x: Double, label: String)?

    public init(title: String, xLabel: String, yLabel: String, logY: Bool = false, integerX: Bool = false,
                series: [Series] = [], verticalMarker: (x: Double, label: String)? = nil) {
        self.integerX = integerX
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.logY = logY
        self.series = series
        self.verticalMarker = verticalMarker
    }

    /// The chart as an SVG group placed at (`x`, `y`) with the given size.
    public func svgGroup(x: Double, y: Double, width: Double, height: Double) -> String {
        let left = 70.0, right = 20.0, top = 34.0, bottom = 48.0
        let plotW = max(10, width - left - right), plotH = max(10, height - top - bottom)
        var out = "<g transform=\"translate(\(fmt(x)),\(fmt(y)))\" font-family=\"Helvetica, Arial, sans-serif\">\n"
        out += "<text x=\"\(fmt(width / 2))\" y=\"20\" text-anchor=\"middle\" font-size=\"15\" font-weight=\"bold\">\(escape(title))</text>\n"

        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite && (!logY || $0.y > 0) }
        guard let minX0 = finite.map(\.x).min(), let maxX0 = finite.map(\.x).max(),
              let minY0 = finite.map(\.y).min(), let maxY0 = finite.map(\.y).max() else {
            out += "<text x=\"\(fmt(width / 2))\" y=\"\(fmt(height / 2))\" text-anchor=\"middle\" font-size=\"13\" fill=\"#666\">no data yet</text>\n</g>\n"
            return out
        }
        let (minX, maxX) = minX0 == maxX0 ? (minX0 - 1, maxX0 + 1) : (minX0, maxX0)
        let xTicks = Self.niceTicks(minX, maxX, minimumStep: integerX ? 1 : 0)
        let xLo = min(minX, xTicks.first ?? minX), xHi = max(maxX, xTicks.last ?? maxX)
        let yTicks: [Double]
        let yLo: Double, yHi: Double
        if logY {
            let lo = minY0 == maxY0 ? minY0 / 2 : minY0, hi = minY0 == maxY0 ? maxY0 * 2 : maxY0
            yTicks = Self.logTicks(lo, hi)
            yLo = lo; yHi = hi
        } else {
            let (lo, hi) = minY0 == maxY0 ? (minY0 - 1, maxY0 + 1) : (minY0, maxY0)
            yTicks = Self.niceTicks(lo, hi)
            yLo = min(lo, yTicks.first ?? lo); yHi = max(hi, yTicks.last ?? hi)
        }
        func px(_ v: Double) -> Double { left + (v - xLo) / (xHi - xLo) * plotW }
        func py(_ v: Double) -> Double {
            let t = logY ? (log10(v) - log10(yLo)) / (log10(yHi) - log10(yLo)) : (v - yLo) / (yHi - yLo)
            return top + (1 - t) * plotH
        }

        // Frame, grid and ticks.
        out += "<rect x=\"\(fmt(left))\" y=\"\(fmt(top))\" width=\"\(fmt(plotW))\" height=\"\(fmt(plotH))\" fill=\"white\" stroke=\"#333\"/>\n"
        for t in xTicks where t >= xLo && t <= xHi {
            let X = px(t)
            out += "<line x1=\"\(fmt(X))\" y1=\"\(fmt(top))\" x2=\"\(fmt(X))\" y2=\"\(fmt(top + plotH))\" stroke=\"#e4e4e4\"/>\n"
            out += "<text x=\"\(fmt(X))\" y=\"\(fmt(top + plotH + 16))\" text-anchor=\"middle\" font-size=\"11\">\(Self.label(t))</text>\n"
        }
        for t in yTicks where t >= yLo * (1 - 1e-9) && t <= yHi * (1 + 1e-9) {
            let Y = py(t)
            out += "<line x1=\"\(fmt(left))\" y1=\"\(fmt(Y))\" x2=\"\(fmt(left + plotW))\" y2=\"\(fmt(Y))\" stroke=\"#e4e4e4\"/>\n"
            out += "<text x=\"\(fmt(left - 6))\" y=\"\(fmt(Y + 4))\" text-anchor=\"end\" font-size=\"11\">\(Self.label(t))</text>\n"
        }
        out += "<text x=\"\(fmt(left + plotW / 2))\" y=\"\(fmt(height - 8))\" text-anchor=\"middle\" font-size=\"12\">\(escape(xLabel))</text>\n"
        out += "<text transform=\"translate(16,\(fmt(top + plotH / 2))) rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">\(escape(yLabel + (logY ? " (log scale)" : "")))</text>\n"

        if let marker = verticalMarker, marker.x >= xLo, marker.x <= xHi {
            let X = px(marker.x)
            out += "<line x1=\"\(fmt(X))\" y1=\"\(fmt(top))\" x2=\"\(fmt(X))\" y2=\"\(fmt(top + plotH))\" stroke=\"#888\" stroke-dasharray=\"2,3\"/>\n"
            out += "<text x=\"\(fmt(X + 4))\" y=\"\(fmt(top + 12))\" font-size=\"11\" fill=\"#555\">\(escape(marker.label))</text>\n"
        }

        // Lines.
        for s in series {
            let pts = s.points.filter { $0.x.isFinite && $0.y.isFinite && (!logY || $0.y > 0) }
            guard !pts.isEmpty else { continue }
            let path = pts.map { "\(fmt(px($0.x))),\(fmt(py($0.y)))" }.joined(separator: " ")
            let dash = s.dashed ? " stroke-dasharray=\"6,4\"" : ""
            out += "<polyline fill=\"none\" stroke=\"\(s.color)\" stroke-width=\"1.8\"\(dash) points=\"\(path)\"/>\n"
            if s.markers || pts.count == 1 {
                for p in pts {
                    out += "<circle cx=\"\(fmt(px(p.x)))\" cy=\"\(fmt(py(p.y)))\" r=\"3\" fill=\"\(s.color)\"/>\n"
                }
            }
        }

        // Legend, top right inside the plot.
        let named = series.filter { !$0.name.isEmpty }
        if !named.isEmpty {
            let rowH = 16.0
            let boxW = 16.0 + 34 + Double(named.map(\.name.count).max() ?? 0) * 6.6
            let boxX = left + plotW - boxW - 8, boxY = top + 8
            out += "<rect x=\"\(fmt(boxX))\" y=\"\(fmt(boxY))\" width=\"\(fmt(boxW))\" height=\"\(fmt(rowH * Double(named.count) + 8))\" fill=\"white\" fill-opacity=\"0.85\" stroke=\"#bbb\"/>\n"
            for (i, s) in named.enumerated() {
                let ly = boxY + 4 + rowH * Double(i) + rowH / 2
                let dash = s.dashed ? " stroke-dasharray=\"6,4\"" : ""
                out += "<line x1=\"\(fmt(boxX + 8))\" y1=\"\(fmt(ly))\" x2=\"\(fmt(boxX + 34))\" y2=\"\(fmt(ly))\" stroke=\"\(s.color)\" stroke-width=\"2\"\(dash)/>\n"
                out += "<text x=\"\(fmt(boxX + 40))\" y=\"\(fmt(ly + 4))\" font-size=\"11\">\(escape(s.name))</text>\n"
            }
        }
        out += "</g>\n"
        return out
    }

    /// Stacks charts vertically into one standalone SVG document.
    public static func document(_ charts: [LineChart], width: Double = 760, panelHeight: Double = 320) -> String {
        let height = panelHeight * Double(max(1, charts.count))
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(fmt(width))\" height=\"\(fmt(height))\" viewBox=\"0 0 \(fmt(width)) \(fmt(height))\">\n"
        out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        for (i, chart) in charts.enumerated() {
            out += chart.svgGroup(x: 0, y: panelHeight * Double(i), width: width, height: panelHeight)
        }
        out += "</svg>\n"
        return out
    }

    /// Ticks at 1, 2 or 5 × 10^k covering [lo, hi] with about five intervals.
    static func niceTicks(_ lo: Double, _ hi: Double, target: Int = 5, minimumStep: Double = 0) -> [Double] {
        let span = hi - lo
        guard span > 0, span.isFinite else { return [lo] }
        let raw = max(span / Double(target), minimumStep)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? 10 * magnitude
        let first = floor(lo / step) * step, last = ceil(hi / step) * step
        let firstIndex = Int((first / step).rounded()), lastIndex = Int((last / step).rounded())
        return (firstIndex...lastIndex).map { Double($0) * step }
    }

    /// Ticks for a log axis: 1, 2, 5 × 10^k inside [lo, hi]; every integer multiple of 10^k when
    /// that gives fewer than three; both ends when even that gives fewer than two.
    static func logTicks(_ lo: Double, _ hi: Double) -> [Double] {
        func ticks(_ multiples: [Double]) -> [Double] {
            var out: [Double] = []
            var decade = pow(10, floor(log10(lo)))
            while decade <= hi {
                for m in multiples where decade * m >= lo * (1 - 1e-9) && decade * m <= hi * (1 + 1e-9) {
                    out.append(decade * m)
                }
                decade *= 10
            }
            return out
        }
        let coarse = ticks([1, 2, 5])
        if coarse.count >= 3 { return coarse }
        let fine = ticks([1, 2, 3, 4, 5, 6, 7, 8, 9])
        if fine.count >= 3 { return fine }
        // Less than a decade: evenly spaced round values read best.
        let linear = niceTicks(lo, hi).filter { $0 >= lo * (1 - 1e-9) && $0 <= hi * (1 + 1e-9) && $0 > 0 }
        return linear.count >= 2 ? linear : [lo, hi]
    }

    static func label(_ v: Double) -> String {
        if v == v.rounded() && abs(v) < 1e7 { return String(Int(v)) }
        if abs(v) >= 1e4 || abs(v) < 1e-3 { return String(format: "%.2g", v) }
        return String(format: "%.3g", v)
    }
}

private func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

private func escape(_ s: String) -> String {
    s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
