import Foundation
import Plotting
import Studies

/// Every trial's learning curve (Optuna's `plot_intermediate_values`): intermediate values by step,
/// completed trials in blue, pruned ones in orange ending in a cross where the pruner stopped them.
/// Curves are translucent so that thousands of them read as a density; past `LineSample.curveLimit`
/// curves of one state an even sample of them is drawn (every pruned trial keeps its cross).
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
        // Curves of one state go into 16 bundles (`LineBundle`): one stroke each instead of one per trial.
        let groups: [(state: TrialState, label: String, color: Color)] = [
            (.complete, "complete", completeColor), (.pruned, "pruned", prunedColor),
            (.fail, "failed", Color(gray: 0.5, alpha: 0.6)), (.running, "running", Color.cycle(2).withAlpha(0.7)),
        ]
        for group in groups {
            let members = LineSample.spread(trials.filter { $0.state == group.state || (group.state == .running && $0.state == .waiting) },
                                            limit: LineSample.curveLimit)
            var bundles = [LineBundle](repeating: LineBundle(), count: 16)
            var singles: [(Double, Double)] = []
            for (index, trial) in members.enumerated() {
                let steps = trial.intermediateValues.keys.sorted().filter { trial.intermediateValues[$0]!.isFinite }
                if steps.count == 1 { singles.append((Double(steps[0]), trial.intermediateValues[steps[0]]!)) }
                bundles[index % 16].append(x: steps.map(Double.init), y: steps.map { trial.intermediateValues[$0]! })
            }
            var labelled = false
            for bundle in bundles where bundle.x.contains(where: { !$0.isNaN }) && bundle.x.count > 1 {
                try bundle.draw(on: &axes, label: labelled ? nil : group.label, color: group.color, width: many ? 0.8 : 1.3)
                labelled = true
            }
            if !singles.isEmpty {
                try axes.scatter(x: singles.map(\.0), y: singles.map(\.1), label: labelled ? nil : group.label, color: group.color, size: 4)
            }
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
