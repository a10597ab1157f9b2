import Foundation
import Plotting
import Studies

/// How one parameter is placed on a figure: its scale (log for log-distributed floats and ints),
/// and for categorical parameters the choices as named positions 0, 1, 2, ...
///
/// Trials store parameters as internal numbers (a categorical choice is its index), so a position is
/// the internal value itself: the value on a linear or log axis, the choice index on a categorical one.
struct ParameterAxis {
    var name: String
    var isLog: Bool
    /// Choice labels of a categorical parameter, nil for numeric ones.
    var choices: [String]?

    /// The distribution seen last (Optuna's plots do the same when a parameter's distribution changed).
    init(name: String, distribution: Distribution?) {
        self.name = name
        switch distribution {
        case .float(let d)?: isLog = d.log; choices = nil
        case .int(let d)?: isLog = d.log; choices = nil
        case .categorical(let d)?: isLog = false; choices = d.choices.map(\.description)
        case nil: isLog = false; choices = nil
        }
    }

    var isCategorical: Bool { choices != nil }

    var scale: Scale { isLog ? .logarithmic : .linear }

    /// The position of a trial's internal value along a linear-space axis used by models and by
    /// normalised axes: log10 of log parameters, the choice index of categorical ones.
    func transformed(_ internalValue: Double) -> Double {
        isLog ? log10(internalValue) : internalValue
    }

    /// The choices as explicit ticks at 0, 1, 2, ... (nil for numeric parameters).
    var categoryTicks: [AxisTick]? {
        choices.map { $0.enumerated().map { AxisTick(Double($0.offset), $0.element) } }
    }

    /// Sets `axes`' x (or y) scale, ticks and limits to show this parameter.
    func apply(to axes: inout Axes, horizontal: Bool = true) {
        if horizontal {
            axes.xScale = scale
            axes.xLabel = name
            if let ticks = categoryTicks {
                axes.xTicks = ticks
                axes.xLimits = -0.5...(Double(ticks.count) - 0.5)
            }
        } else {
            axes.yScale = scale
            axes.yLabel = name
            if let ticks = categoryTicks {
                axes.yTicks = ticks
                axes.yLimits = -0.5...(Double(ticks.count) - 0.5)
            }
        }
    }

    /// The parameters a figure draws: `options.parameters` checked against the study's, or all of them.
    static func resolve(_ snapshot: StudySnapshot, _ options: StudyPlotOptions) throws -> [ParameterAxis] {
        let known = snapshot.parameterNames
        let names = options.parameters ?? known
        for name in names where !known.contains(name) { throw StudyViewsError.unknownParameter(name, known: known) }
        var distributions: [String: Distribution] = [:]
        for trial in snapshot.trials {
            for (name, distribution) in trial.distributions { distributions[name] = distribution }
        }
        return names.map { ParameterAxis(name: $0, distribution: distributions[$0]) }
    }
}

extension StudySnapshot {
    /// Completed trials with a finite value that pass the options' value filter; throws when none does.
    func filteredCompleted(_ options: StudyPlotOptions, kind: StudyPlotKind) throws -> [FrozenTrial] {
        if let low = options.minimumValue, let high = options.maximumValue, low > high {
            throw StudyViewsError.invalidOptions("the minimum value \(Format.number(low)) is above the maximum value \(Format.number(high))")
        }
        let kept = completed.filter { options.keeps($0.value!) }
        guard !kept.isEmpty else {
            throw StudyViewsError.noCompletedTrials(study: name, kind: kind, filter: options.filterDescription)
        }
        return kept
    }

    /// "maximize accuracy"-style label of the objective axis.
    var objectiveLabel: String { "objective value (\(direction == .minimize ? "minimize" : "maximize"))" }
}

/// Panel grid for one panel per parameter: up to three columns, as many rows as needed.
enum PanelGrid {
    static func shape(for count: Int) -> (rows: Int, columns: Int) {
        let columns = min(3, max(1, count))
        return ((count + columns - 1) / columns, columns)
    }
}
