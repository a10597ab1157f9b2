import Foundation
import Plotting
import Studies

/// Hyperparameter importance as horizontal bars, most important on top, each bar labelled with its
/// share; the method (PED-ANOVA, Optuna's default evaluator) is named in the title.
enum ImportanceFigure {
    static func make(_ snapshot: StudySnapshot, _ options: StudyPlotOptions) throws -> Figure {
        let parameters = try ParameterAxis.resolve(snapshot, options)
        guard !parameters.isEmpty else { throw StudyViewsError.tooFewParameters(kind: .importance, needed: 1, found: []) }
        let trials = try snapshot.filteredCompleted(options, kind: .importance)
        let importances = PedAnovaImportance.importances(of: trials, parameters: parameters.map(\.name), direction: snapshot.direction)
        let ordered = parameters.map(\.name).sorted { (importances[$0]!, $1) > (importances[$1]!, $0) }
        var figure = Figure(width: options.width, height: options.height, dpi: options.dpi,
                            title: "Hyperparameter importance (PED-ANOVA, top 10 % of \(trials.count) trials): \(snapshot.name)")
        var axes = Axes(xLabel: "importance (share of the total)")
        axes.showsGrid = true
        try axes.bar(categories: ordered, values: ordered.map { importances[$0]! }, color: Color.cycle(0), horizontal: true)
        let largest = ordered.map { importances[$0]! }.max() ?? 0
        axes.xLimits = 0...max(largest * 1.18, 0.05)
        for (index, name) in ordered.enumerated() {
            axes.text(String(format: "%.3f", importances[name]!), x: importances[name]! + max(largest, 0.05) * 0.015, y: Double(index),
                      size: 8.5, alignment: .left)
        }
        figure[0] = axes
        return figure
    }
}
