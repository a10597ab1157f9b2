import Foundation

/// The figure people draw most for a classifier on two features: the plane tinted by what the
/// model predicts there, the training or test points on top in their true class colours, and the
/// points the model gets wrong crossed out.
///
/// The tint is the predicted class's colour (tab10, as the points) mixed with white in proportion
/// to how sure the model is (`max p` from `1 / classes` to 1), so uncertain regions stay pale and
/// the boundary is where colours meet. Two classes get a colorbar of `P(class 1)` and the 0.5
/// boundary as a black line.
///
/// ```swift
/// var axes = Axes(title: "logistic regression")
/// try DecisionRegions.draw(into: &axes, x: x1, y: x2, labels: y, predicted: model.predict(points)) { xs, ys in
///     try model.predictProbabilities(Tensor(shape: [xs.count, 2], elements: ...))
/// }
/// ```
public enum DecisionRegions {
    /// How much of the class colour the surest cells get (the rest is white).
    static let strongestTint = 0.45

    /// Draws the regions and points into `axes`.
    /// - Parameters:
    ///   - labels: true class per point, indices into `classNames` (0, 1, ...).
    ///   - predicted: the model's class per point; points where it differs from `labels` are crossed.
    ///   - resolution: grid cells along the longer side.
    ///   - probabilities: the model's class probabilities at grid points given as x and y arrays,
    ///     `[points][classes]`, columns in class-index order.
    public static func draw(into axes: inout Axes, x: [Double], y: [Double], labels: [Int], predicted: [Int]?,
                            classNames: [String]? = nil, resolution: Int = 200, pointSize: Double = 5,
                            probabilities: ([Double], [Double]) throws -> [[Double]]) throws {
        guard !x.isEmpty else { throw PlotError.emptySeries("decision regions") }
        guard x.count == y.count else { throw PlotError.lengthMismatch("decision regions: x and y", expected: x.count, found: y.count) }
        guard labels.count == x.count else { throw PlotError.lengthMismatch("decision regions: labels", expected: x.count, found: labels.count) }
        if let predicted, predicted.count != x.count {
            throw PlotError.lengthMismatch("decision regions: predictions", expected: x.count, found: predicted.count)
        }
        guard resolution >= 2 else { throw PlotError.invalidArgument("decision regions: resolution must be at least 2, got \(resolution)") }
        let xRange = padded(x), yRange = padded(y)
        let aspect = (yRange.upperBound - yRange.lowerBound) / (xRange.upperBound - xRange.lowerBound)
        let columns = aspect <= 1 ? resolution : max(2, Int(Double(resolution) / aspect))
        let rows = aspect <= 1 ? max(2, Int(Double(resolution) * aspect)) : resolution
        var gridX: [Double] = [], gridY: [Double] = []
        gridX.reserveCapacity(rows * columns)
        gridY.reserveCapacity(rows * columns)
        for row in 0..<rows {
            for column in 0..<columns {
                gridX.append(xRange.lowerBound + (Double(column) + 0.5) * (xRange.upperBound - xRange.lowerBound) / Double(columns))
                gridY.append(yRange.lowerBound + (Double(row) + 0.5) * (yRange.upperBound - yRange.lowerBound) / Double(rows))
            }
        }
        let grid = try probabilities(gridX, gridY)
        guard grid.count == rows * columns, let classCount = grid.first?.count, classCount >= 2,
              grid.allSatisfy({ $0.count == classCount }) else {
            throw PlotError.invalidArgument("decision regions: expected \(rows * columns) rows of class probabilities (at least 2 classes each)")
        }
        let names = classNames ?? (0..<max(classCount, (labels.max() ?? 0) + 1)).map(String.init)
        if classCount == 2 {
            // A diverging map from class 0's colour through white to class 1's.
            let low = Colormap.tab10.color(category: 0), high = Colormap.tab10.color(category: 1)
            let table: [UInt32] = (0..<256).map { index in
                let t = Double(index) / 255
                let color = t < 0.5 ? mix(low, 1 - 2 * t) : mix(high, 2 * t - 1)
                let b = color.bytes
                return UInt32(b.red) << 16 | UInt32(b.green) << 8 | UInt32(b.blue)
            }
            let positive = grid.map { $0[1] }
            try axes.field(positive, columns: columns, rows: rows, x: xRange, y: yRange,
                           colormap: Colormap(name: "decision", table: table), range: 0...1,
                           colorbarLabel: "P(\(names.count > 1 ? names[1] : "class 1"))")
            try axes.contour(positive, columns: columns, rows: rows, x: xRange, y: yRange, level: 0.5, label: "P = 0.5", color: .ink, width: 1.2)
        } else {
            let colors = grid.map { row -> Color in
                var best = 0
                for k in 1..<row.count where row[k] > row[best] { best = k }
                let sureness = (row[best] - 1 / Double(row.count)) / (1 - 1 / Double(row.count))
                return mix(Colormap.tab10.color(category: best), sureness)
            }
            try axes.field(colors: colors, columns: columns, rows: rows, x: xRange, y: yRange)
        }
        try axes.scatter(x: x, y: y, categories: labels, names: names, size: pointSize)
        if let predicted {
            let wrong = labels.indices.filter { labels[$0] != predicted[$0] }
            if !wrong.isEmpty {
                try axes.scatter(x: wrong.map { x[$0] }, y: wrong.map { y[$0] }, label: "misclassified (\(wrong.count))",
                                 color: .black, size: pointSize * 2.6, marker: .cross)
                // The point itself on top of its cross, so its true colour still shows.
                for index in wrong {
                    try axes.scatter(x: [x[index]], y: [y[index]], color: Colormap.tab10.color(category: labels[index]), size: pointSize)
                }
            }
        }
        axes.xLimits = xRange
        axes.yLimits = yRange
    }

    /// White mixed with `color`: `strength` 0 is white, 1 is `strongestTint` of the colour.
    static func mix(_ color: Color, _ strength: Double) -> Color {
        let s = min(max(strength, 0), 1) * strongestTint
        return Color(red: 1 - s + s * color.red, green: 1 - s + s * color.green, blue: 1 - s + s * color.blue)
    }

    /// The data range plus 8 % on each side (at least 0.5 for a single value).
    static func padded(_ values: [Double]) -> ClosedRange<Double> {
        let finite = values.filter(\.isFinite)
        let low = finite.min() ?? 0, high = finite.max() ?? 1
        let pad = high > low ? (high - low) * 0.08 : 0.5
        return (low - pad)...(high + pad)
    }
}
