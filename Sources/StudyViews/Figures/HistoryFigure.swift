import Foundation
import Plotting
import Studies

/// Optimization history (Optuna's `plot_optimization_history`): each completed trial's value against
/// its number, the best value so far as a step line in the study's direction, and pruned trials as
/// grey crosses at their last reported intermediate value (where the pruner stopped them).
enum HistoryFigure {
    static func make(_ snapshot: StudySnapshot, _ options: StudyPlotOptions) throws -> Figure {
        let completed = snapshot.completed
        guard !completed.isEmpty else {
            throw StudyViewsError.noCompletedTrials(study: snapshot.name, kind: .history, filter: nil)
        }
        var figure = Figure(width: options.width, height: options.height, dpi: options.dpi,
                            title: "Optimization history: \(snapshot.name)")
        var axes = Axes(xLabel: "trial", yLabel: snapshot.objectiveLabel)
        axes.showsGrid = true
        axes.legend = .best

        let numbers = completed.map { Double($0.number) }
        let values = completed.map { $0.value! }
        let pointSize = completed.count > 2000 ? 3.0 : 5.0
        try axes.scatter(x: numbers, y: values, label: "objective value", color: Color.cycle(0), size: pointSize, alpha: 0.75)

        let pruned = snapshot.trials.compactMap { trial -> (Double, Double)? in
            guard trial.state == .pruned, let step = trial.lastStep, let value = trial.intermediateValues[step], value.isFinite else { return nil }
            return (Double(trial.number), value)
        }
        if !pruned.isEmpty {
            try axes.scatter(x: pruned.map(\.0), y: pruned.map(\.1), label: "pruned (last intermediate value)",
                             color: Color(gray: 0.55), size: pointSize + 1, alpha: 0.8, marker: .cross)
        }

        // Best so far as a step line: horizontal to the next improvement, then vertical.
        var stepX: [Double] = [], stepY: [Double] = []
        var best = values[0]
        for (index, value) in values.enumerated() {
            if index > 0, snapshot.direction.isBetter(value, than: best) {
                stepX.append(numbers[index]); stepY.append(best)
                best = value
            }
            stepX.append(numbers[index]); stepY.append(best)
        }
        if let last = snapshot.trials.last, Double(last.number) > stepX.last! {
            stepX.append(Double(last.number)); stepY.append(best)
        }
        try axes.line(x: stepX, y: stepY, label: "best value", color: Color.cycle(3), width: 2)
        figure[0] = axes
        return figure
    }
}
