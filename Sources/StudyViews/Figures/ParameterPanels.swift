import Foundation
import Plotting
import Studies

/// One panel per parameter (slice and duration figures): up to three columns, the parameter on x with
/// its scale (log, categorical choices), a shared y.
enum ParameterPanels {
    /// A figure with a panel per parameter, filled by `fill(axes, parameter)`; the colour bar (if any)
    /// is shown once per row, on its last panel.
    static func figure(title: String, parameters: [ParameterAxis], options: StudyPlotOptions,
                       fill: (inout Axes, ParameterAxis, _ isFirst: Bool) throws -> Void) throws -> Figure {
        let (rows, columns) = PanelGrid.shape(for: parameters.count)
        var figure = Figure(width: options.width, height: max(options.height, rows * 320), dpi: options.dpi,
                            rows: rows, columns: columns, title: title)
        figure.sharesY = true
        for (index, parameter) in parameters.enumerated() {
            var axes = Axes()
            parameter.apply(to: &axes)
            axes.showsGrid = true
            axes.showsColorbar = index % columns == columns - 1 || index == parameters.count - 1
            try fill(&axes, parameter, index == 0)
            figure[index] = axes
        }
        return figure
    }

    /// The x position of a trial's value: the value itself, or for a categorical parameter its choice
    /// index spread by up to ±0.15 (fixed by trial number) so that a thousand trials on one choice
    /// show as a band rather than one dot.
    static func position(_ parameter: ParameterAxis, _ trial: FrozenTrial) -> Double {
        let value = trial.params[parameter.name]!
        guard parameter.isCategorical else { return value }
        var hash = UInt64(truncatingIfNeeded: trial.number) &* 0x9E37_79B9_7F4A_7C15
        hash ^= hash >> 29
        return value + (Double(hash % 1001) / 1000 - 0.5) * 0.3
    }
}

/// The objective against each parameter (Optuna's `plot_slice`), points coloured by trial number so
/// that the sampler's drift towards good regions shows.
enum SliceFigure {
    static func make(_ snapshot: StudySnapshot, _ options: StudyPlotOptions) throws -> Figure {
        let parameters = try ParameterAxis.resolve(snapshot, options)
        guard !parameters.isEmpty else { throw StudyViewsError.tooFewParameters(kind: .slice, needed: 1, found: []) }
        let trials = try snapshot.filteredCompleted(options, kind: .slice)
        let size = trials.count > 2000 ? 3.0 : 5.0
        let numbers = trials.map { Double($0.number) }
        let numberRange = numbers.min()!...max(numbers.max()!, numbers.min()! + 1)
        let title = "Slice: \(snapshot.name), \(trials.count) trials" + (options.filterDescription.map { " with \($0)" } ?? "")
        var figure = try ParameterPanels.figure(title: title, parameters: parameters, options: options) { axes, parameter, isFirst in
            let having = trials.indices.filter { trials[$0].params[parameter.name] != nil }
            guard !having.isEmpty else { axes.title = "\(parameter.name): no completed trial"; return }
            if isFirst { axes.yLabel = "objective value" }
            try axes.scatter(x: having.map { ParameterPanels.position(parameter, trials[$0]) }, y: having.map { trials[$0].value! },
                             values: having.map { numbers[$0] }, colormap: .viridis, range: numberRange,
                             colorbarLabel: "trial", size: size, alpha: 0.8)
        }
        figure.sharesY = true
        return figure
    }
}
