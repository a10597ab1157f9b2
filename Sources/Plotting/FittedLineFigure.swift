import Foundation

/// A simple regression shown the way a reader checks it: the points, the fitted line, each
/// residual as a vertical segment from the point to the line (left), and the residuals against
/// x with the zero line (right), where a pattern would mean the line misses something.
public enum FittedLineFigure {
    /// A line to draw beside the fit (a closed form, the generating line) for comparison.
    public struct ReferenceLine: Sendable {
        public var slope: Double
        public var intercept: Double
        public var label: String
        public init(slope: Double, intercept: Double, label: String) {
            self.slope = slope
            self.intercept = intercept
            self.label = label
        }
    }

    /// - Parameters:
    ///   - slope, intercept: the fitted line `y = slope x + intercept`.
    ///   - reference: drawn dashed; nil draws only the fit.
    public static func figure(x: [Double], y: [Double], slope: Double, intercept: Double, fitLabel: String = "fitted line",
                              reference: ReferenceLine? = nil, title: String, xLabel: String = "x", yLabel: String = "y",
                              width: Int = 1500, height: Int = 620) throws -> Figure {
        guard !x.isEmpty else { throw PlotError.emptySeries("fitted line") }
        guard x.count == y.count else { throw PlotError.lengthMismatch("fitted line: x and y", expected: x.count, found: y.count) }
        guard slope.isFinite, intercept.isFinite else { throw PlotError.invalidArgument("fitted line: slope and intercept must be finite") }
        var figure = Figure(width: width, height: height, dpi: 110, rows: 1, columns: 2, title: title)
        let fitted = x.map { slope * $0 + intercept }
        let residuals = zip(y, fitted).map { $0 - $1 }
        // Residual segments as one broken line: (x, y) to (x, ŷ), then a gap.
        var segmentX: [Double] = [], segmentY: [Double] = []
        for i in x.indices { segmentX += [x[i], x[i], .nan]; segmentY += [y[i], fitted[i], .nan] }
        try figure[0].line(x: segmentX, y: segmentY, label: "residuals", color: Color(gray: 0.6), width: 0.8)
        try figure[0].scatter(x: x, y: y, label: "data", color: .blue, size: 5)
        let ends = [x.min()!, x.max()!]
        try figure[0].line(x: ends, y: ends.map { slope * $0 + intercept }, label: fitLabel, color: .red, width: 2)
        if let reference {
            try figure[0].line(x: ends, y: ends.map { reference.slope * $0 + reference.intercept }, label: reference.label,
                               color: .ink, width: 1.5, dash: .dashed)
        }
        figure[0].title = String(format: "y = %.4g x %@ %.4g", slope, intercept < 0 ? "-" : "+", abs(intercept))
        figure[0].xLabel = xLabel
        figure[0].yLabel = yLabel
        figure[0].legend = .upperLeft
        try figure[1].scatter(x: x, y: residuals, color: .blue, size: 5)
        try figure[1].horizontalLine(at: 0, color: .red)
        figure[1].title = "residuals (y - fitted)"
        figure[1].xLabel = xLabel
        figure[1].yLabel = "residual"
        for panel in 0..<2 { figure[panel].showsGrid = true }
        return figure
    }
}
