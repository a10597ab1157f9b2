import Foundation
import Plotting
import Studies

/// Parallel coordinates (Optuna's `plot_parallel_coordinate`, TensorBoard HParams' main view): the
/// objective on the first vertical axis, one axis per parameter after it, each trial a line across
/// them coloured by its value (colour bar on the right), the best trials drawn last so they stay on top.
///
/// Each axis is scaled to its own range: log parameters in log space, categorical ones with their
/// choices evenly spaced. A value filter (`minimumValue` / `maximumValue`) keeps the passing trials in
/// colour and draws the others in light grey behind them, as HParams' filtered view.
/// Cost: Cairo's antialiased strokes take about 0.7 ms per line here, so past `LineSample.parallelLimit`
/// trials the lines of a sample are drawn (every trial still marks the objective axis).
enum ParallelFigure {
    /// One vertical axis: how values map to 0...1 and what its ticks say.
    struct VerticalAxis {
        var label: String
        var lower: Double
        var upper: Double
        var ticks: [AxisTick]

        func position(_ transformed: Double) -> Double {
            upper > lower ? (transformed - lower) / (upper - lower) : 0.5
        }
    }

    static func make(_ snapshot: StudySnapshot, _ options: StudyPlotOptions) throws -> Figure {
        let parameters = try ParameterAxis.resolve(snapshot, options)
        guard !parameters.isEmpty else { throw StudyViewsError.tooFewParameters(kind: .parallel, needed: 1, found: []) }
        let names = parameters.map(\.name)
        let all = snapshot.completed.filter { trial in names.allSatisfy { trial.params[$0] != nil } }
        guard !all.isEmpty else { throw StudyViewsError.noCompletedTrials(study: snapshot.name, kind: .parallel, filter: nil) }
        let kept = try snapshot.filteredCompleted(options, kind: .parallel).filter { trial in names.allSatisfy { trial.params[$0] != nil } }
        guard !kept.isEmpty else {
            throw StudyViewsError.noCompletedTrials(study: snapshot.name, kind: .parallel, filter: options.filterDescription)
        }

        // Axes: objective first, then parameters, each over the range of the trials drawn.
        let values = all.map { $0.value! }
        var verticals = [numericAxis(label: "objective", transformed: values, isLog: false, integers: false)]
        for parameter in parameters {
            if let choices = parameter.choices {
                let upper = Double(max(1, choices.count - 1))
                let ticks = choices.enumerated().map { AxisTick(Double($0.offset) / upper, $0.element) }
                verticals.append(VerticalAxis(label: parameter.name, lower: 0, upper: choices.count > 1 ? upper : 0, ticks: ticks))
            } else {
                let transformed = all.map { parameter.transformed($0.params[parameter.name]!) }
                let integers = all.allSatisfy { $0.params[parameter.name]! == $0.params[parameter.name]!.rounded() }
                verticals.append(numericAxis(label: parameter.name, transformed: transformed, isLog: parameter.isLog, integers: integers))
            }
        }

        let filterNote = options.filterDescription.map { ", \(kept.count) of \(all.count) trials with \($0)" } ?? ", \(all.count) trials"
            + (kept.count > LineSample.parallelLimit ? " (lines of \(LineSample.parallelLimit) drawn)" : "")
        var figure = Figure(width: options.width, height: options.height, dpi: options.dpi,
                            title: "Parallel coordinates: \(snapshot.name)\(filterNote)")
        var axes = Axes()
        let axisCount = verticals.count
        axes.xTicks = verticals.enumerated().map { AxisTick(Double($0.offset), $0.element.label) }
        axes.yTicks = []
        axes.xLimits = -0.12...(Double(axisCount - 1) + 0.55)
        axes.yLimits = -0.04...1.04
        axes.legend = .hidden

        let xs = (0..<axisCount).map(Double.init)
        func positions(_ trial: FrozenTrial) -> [Double] {
            [verticals[0].position(trial.value!)]
                + parameters.enumerated().map { verticals[$0.offset + 1].position(parameters[$0.offset].transformed(trial.params[$0.element.name]!)) }
        }
        let many = all.count > 1000
        let width = many ? 0.8 : 1.4
        if options.hasValueFilter {
            var excluded = LineBundle()
            for trial in all where !options.keeps(trial.value!) { excluded.append(x: xs, y: positions(trial)) }
            try excluded.draw(on: &axes, color: Color(gray: 0.82, alpha: many ? 0.5 : 0.8), width: width)
        }
        // Worst first, so the best lines end on top. Up to 200 trials get a line and colour each; more
        // are drawn as 48 bundles of neighbouring values (`LineBundle`), each in its bin's colour.
        let keptValues = kept.map { $0.value! }
        let range = keptValues.min()!...keptValues.max()!
        let ordered = LineSample.ranked(kept.sorted { snapshot.direction.isBetter($1.value!, than: $0.value!) }, limit: LineSample.parallelLimit)
        let colormap = Colormap.viridis
        func fraction(_ value: Double) -> Double {
            range.upperBound > range.lowerBound ? (value - range.lowerBound) / (range.upperBound - range.lowerBound) : 0.5
        }
        if ordered.count <= 200 {
            for trial in ordered {
                try axes.line(x: xs, y: positions(trial), color: colormap.color(at: fraction(trial.value!)).withAlpha(0.85), width: width)
            }
        } else {
            let binCount = 48
            var bins = [LineBundle](repeating: LineBundle(), count: binCount)
            for trial in ordered { bins[min(binCount - 1, Int(fraction(trial.value!) * Double(binCount)))].append(x: xs, y: positions(trial)) }
            let order = snapshot.direction == .maximize ? Array(0..<binCount) : Array((0..<binCount).reversed())
            for bin in order {
                try bins[bin].draw(on: &axes, color: colormap.color(at: (Double(bin) + 0.5) / Double(binCount)).withAlpha(many ? 0.5 : 0.8), width: width)
            }
        }
        // Points on the objective axis carry the colour bar.
        try axes.scatter(x: [Double](repeating: 0, count: kept.count), y: keptValues.map { verticals[0].position($0) },
                         values: keptValues, colormap: colormap, range: range, colorbarLabel: "objective value", size: 4)
        for index in 0..<axisCount {
            try axes.verticalLine(at: Double(index), color: .ink, width: 1, dash: .solid)
        }
        for (index, vertical) in verticals.enumerated() {
            for tick in vertical.ticks {
                axes.text(tick.label, x: Double(index) + 0.03, y: tick.position, size: 8, alignment: .left,
                          background: Color(gray: 1, alpha: 0.8))
            }
        }
        figure[0] = axes
        return figure
    }

    /// A numeric axis over `transformed` values (log10 for log parameters), with ticks at round values.
    static func numericAxis(label: String, transformed: [Double], isLog: Bool, integers: Bool) -> VerticalAxis {
        let lower = transformed.min()!, upper = transformed.max()!
        guard upper > lower else {
            let value = isLog ? pow(10, lower) : lower
            return VerticalAxis(label: label, lower: lower, upper: upper, ticks: [AxisTick(0.5, Format.number(value))])
        }
        var axis = VerticalAxis(label: label, lower: lower, upper: upper, ticks: [])
        let ticks = isLog
            ? Ticks.logarithmic(lower: pow(10, lower), upper: pow(10, upper), maximumCount: 6)
            : Ticks.linear(lower: lower, upper: upper, maximumCount: 6, integersOnly: integers)
        let tolerance = (upper - lower) * 1e-9
        for value in ticks.values {
            let t = isLog ? log10(value) : value
            guard t >= lower - tolerance, t <= upper + tolerance else { continue }
            axis.ticks.append(AxisTick(axis.position(t), Format.number(value)))
        }
        if axis.ticks.count < 2 {
            // A narrow log range holds fewer than two powers of ten: label the ends instead.
            axis.ticks = [AxisTick(0, Format.number(isLog ? pow(10, lower) : lower)), AxisTick(1, Format.number(isLog ? pow(10, upper) : upper))]
        }
        return axis
    }
}
