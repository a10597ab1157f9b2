import Foundation
import Plotting
import Studies

/// Trial duration against each parameter (seed 002's time-versus-parameter plots), coloured by state:
/// pruned trials show how much time the pruner saved. Durations are complete minus start time;
/// trials without both (running, waiting) are left out. With a value filter, only completed trials
/// passing it are drawn.
enum DurationFigure {
    static let states: [TrialState] = [.complete, .pruned, .fail]

    static func make(_ snapshot: StudySnapshot, _ options: StudyPlotOptions) throws -> Figure {
        let parameters = try ParameterAxis.resolve(snapshot, options)
        guard !parameters.isEmpty else { throw StudyViewsError.tooFewParameters(kind: .duration, needed: 1, found: []) }
        var trials = snapshot.trials.filter { ($0.duration ?? -1) >= 0 && states.contains($0.state) }
        if options.hasValueFilter {
            let kept = Set(try snapshot.filteredCompleted(options, kind: .duration).map(\.number))
            trials = trials.filter { kept.contains($0.number) }
        }
        guard !trials.isEmpty else {
            throw StudyViewsError.nothingToDraw(study: snapshot.name, kind: .duration, reason: "no finished trial has a start and a completion time")
        }
        let longest = trials.map { $0.duration! }.max()!
        let (unit, divisor) = longest >= 7200 ? ("h", 3600.0) : longest >= 120 ? ("min", 60.0) : ("s", 1.0)
        let size = trials.count > 2000 ? 3.0 : 5.0
        return try ParameterPanels.figure(title: "Trial duration: \(snapshot.name), \(trials.count) trials",
                                          parameters: parameters, options: options) { axes, parameter, isFirst in
            let having = trials.filter { $0.params[parameter.name] != nil }
            guard !having.isEmpty else { axes.title = "\(parameter.name): no finished trial"; return }
            if isFirst { axes.yLabel = "duration (\(unit))" }
            axes.legend = isFirst ? .best : .hidden
            try axes.scatter(x: having.map { ParameterPanels.position(parameter, $0) }, y: having.map { $0.duration! / divisor },
                             categories: having.map { states.firstIndex(of: $0.state)! }, names: ["complete", "pruned", "failed"],
                             size: size, alpha: 0.8)
        }
    }
}
