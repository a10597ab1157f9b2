import Foundation
import Plotting
import Studies

/// Every trial's learning curve (Optuna's `plot_intermediate_values`): intermediate values by step,
/// completed trials in blue, pruned ones in orange ending in a cross where the pruner stopped them.
/// Curves are translucent so that thousands of them read as a density. One polyline per trial.
enum IntermediateFigure {
    static func make(_ snapshot: StudySnapshot, _ options: StudyPlotOptions) throws -> Figure {
        let trials = snapshot.trials.filter { trial in trial.intermediateValues.values.contains { $0.isFinite } }
        guard !trials.isEmpty else {
            throw StudyViewsError.nothingToDraw(study: snapshot.name, kind: .intermediate, reason: "no trial reported an intermediate value")
        }
        let pruned = trials.filter { $0.state == .pruned }
        var figure = Figure(width: options.width, height: options.height, dpi: options.dpi,
                            title: "Intermediate values: \(snapshot.name), \(trials.count) trials, \(pruned.count) pruned")
        var axes = Axes(xLabel: "step", yLabel: "intermediate value")
        axes.showsGrid = true
        let many = trials.count > 500
        let completeColor = Color.cycle(0).withAlpha(many ? 0.25 : 0.7)
        let prunedColor = Color.cycle(1).withAlpha(many ? 0.3 : 0.8)
        var labelled: Set<TrialState> = []
        for trial in trials {
            let steps = trial.intermediateValues.keys.sorted()
            let isPruned = trial.state == .pruned
            let label = labelled.insert(trial.state).inserted ? (isPruned ? "pruned" : trial.state == .complete ? "complete" : trial.state.rawValue.lowercased()) : nil
            let color = isPruned ? prunedColor : trial.state == .complete ? completeColor : Color(gray: 0.5, alpha: 0.6)
            try axes.line(x: steps.map(Double.init), y: steps.map { trial.intermediateValues[$0]! }, label: label, color: color,
                          width: many ? 0.8 : 1.3, marker: steps.count == 1 ? .circle : .none, markerSize: 4)
        }
        let stops = pruned.compactMap { trial -> (Double, Double)? in
            guard let step = trial.lastStep, let value = trial.intermediateValues[step], value.isFinite else { return nil }
            return (Double(step), value)
        }
        if !stops.isEmpty {
            try axes.scatter(x: stops.map(\.0), y: stops.map(\.1), label: "pruned here", color: Color(hex: 0xa84a00),
                             size: many ? 4 : 7, marker: .cross)
        }
        figure[0] = axes
        return figure
    }
}
