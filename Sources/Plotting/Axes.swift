import Foundation
import TensorCore

/// One plot panel: series drawn against an x and a y axis, with labels, ticks, grid, legend and colorbar.
///
/// Series are added with mutating methods that validate the data at once (empty series and mismatched
/// lengths throw `PlotError`; NaN and infinite values are skipped and counted in `skippedValueCount`).
/// Colours not given follow matplotlib's tab10 cycle in the order series are added.
public struct Axes: Sendable {
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    public var xScale: Scale = .linear
    public var yScale: Scale = .linear
    /// Fixed limits; nil means automatic (data range plus a 5 % margin, bars and histograms from 0).
    public var xLimits: ClosedRange<Double>?
    public var yLimits: ClosedRange<Double>?
    /// Light grid lines at the major ticks.
    public var showsGrid = false
    public var legend: LegendPlacement = .best
    /// Title shown above the legend entries.
    public var legendTitle: String?
    /// False hides the colorbar of a value-coloured series (panels that share one colour scale show it once).
    public var showsColorbar = true
    /// Explicit ticks along x (positions in data units and their labels), replacing the automatic ones:
    /// categorical parameters, named positions. nil: automatic; an empty array: no ticks.
    public var xTicks: [AxisTick]?
    /// Explicit ticks along y, as `xTicks`.
    public var yTicks: [AxisTick]?
    /// Values that could not be drawn (NaN, infinite, or not positive on a log axis at add time).
    public private(set) var skippedValueCount = 0

    /// Internal setter: series kinds defined in their own files (`Field.swift`) append here.
    internal(set) var series: [Series] = []
    private var colorIndex = 0

    public init(title: String? = nil, xLabel: String? = nil, yLabel: String? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
    }

    /// True when nothing has been added.
    public var isEmpty: Bool { series.isEmpty }

    private mutating func nextColor() -> Color {
        defer { colorIndex += 1 }
        return Color.cycle(colorIndex)
    }

    private func describe(_ kind: String, _ label: String?) -> String {
        label.map { "\(kind) '\($0)'" } ?? kind
    }

    // MARK: Lines

    /// A line through (x[i], y[i]). NaN/infinite points are skipped (the line breaks there) and counted.
    /// - Parameters:
    ///   - width: line width in points (matplotlib's default 1.5).
    ///   - marker: a marker at every point (`markerSize` points wide).
    public mutating func line<X: Collection, Y: Collection>(x: X, y: Y, label: String? = nil, color: Color? = nil, width: Double = 1.5,
                              dash: Dash = .solid, marker: Marker = .none, markerSize: Double = 6) throws where X.Element: BinaryFloatingPoint, Y.Element: BinaryFloatingPoint {
        let x = x.map { Double($0) }, y = y.map { Double($0) }
        let what = describe("line", label)
        guard x.count == y.count else { throw PlotError.lengthMismatch("\(what): x and y", expected: x.count, found: y.count) }
        let finite = zip(x, y).filter { $0.0.isFinite && $0.1.isFinite }.count
        guard finite > 0 else { throw PlotError.emptySeries(what) }
        guard width >= 0, markerSize >= 0 else { throw PlotError.invalidArgument("\(what): width and marker size must be >= 0") }
        skippedValueCount += x.count - finite
        series.append(.line(LineSeries(x: x, y: y, label: label, color: color ?? nextColor(), width: width, dash: dash,
                                       marker: marker, markerSize: markerSize)))
    }

    /// A line through y[i] at x = 0, 1, 2, ... (or `xStart`, `xStart + 1`, ...).
    public mutating func line<Y: Collection>(_ y: Y, xStart: Double = 0, label: String? = nil, color: Color? = nil, width: Double = 1.5,
                              dash: Dash = .solid, marker: Marker = .none) throws where Y.Element: BinaryFloatingPoint {
        let y = y.map { Double($0) }
        try line(x: y.indices.map { xStart + Double($0) }, y: y, label: label, color: color, width: width, dash: dash, marker: marker)
    }

    /// A vertical line across the plot at `x` (e.g. the early-stopping epoch), dashed by default.
    public mutating func verticalLine(at x: Double, label: String? = nil, color: Color = .gray, width: Double = 1.2, dash: Dash = .dashed) throws {
        guard x.isFinite else { throw PlotError.invalidArgument("vertical line: position \(x) is not finite") }
        series.append(.reference(ReferenceLine(value: x, vertical: true, label: label, color: color, width: width, dash: dash)))
    }

    /// A horizontal line across the plot at `y` (e.g. a chance level), dashed by default.
    public mutating func horizontalLine(at y: Double, label: String? = nil, color: Color = .gray, width: Double = 1.2, dash: Dash = .dashed) throws {
        guard y.isFinite else { throw PlotError.invalidArgument("horizontal line: position \(y) is not finite") }
        series.append(.reference(ReferenceLine(value: y, vertical: false, label: label, color: color, width: width, dash: dash)))
    }

    /// A text at data coordinates (x, y), vertically centred there; `alignment` says whether (x, y) is its
    /// left end, centre or right end. A `background` box behind it keeps it readable over dense data
    /// (tick values along a parallel-coordinates axis).
    public mutating func text(_ text: String, x: Double, y: Double, color: Color = .ink, size: Double = 9,
                              alignment: TextAlignment = .center, background: Color? = nil) {
        series.append(.annotation(Annotation(text: text, x: x, y: y, color: color, size: size,
                                             alignment: alignment, background: background)))
    }

    // MARK: Scatter

    /// Points in one colour. `size` is the marker diameter in points; `alpha` its opacity.
    public mutating func scatter<X: Collection, Y: Collection>(x: X, y: Y, label: String? = nil, color: Color? = nil, size: Double = 5,
                                 alpha: Double = 1, marker: Marker = .circle) throws where X.Element: BinaryFloatingPoint, Y.Element: BinaryFloatingPoint {
        let kept = try finitePoints(x: x.map { Double($0) }, y: y.map { Double($0) }, extra: nil, what: describe("scatter", label))
        series.append(.scatter(ScatterSeries(x: kept.x, y: kept.y, coloring: .single(color ?? nextColor()), label: label,
                                             size: size, alpha: alpha, marker: marker)))
    }

    /// Points coloured by category (e.g. digit labels) with one legend entry per category present.
    /// - Parameters:
    ///   - categories: per point index in 0..<names.count (or any non-negative index when `names` is nil).
    ///   - names: legend text per category; nil uses the indices.
    ///   - colormap: a categorical palette (tab10 up to 10 categories, tab20 up to 20).
    public mutating func scatter<X: Collection, Y: Collection>(x: X, y: Y, categories: [Int], names: [String]? = nil,
                                 colormap: Colormap? = nil, size: Double = 5, alpha: Double = 1) throws where X.Element: BinaryFloatingPoint, Y.Element: BinaryFloatingPoint {
        let x = x.map { Double($0) }, y = y.map { Double($0) }
        let what = "scatter by category"
        guard categories.count == x.count else { throw PlotError.lengthMismatch("\(what): categories and x", expected: x.count, found: categories.count) }
        if let bad = categories.first(where: { $0 < 0 || (names != nil && $0 >= names!.count) }) {
            throw PlotError.invalidArgument("\(what): category \(bad) is outside 0..<\(names?.count ?? Int.max)")
        }
        let kept = try finitePoints(x: x, y: y, extra: categories.map(Double.init), what: what)
        let count = max(names?.count ?? 0, (categories.max() ?? 0) + 1)
        guard count <= 256 else {
            throw PlotError.invalidArgument("\(what): category index \(count - 1) is above 255; a legend of that many classes is unreadable (colour by `values:` with a colorbar instead)")
        }
        let map = colormap ?? (count <= 10 ? .tab10 : .tab20)
        series.append(.scatter(ScatterSeries(x: kept.x, y: kept.y,
                                             coloring: .categories(kept.extra.map { Int($0) }, names: names ?? (0..<count).map(String.init), colormap: map),
                                             label: nil, size: size, alpha: alpha, marker: .circle)))
    }

    /// Points coloured by a continuous value through `colormap`, explained by a colorbar.
    public mutating func scatter<X: Collection, Y: Collection, V: Collection>(x: X, y: Y, values: V, colormap: Colormap = .viridis,
                                 range: ClosedRange<Double>? = nil, colorbarLabel: String? = nil, size: Double = 5, alpha: Double = 1) throws
        where X.Element: BinaryFloatingPoint, Y.Element: BinaryFloatingPoint, V.Element: BinaryFloatingPoint {
        let x = x.map { Double($0) }, y = y.map { Double($0) }, values = values.map { Double($0) }
        let what = "scatter by value"
        guard values.count == x.count else { throw PlotError.lengthMismatch("\(what): values and x", expected: x.count, found: values.count) }
        let kept = try finitePoints(x: x, y: y, extra: values, what: what)
        let resolved = range ?? (kept.extra.min()!...kept.extra.max()!)
        series.append(.scatter(ScatterSeries(x: kept.x, y: kept.y, coloring: .values(kept.extra, colormap: colormap, range: resolved),
                                             label: colorbarLabel, size: size, alpha: alpha, marker: .circle)))
    }

    /// Drops points where x, y (or the extra per-point value) is not finite, counting them.
    private mutating func finitePoints(x: [Double], y: [Double], extra: [Double]?, what: String) throws -> (x: [Double], y: [Double], extra: [Double]) {
        guard x.count == y.count else { throw PlotError.lengthMismatch("\(what): x and y", expected: x.count, found: y.count) }
        var keptX: [Double] = [], keptY: [Double] = [], keptExtra: [Double] = []
        keptX.reserveCapacity(x.count)
        keptY.reserveCapacity(x.count)
        for index in x.indices {
            let e = extra?[index] ?? 0
            if x[index].isFinite && y[index].isFinite && e.isFinite {
                keptX.append(x[index])
                keptY.append(y[index])
                if extra != nil { keptExtra.append(e) }
            }
        }
        guard !keptX.isEmpty else { throw PlotError.emptySeries(what) }
        skippedValueCount += x.count - keptX.count
        return (keptX, keptY, keptExtra)
    }

    // MARK: Bars and histograms

    /// Bars of `values` at categorical positions named `categories`. Several `bar` calls on the same axes
    /// are drawn side by side (grouped) at each category. `horizontal` draws them from the y axis.
    public mutating func bar(categories: [String], values: [Double], label: String? = nil, color: Color? = nil,
                             horizontal: Bool = false) throws {
        let what = describe("bar", label)
        guard categories.count == values.count else {
            throw PlotError.lengthMismatch("\(what): categories and values", expected: categories.count, found: values.count)
        }
        guard !values.isEmpty else { throw PlotError.emptySeries(what) }
        var cleaned = values
        for index in cleaned.indices where !cleaned[index].isFinite {
            cleaned[index] = .nan
            skippedValueCount += 1
        }
        guard cleaned.contains(where: { $0.isFinite }) else { throw PlotError.emptySeries(what) }
        let positions = categories.indices.map(Double.init)
        series.append(.bars(BarSeries(starts: positions, ends: positions, values: cleaned, label: label, color: color ?? nextColor(),
                                      alpha: nil, horizontal: horizontal, isHistogram: false, categories: categories)))
    }

    /// A histogram of `values` (NaN/infinite skipped and counted).
    /// - Parameters:
    ///   - bins: `.count(n)` equal bins over `range` (default: the data's min...max) or explicit `.edges`.
    ///   - density: normalise so that the bars' total area is 1 (NumPy's `density=True`), which lets classes
    ///     of very different sizes (fraud vs legit) be compared.
    ///   - alpha: opacity; nil is opaque alone and 0.55 when several histograms share the axes.
    /// - Returns: the bin edges used, to reuse for another histogram on the same axes.
    @discardableResult
    public mutating func histogram<Values: Collection>(_ values: Values, bins: Bins = .count(10), range: ClosedRange<Double>? = nil,
                                   density: Bool = false, label: String? = nil, color: Color? = nil, alpha: Double? = nil) throws -> [Double]
        where Values.Element: BinaryFloatingPoint {
        let what = describe("histogram", label)
        let finite = values.map { Double($0) }.filter { $0.isFinite }
        guard !finite.isEmpty else { throw PlotError.emptySeries(what) }
        skippedValueCount += values.count - finite.count
        let result = try Histogram.compute(finite, bins: bins, range: range, density: density, what: what)
        series.append(.bars(BarSeries(starts: Array(result.edges.dropLast()), ends: Array(result.edges.dropFirst()),
                                      values: result.heights, label: label, color: color ?? nextColor(), alpha: alpha,
                                      horizontal: false, isHistogram: true, categories: [])))
        return result.edges
    }

    // MARK: Matrices and images

    /// A matrix drawn as coloured cells (row 0 at the top), with a colorbar.
    /// - Parameters:
    ///   - matrix: rows of equal length; NaN cells are left blank (and counted).
    ///   - range: the values at the colormap's ends (default: the finite min...max); a diverging map for
    ///     correlations wants a symmetric range such as -1...1.
    ///   - annotate: write each value in its cell with `format` (a printf format, default "%.2f").
    public mutating func heatmap(_ matrix: [[Double]], colormap: Colormap = .viridis, range: ClosedRange<Double>? = nil,
                                 rowLabels: [String]? = nil, columnLabels: [String]? = nil, annotate: Bool = false,
                                 format: String = "%.2f", colorbar: Bool = true, colorbarLabel: String? = nil) throws {
        let (rows, columns, flat) = try flatten(matrix, what: "heatmap")
        let finite = flat.filter { $0.isFinite }
        guard !finite.isEmpty else { throw PlotError.emptySeries("heatmap") }
        skippedValueCount += flat.count - finite.count
        if let rowLabels, rowLabels.count != rows { throw PlotError.lengthMismatch("heatmap: row labels", expected: rows, found: rowLabels.count) }
        if let columnLabels, columnLabels.count != columns { throw PlotError.lengthMismatch("heatmap: column labels", expected: columns, found: columnLabels.count) }
        let resolved = range ?? (finite.min()!...finite.max()!)
        series.append(.heatmap(HeatmapSeries(rows: rows, columns: columns, values: flat, colormap: colormap, range: resolved,
                                             rowLabels: rowLabels ?? (0..<rows).map(String.init),
                                             columnLabels: columnLabels ?? (0..<columns).map(String.init),
                                             annotations: annotate ? flat.map { $0.isFinite ? Ticks.typographic(String(format: format, $0)) : "" } : [],
                                             showsColorbar: colorbar, colorbarLabel: colorbarLabel, squareCells: true, isPicture: false)))
    }

    /// A heatmap of a rank-2 tensor.
    public mutating func heatmap(_ tensor: Tensor, colormap: Colormap = .viridis, range: ClosedRange<Double>? = nil,
                                 rowLabels: [String]? = nil, columnLabels: [String]? = nil, annotate: Bool = false,
                                 colorbar: Bool = true, colorbarLabel: String? = nil) throws {
        guard tensor.rank == 2 else { throw PlotError.invalidArgument("heatmap: expected a rank-2 tensor, found shape \(tensor.shape)") }
        let columns = tensor.shape[1]
        let rows = (0..<tensor.shape[0]).map { row in (0..<columns).map { Double(tensor.elements[row * columns + $0]) } }
        try heatmap(rows, colormap: colormap, range: range, rowLabels: rowLabels, columnLabels: columnLabels,
                    annotate: annotate, colorbar: colorbar, colorbarLabel: colorbarLabel)
    }

    /// A picture: `height` x `width` values (row-major) through `colormap` over `range`, without ticks or frame.
    public mutating func image(_ pixels: [Float], width: Int, height: Int, colormap: Colormap = .gray,
                               range: ClosedRange<Double> = 0...1, colorbar: Bool = false) throws {
        guard width > 0, height > 0 else { throw PlotError.invalidArgument("image: size \(width)x\(height) must be positive") }
        guard pixels.count == width * height else { throw PlotError.lengthMismatch("image: pixels for \(width)x\(height)", expected: width * height, found: pixels.count) }
        series.append(.heatmap(HeatmapSeries(rows: height, columns: width, values: pixels.map(Double.init), colormap: colormap,
                                             range: range, rowLabels: [], columnLabels: [], annotations: [], showsColorbar: colorbar,
                                             colorbarLabel: nil, squareCells: true, isPicture: true)))
    }

    /// A confusion matrix: `counts[true][predicted]`, each cell showing its count (or its row fraction
    /// when `normalized`), text in black or white whichever reads better on the cell colour, true classes
    /// down the side and predicted classes along the bottom (scikit-learn's `ConfusionMatrixDisplay`).
    public mutating func confusionMatrix(_ counts: [[Int]], classNames: [String]? = nil, normalized: Bool = false,
                                         colormap: Colormap = .viridis) throws {
        let classes = counts.count
        guard classes > 0 else { throw PlotError.emptySeries("confusion matrix") }
        for (index, row) in counts.enumerated() where row.count != classes {
            throw PlotError.lengthMismatch("confusion matrix row \(index) (a square matrix is expected)", expected: classes, found: row.count)
        }
        if let classNames, classNames.count != classes {
            throw PlotError.lengthMismatch("confusion matrix: class names", expected: classes, found: classNames.count)
        }
        if counts.joined().contains(where: { $0 < 0 }) { throw PlotError.invalidArgument("confusion matrix: counts must be >= 0") }
        let values: [Double] = counts.flatMap { row -> [Double] in
            let total = Double(row.reduce(0, +))
            return row.map { normalized ? (total > 0 ? Double($0) / total : 0) : Double($0) }
        }
        let texts = counts.flatMap { row -> [String] in
            let total = Double(row.reduce(0, +))
            return row.map { normalized ? String(format: "%.2f", total > 0 ? Double($0) / total : 0) : String($0) }
        }
        let names = classNames ?? (0..<classes).map(String.init)
        series.append(.heatmap(HeatmapSeries(rows: classes, columns: classes, values: values, colormap: colormap,
                                             range: normalized ? 0...1 : 0...max(1, values.max() ?? 1),
                                             rowLabels: names, columnLabels: names, annotations: texts, showsColorbar: true,
                                             colorbarLabel: normalized ? "fraction of true class" : "count", squareCells: true, isPicture: false)))
        if xLabel == nil { xLabel = "Predicted label" }
        if yLabel == nil { yLabel = "True label" }
    }

    private func flatten(_ matrix: [[Double]], what: String) throws -> (Int, Int, [Double]) {
        guard let first = matrix.first, !first.isEmpty else { throw PlotError.emptySeries(what) }
        for (index, row) in matrix.enumerated() where row.count != first.count {
            throw PlotError.lengthMismatch("\(what) row \(index)", expected: first.count, found: row.count)
        }
        return (matrix.count, first.count, Array(matrix.joined()))
    }
}

/// Histogram binning, as NumPy's `histogram`.
public enum Histogram {
    /// Bin edges and bar heights (counts, or densities whose area sums to 1).
    public static func compute(_ values: [Double], bins: Bins, range: ClosedRange<Double>? = nil, density: Bool = false,
                               what: String = "histogram") throws -> (edges: [Double], heights: [Double]) {
        var edges: [Double]
        switch bins {
        case let .count(count):
            guard count > 0 else { throw PlotError.invalidArgument("\(what): bin count must be positive, found \(count)") }
            var low = range?.lowerBound ?? values.min() ?? 0
            var high = range?.upperBound ?? values.max() ?? 1
            if low == high { low -= 0.5; high += 0.5 }
            edges = (0...count).map { low + (high - low) * Double($0) / Double(count) }
        case let .edges(given):
            guard given.count >= 2 else { throw PlotError.invalidArgument("\(what): at least 2 bin edges are needed, found \(given.count)") }
            for index in 1..<given.count where !(given[index] > given[index - 1]) {
                throw PlotError.invalidArgument("\(what): bin edges must increase strictly; edge \(index) is \(given[index]) after \(given[index - 1])")
            }
            edges = given
        }
        let binCount = edges.count - 1
        var counts = [Double](repeating: 0, count: binCount)
        let low = edges[0], high = edges[binCount]
        let uniform: Bool = {
            if case .count = bins { return true } else { return false }
        }()
        for value in values where value >= low && value <= high {
            var bin: Int
            if uniform {
                bin = Int((value - low) / (high - low) * Double(binCount))
            } else {
                // Binary search for the last edge <= value.
                var lower = 0, upper = binCount
                while upper - lower > 1 {
                    let middle = (lower + upper) / 2
                    if edges[middle] <= value { lower = middle } else { upper = middle }
                }
                bin = lower
            }
            bin = min(max(bin, 0), binCount - 1)
            counts[bin] += 1
        }
        if density {
            let total = counts.reduce(0, +)
            if total > 0 {
                for bin in 0..<binCount { counts[bin] /= total * (edges[bin + 1] - edges[bin]) }
            }
        }
        return (edges, counts)
    }
}
