import Foundation
import Plotting
import Studies

/// The objective over two parameters (Optuna's `plot_contour` for one pair): the values interpolated on
/// a grid (`GridInterpolation`) and painted in 12 colour bands, the trials drawn on top as dots.
/// Log parameters are gridded in log space on log axes; categorical ones on their choice positions.
enum ContourFigure {
    static func make(_ snapshot: StudySnapshot, _ options: StudyPlotOptions) throws -> Figure {
        let pair = try parameters(snapshot, options)
        let (px, py) = (pair[0], pair[1])
        let trials = try snapshot.filteredCompleted(options, kind: .contour)
            .filter { $0.params[px.name] != nil && $0.params[py.name] != nil }
        guard !trials.isEmpty else {
            throw StudyViewsError.noCompletedTrials(study: snapshot.name, kind: .contour, filter: options.filterDescription)
        }
        let tx = trials.map { px.transformed($0.params[px.name]!) }, ty = trials.map { py.transformed($0.params[py.name]!) }
        let xRange = extent(px, tx), yRange = extent(py, ty)
        let values = trials.map { $0.value! }
        let grid = GridInterpolation.interpolate(x: tx, y: ty, values: values, xRange: xRange, yRange: yRange)

        var figure = Figure(width: options.width, height: options.height, dpi: options.dpi,
                            title: "Contour: \(snapshot.name), \(trials.count) trials" + (options.filterDescription.map { " with \($0)" } ?? ""))
        var axes = Axes()
        px.apply(to: &axes, horizontal: true)
        py.apply(to: &axes, horizontal: false)
        let dataX = px.isLog ? pow(10, xRange.lowerBound)...pow(10, xRange.upperBound) : xRange
        let dataY = py.isLog ? pow(10, yRange.lowerBound)...pow(10, yRange.upperBound) : yRange
        axes.xLimits = dataX
        axes.yLimits = dataY
        try axes.field(grid.values, columns: grid.columns, rows: grid.rows, x: dataX, y: dataY, colormap: .viridis,
                       range: values.min()!...values.max()!, levels: 12, colorbarLabel: "objective value")
        try axes.scatter(x: trials.map { ParameterPanels.position(px, $0) }, y: trials.map { ParameterPanels.position(py, $0) },
                         label: "trials", color: Color(gray: 0.05), size: trials.count > 2000 ? 2 : 4, alpha: 0.6)
        if let best = snapshot.direction == .minimize ? trials.min(by: { $0.value! < $1.value! }) : trials.max(by: { $0.value! < $1.value! }) {
            try axes.scatter(x: [best.params[px.name]!], y: [best.params[py.name]!], label: "best trial",
                             color: Color.red, size: 11, marker: .diamond)
        }
        axes.legend = .outsideRight
        figure[0] = axes
        return figure
    }

    /// The pair to draw: `contourParameters`, else the first two of `parameters` or of the study.
    static func parameters(_ snapshot: StudySnapshot, _ options: StudyPlotOptions) throws -> [ParameterAxis] {
        var chosen = options
        if let pair = options.contourParameters { chosen.parameters = [pair.x, pair.y] }
        let resolved = try ParameterAxis.resolve(snapshot, chosen)
        guard resolved.count >= 2 else {
            throw StudyViewsError.tooFewParameters(kind: .contour, needed: 2, found: resolved.map(\.name))
        }
        return Array(resolved.prefix(2))
    }

    /// The grid's extent along one parameter in its linear space: the categorical choices' cells, or the
    /// trials' range (widened when every trial has the same value).
    static func extent(_ parameter: ParameterAxis, _ transformed: [Double]) -> ClosedRange<Double> {
        if let choices = parameter.choices { return -0.5...(Double(choices.count) - 0.5) }
        let low = transformed.min()!, high = transformed.max()!
        if high > low { return low...high }
        let pad = parameter.isLog ? 0.5 : max(0.5, abs(low) * 0.05)
        return (low - pad)...(high + pad)
    }
}
