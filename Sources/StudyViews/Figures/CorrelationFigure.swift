import Foundation
import Plotting
import Studies

/// Spearman correlation heat map of the parameters, the objective and the trial duration (seed 002's
/// "graphe de corrélation"), over the completed trials that have every parameter drawn. Values are
/// written in the cells; a constant column (a parameter never varied) has no correlation and its cells
/// read "n/a". Categorical parameters are ranked by choice index, so their sign is arbitrary.
enum CorrelationFigure {
    static func make(_ snapshot: StudySnapshot, _ options: StudyPlotOptions) throws -> Figure {
        let parameters = try ParameterAxis.resolve(snapshot, options)
        let trials = try snapshot.filteredCompleted(options, kind: .correlation)
            .filter { trial in parameters.allSatisfy { trial.params[$0.name] != nil } }
        guard trials.count >= 2 else {
            throw StudyViewsError.nothingToDraw(study: snapshot.name, kind: .correlation,
                                                reason: "a correlation needs at least 2 completed trials with every parameter, found \(trials.count)")
        }
        var names = parameters.map(\.name) + ["objective"]
        var columns = parameters.map { parameter in trials.map { $0.params[parameter.name]! } } + [trials.map { $0.value! }]
        if trials.allSatisfy({ $0.duration != nil }) {
            names.append("duration")
            columns.append(trials.map { $0.duration! })
        }
        let matrix = SpearmanCorrelation.matrix(columns)
        guard matrix.joined().contains(where: { $0.isFinite }) else {
            throw StudyViewsError.nothingToDraw(study: snapshot.name, kind: .correlation, reason: "every column is constant")
        }
        let side = min(options.width, options.height)
        var figure = Figure(width: max(options.width, side), height: options.height, dpi: options.dpi,
                            title: "Spearman correlation: \(snapshot.name), \(trials.count) trials")
        var axes = Axes()
        try axes.heatmap(matrix, colormap: .coolwarm, range: -1...1, rowLabels: names, columnLabels: names, annotate: true,
                         format: "%.2f", colorbarLabel: "Spearman ρ")
        for row in matrix.indices {
            for column in matrix.indices where !matrix[row][column].isFinite {
                axes.text("n/a", x: Double(column), y: Double(row), color: Color(gray: 0.45), size: 8)
            }
        }
        figure[0] = axes
        return figure
    }
}
