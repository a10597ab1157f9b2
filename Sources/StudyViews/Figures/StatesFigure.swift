import Foundation
import Plotting
import Studies

/// Trials by state over time: for each state, how many trials had reached it against wall-clock time
/// since the study's first trial started (a step line per state). Finished trials count from their
/// completion time; running and waiting trials from their start (or are left out without one).
enum StatesFigure {
    static let order: [TrialState] = [.complete, .pruned, .fail, .running, .waiting]
    static let colors: [TrialState: Color] = [
        .complete: Color.cycle(0), .pruned: Color.cycle(1), .fail: Color.cycle(3), .running: Color.cycle(2), .waiting: Color.cycle(7),
    ]

    static func make(_ snapshot: StudySnapshot, _ options: StudyPlotOptions) throws -> Figure {
        guard let origin = snapshot.trials.compactMap(\.start).min() else {
            throw StudyViewsError.nothingToDraw(study: snapshot.name, kind: .states, reason: "no trial has a start time")
        }
        var events: [TrialState: [Double]] = [:]
        for trial in snapshot.trials {
            guard let time = trial.state.isFinished ? (trial.complete ?? trial.start) : trial.start else { continue }
            events[trial.state, default: []].append(time.timeIntervalSince(origin))
        }
        let span = events.values.joined().max() ?? 0
        let (unit, divisor) = span >= 7200 ? ("hours", 3600.0) : span >= 120 ? ("minutes", 60.0) : ("seconds", 1.0)
        var figure = Figure(width: options.width, height: options.height, dpi: options.dpi, title: "Trials by state over time: \(snapshot.name)")
        var axes = Axes(xLabel: "time since the first trial started (\(unit))", yLabel: "trials")
        axes.showsGrid = true
        axes.legend = .upperLeft
        let end = span / divisor
        for state in order {
            guard let times = events[state]?.sorted() else { continue }
            // A step up at each event: (t, n-1) then (t, n).
            var xs: [Double] = [0], ys: [Double] = [0]
            for (index, time) in times.enumerated() {
                xs.append(time / divisor); ys.append(Double(index))
                xs.append(time / divisor); ys.append(Double(index + 1))
            }
            xs.append(end); ys.append(Double(times.count))
            let name = state == .fail ? "failed" : state.rawValue.lowercased()
            try axes.line(x: xs, y: ys, label: "\(name) (\(times.count))", color: colors[state]!, width: 2)
        }
        figure[0] = axes
        return figure
    }
}
