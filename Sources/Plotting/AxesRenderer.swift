import CCairo
import Foundation

/// Text sizes in points for one figure, derived from its base font size (matplotlib's rc defaults:
/// tick labels and axis labels at the base size, axes titles 1.2x, the figure title 1.4x).
struct TextSizes {
    var tick: Double
    var label: Double
    var title: Double
    var figureTitle: Double

    init(base: Double) {
        tick = base * 0.9
        label = base
        title = base * 1.2
        figureTitle = base * 1.4
    }
}

/// A bar rectangle resolved from a bar or histogram series.
struct ResolvedBar {
    var start: Double
    var end: Double
    var value: Double
}

/// Lays out and draws one `Axes` inside a cell of the figure.
///
/// Layout is measured, not guessed: tick labels, axis labels, the title, the colorbar and an outside
/// legend are measured with the real font, margins are derived from those sizes, ticks are recomputed
/// for the resulting plot size, and any label that still sticks out of the cell widens its margin on the
/// next pass (three passes). Titles and labels wider than the cell are shrunk, then ellipsised.
struct AxesRenderer {
    let axes: Axes
    let canvas: Canvas
    let sizes: TextSizes
    var hidesXTickLabels = false
    var hidesYTickLabels = false
    var sharedXLimits: ClosedRange<Double>?
    var sharedYLimits: ClosedRange<Double>?
    /// Margins (left, top, right, bottom in pixels) this panel must at least keep, so that panels in the same
    /// row or column of a figure line up.
    var minimumMargins = Margins()

    struct Margins: Equatable {
        var left = 0.0, top = 0.0, right = 0.0, bottom = 0.0
    }

    var pixelsPerPoint: Double { canvas.pixelsPerPoint }

    // MARK: Data extents

    /// Bars of every bar/histogram series, grouped side by side when several bar charts share the axes.
    func resolvedBars() -> [(series: BarSeries, bars: [ResolvedBar])] {
        let charts = axes.series.compactMap { if case let .bars(b) = $0, !b.isHistogram { return b } else { return nil } }
        var chartIndex = 0
        var result: [(BarSeries, [ResolvedBar])] = []
        for case let .bars(series) in axes.series {
            if series.isHistogram {
                result.append((series, series.values.indices.map { ResolvedBar(start: series.starts[$0], end: series.ends[$0], value: series.values[$0]) }))
            } else {
                let groupWidth = 0.8, count = Double(charts.count)
                let width = groupWidth / count
                let offset = (Double(chartIndex) - (count - 1) / 2) * width
                result.append((series, series.values.indices.map {
                    ResolvedBar(start: series.starts[$0] + offset - width / 2, end: series.starts[$0] + offset + width / 2, value: series.values[$0])
                }))
                chartIndex += 1
            }
        }
        return result
    }

    var heatmap: HeatmapSeries? {
        for case let .heatmap(h) in axes.series { return h }
        return nil
    }

    /// Category names along the bar axis, if the axes hold bar charts.
    var barCategories: (names: [String], horizontal: Bool)? {
        var best: BarSeries?
        for case let .bars(b) in axes.series where !b.isHistogram {
            if best == nil || b.categories.count > best!.categories.count { best = b }
        }
        return best.map { ($0.categories, $0.horizontal) }
    }

    /// y grows downwards for matrices (row 0 on top) and horizontal bar charts (first category on top).
    var yInverted: Bool { heatmap != nil || (barCategories?.horizontal ?? false) }

    /// Automatic limits (data units) with a 5 % margin in the axis' own space, never extending past a
    /// "sticky" edge (the 0 baseline of bars, the outer edges of a matrix), as matplotlib does.
    func automaticLimits() -> (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        var xs = Extent(scale: axes.xScale), ys = Extent(scale: axes.yScale)
        for item in axes.series {
            switch item {
            case let .line(line):
                for index in line.x.indices { if line.x[index].isFinite && line.y[index].isFinite { xs.add(line.x[index]); ys.add(line.y[index]) } }
            case let .scatter(scatter):
                for value in scatter.x { xs.add(value) }
                for value in scatter.y { ys.add(value) }
            case let .heatmap(h):
                xs.add(-0.5); xs.add(Double(h.columns) - 0.5); xs.sticky += [-0.5, Double(h.columns) - 0.5]
                ys.add(-0.5); ys.add(Double(h.rows) - 0.5); ys.sticky += [-0.5, Double(h.rows) - 0.5]
            case let .reference(reference):
                if reference.vertical { xs.add(reference.value) } else { ys.add(reference.value) }
            case let .annotation(annotation):
                xs.add(annotation.x); ys.add(annotation.y)
            case let .field(field):
                for x in [field.xRange.lowerBound, field.xRange.upperBound] { xs.add(x); xs.sticky.append(x) }
                for y in [field.yRange.lowerBound, field.yRange.upperBound] { ys.add(y); ys.sticky.append(y) }
            case .bars:
                break
            }
        }
        for (series, bars) in resolvedBars() {
            for bar in bars where bar.value.isFinite {
                if series.horizontal {
                    ys.add(bar.start); ys.add(bar.end); xs.add(bar.value); xs.addBaseline(0)
                } else {
                    xs.add(bar.start); xs.add(bar.end); ys.add(bar.value); ys.addBaseline(0)
                }
            }
        }
        return (xs.limits(), ys.limits())
    }

    /// Running min/max in an axis' transformed space, with sticky values.
    struct Extent {
        let scale: Scale
        var low = Double.infinity
        var high = -Double.infinity
        var sticky: [Double] = []

        init(scale: Scale) { self.scale = scale }

        mutating func add(_ value: Double) {
            guard let t = scale.transform(value) else { return }
            low = min(low, t)
            high = max(high, t)
        }

        /// A bar baseline: on a linear axis 0 is included and sticky; log axes have no zero.
        mutating func addBaseline(_ value: Double) {
            guard scale == .linear else { return }
            add(value)
            sticky.append(value)
        }

        func limits() -> ClosedRange<Double> {
            guard low.isFinite, high.isFinite else { return scale == .linear ? 0...1 : 1...10 }
            var lower = low, upper = high
            if upper - lower < 1e-12 * max(1, abs(upper)) {
                let pad = scale == .linear ? max(0.5, abs(upper) * 0.05) : 0.5
                lower -= pad
                upper += pad
            } else {
                let margin = (upper - lower) * 0.05
                var newLower = lower - margin, newUpper = upper + margin
                for value in sticky {
                    if let t = scale.transform(value) {
                        if t <= lower + 1e-12 && t > newLower { newLower = t }
                        if t >= upper - 1e-12 && t < newUpper { newUpper = t }
                    }
                }
                lower = newLower
                upper = newUpper
            }
            return scale.inverse(lower)...scale.inverse(upper)
        }
    }

    // MARK: Layout

    struct TickLabel {
        var text: String
        var position: Double
    }

    struct Layout {
        var plot: Rect
        var xMap: AxisMap
        var yMap: AxisMap
        var xTicks: [TickLabel]
        var yTicks: [TickLabel]
        var xMinorTicks: [Double]
        var yMinorTicks: [Double]
        var xLabelRotated: Bool
        var xTickSize: Double
        var yTickSize: Double
        var colorbar: Rect?
        var colorbarTicks: Ticks?
        var legend: LegendBox?
        var legendOutside: Bool
        /// The legend's final box (nil without a legend).
        var legendBox: Rect? = nil
        /// The margins between cell and plot area as measured (before squaring matrix cells).
        var margins = Margins()
        var title: (text: String, size: Double)?
        var xLabel: (text: String, size: Double)?
        var yLabel: (text: String, size: Double)?
    }

    func layout(in cell: Rect) -> Layout {
        let limits = automaticLimits()
        let xLimits = axes.xLimits ?? sharedXLimits ?? limits.x
        let yLimits = axes.yLimits ?? sharedYLimits ?? limits.y
        let em = sizes.tick * pixelsPerPoint
        let outerPad = em * 0.6, tickLength = 3.5 * pixelsPerPoint, tickPad = 3 * pixelsPerPoint, labelPad = em * 0.45
        let picture = heatmap?.isPicture ?? false
        let tickMetrics = canvas.metrics(size: sizes.tick)
        let labelMetrics = canvas.metrics(size: sizes.label)
        let titleMetrics = canvas.metrics(size: sizes.title, bold: true)

        // Colorbar source, legend entries.
        let colorbarSource = colorbarRange()
        var legend: LegendBox? = nil
        let entries = legendEntries()
        if !entries.isEmpty && axes.legend != .hidden {
            legend = LegendBox(entries: entries, title: axes.legendTitle, fontSize: sizes.tick, canvas: canvas)
        }

        var extraLeft = 0.0, extraRight = 0.0, extraTop = 0.0, extraBottom = 0.0
        var plot = cell.inset(left: cell.width * 0.12, top: cell.height * 0.08, right: cell.width * 0.05, bottom: cell.height * 0.12)
        var result: Layout! = nil
        for _ in 0..<3 {
            // Ticks for the current plot size.
            var xTicks = makeTicks(horizontal: true, limits: xLimits, length: plot.width, em: em)
            var yTicks = makeTicks(horizontal: false, limits: yLimits, length: plot.height, em: em)
            let showX = !picture && !hidesXTickLabels
            let showY = !picture && !hidesYTickLabels
            // Category names longer than a third of the cell are shortened with an ellipsis.
            let maximumRotated = max(em * 3, cell.height * 0.3 / 0.7071 - tickMetrics.height)
            xTicks.labels = xTicks.labels.map { TickLabel(text: canvas.fit($0.text, size: sizes.tick, maximumWidth: maximumRotated, minimumSize: sizes.tick).text, position: $0.position) }
            yTicks.labels = yTicks.labels.map { TickLabel(text: canvas.fit($0.text, size: sizes.tick, maximumWidth: max(em * 3, cell.width * 0.3), minimumSize: sizes.tick).text, position: $0.position) }
            let yTickWidth = showY ? (yTicks.labels.map { canvas.textWidth($0.text, size: sizes.tick) }.max() ?? 0) : 0
            let xWidths = xTicks.labels.map { canvas.textWidth($0.text, size: sizes.tick) }
            // Rotate category names that would collide.
            var rotated = false
            if showX, xTicks.labels.count > 1 {
                let spacing = plot.width / Double(max(1, xTicks.labels.count))
                if (xWidths.max() ?? 0) + em * 0.8 > spacing { rotated = true }
            }
            let diagonal = 0.7071
            let xTickHeight: Double = !showX ? 0 : rotated ? ((xWidths.max() ?? 0) + tickMetrics.height) * diagonal : tickMetrics.height

            let title = axes.title.map { canvas.fit($0, size: sizes.title, bold: true, maximumWidth: cell.width - 2 * outerPad) }
            let yLabel = axes.yLabel.map { canvas.fit($0, size: sizes.label, maximumWidth: max(20, plot.height)) }
            let xLabel = axes.xLabel.map { canvas.fit($0, size: sizes.label, maximumWidth: max(20, plot.width)) }

            var left = outerPad + (picture ? 0 : tickLength + tickPad) + yTickWidth
            if yLabel != nil { left += labelMetrics.height + labelPad }
            var bottom = outerPad + (picture ? 0 : tickLength + tickPad) + xTickHeight
            if xLabel != nil { bottom += labelMetrics.height + labelPad }
            var top = outerPad + (showY ? tickMetrics.height / 2 : 0)
            if title != nil { top = outerPad + titleMetrics.height + labelPad }
            var right = outerPad + (showX && !rotated ? (xWidths.last ?? 0) / 2 : 0)

            // Colorbar block on the right.
            var colorbarTicks: Ticks? = nil
            var colorbarWidth = 0.0
            if let source = colorbarSource {
                let ticks = Ticks.linear(lower: source.range.lowerBound, upper: source.range.upperBound, maximumCount: max(3, Int(plot.height / (em * 3))))
                colorbarTicks = ticks
                let labelWidth = ticks.labels.map { canvas.textWidth($0, size: sizes.tick) }.max() ?? 0
                let barWidth = min(max(em * 1.1, plot.width * 0.04), em * 2)
                colorbarWidth = em * 1.2 + barWidth + tickLength + tickPad + labelWidth + (source.label != nil ? labelPad + labelMetrics.height : 0)
                right = max(right, outerPad) + colorbarWidth
            }
            // Legend: inside unless asked outside or too large for the plot.
            // Legend: inside unless asked outside or too large for the plot; an outside legend takes at most
            // 40 % of the cell's width, and fits its height.
            var outside = axes.legend == .outsideRight
            if let original = legend {
                var box = original
                box.fit(maximumWidth: plot.width * 0.9, maximumHeight: plot.height * 0.92, canvas: canvas)
                // Outside when inside would need a much smaller font or hide more than a quarter of the plot.
                if box.fontSize < original.fontSize * 0.75 || box.width * box.height > 0.25 * plot.width * plot.height || outside {
                    var outsideBox = original
                    outsideBox.fit(maximumWidth: cell.width * 0.4, maximumHeight: cell.height - 2 * outerPad, canvas: canvas)
                    if outsideBox.fontSize >= box.fontSize || outside { box = outsideBox; outside = true }
                }
                legend = box
                if outside { right += box.width + em * 0.8 }
            }
            left += extraLeft; right += extraRight; top += extraTop; bottom += extraBottom
            // Never let margins eat the whole cell.
            let maximumHorizontal = cell.width * 0.8, maximumVertical = cell.height * 0.8
            if left + right > maximumHorizontal { let f = maximumHorizontal / (left + right); left *= f; right *= f }
            if top + bottom > maximumVertical { let f = maximumVertical / (top + bottom); top *= f; bottom *= f }
            left = max(left, minimumMargins.left); top = max(top, minimumMargins.top)
            right = max(right, minimumMargins.right); bottom = max(bottom, minimumMargins.bottom)
            if left + right > maximumHorizontal { let f = maximumHorizontal / (left + right); left *= f; right *= f }
            if top + bottom > maximumVertical { let f = maximumVertical / (top + bottom); top *= f; bottom *= f }
            let measuredMargins = Margins(left: left, top: top, right: right, bottom: bottom)
            plot = cell.inset(left: left, top: top, right: right, bottom: bottom)

            // Square cells for matrices and pictures: shrink one side and centre.
            if let h = heatmap, h.squareCells {
                let cellSide = min(plot.width / Double(h.columns), plot.height / Double(h.rows))
                let width = cellSide * Double(h.columns), height = cellSide * Double(h.rows)
                plot = Rect(x: plot.x + (plot.width - width) / 2, y: plot.y + (plot.height - height) / 2, width: width, height: height)
            }

            let xMap = AxisMap(scale: axes.xScale, lower: xLimits.lowerBound, upper: xLimits.upperBound, start: plot.minX, end: plot.maxX)
            let yMap = yInverted
                ? AxisMap(scale: axes.yScale, lower: yLimits.lowerBound, upper: yLimits.upperBound, start: plot.minY, end: plot.maxY)
                : AxisMap(scale: axes.yScale, lower: yLimits.lowerBound, upper: yLimits.upperBound, start: plot.maxY, end: plot.minY)

            var colorbarRect: Rect? = nil
            if colorbarSource != nil {
                let barWidth = min(max(em * 1.1, plot.width * 0.04), em * 2)
                colorbarRect = Rect(x: plot.maxX + em * 1.2, y: plot.minY, width: barWidth, height: plot.height)
            }
            result = Layout(plot: plot, xMap: xMap, yMap: yMap,
                            xTicks: showX ? xTicks.labels : xTicks.labels.map { TickLabel(text: "", position: $0.position) },
                            yTicks: showY ? yTicks.labels : yTicks.labels.map { TickLabel(text: "", position: $0.position) },
                            xMinorTicks: xTicks.minor, yMinorTicks: yTicks.minor, xLabelRotated: rotated,
                            xTickSize: sizes.tick, yTickSize: sizes.tick, colorbar: colorbarRect, colorbarTicks: colorbarTicks,
                            legend: legend, legendOutside: outside, title: title, xLabel: xLabel, yLabel: yLabel)
            result.margins = measuredMargins
            if picture { result.xTicks = []; result.yTicks = [] }

            // Overflow check: x tick labels past the cell's sides, y tick labels past its top or bottom.
            var overflowLeft = 0.0, overflowRight = 0.0, overflowTop = 0.0, overflowBottom = 0.0
            for (index, tick) in result.xTicks.enumerated() where !tick.text.isEmpty {
                guard let x = xMap.pixel(tick.position) else { continue }
                let width = xWidths[index]
                let leftEdge = rotated ? x - (width + tickMetrics.height) * diagonal : x - width / 2
                let rightEdge = rotated ? x : x + width / 2
                overflowLeft = max(overflowLeft, cell.minX + outerPad / 2 - leftEdge)
                overflowRight = max(overflowRight, rightEdge - (cell.maxX - outerPad / 2 - (colorbarRect == nil ? 0 : colorbarWidth)))
            }
            for tick in result.yTicks where !tick.text.isEmpty {
                guard let y = yMap.pixel(tick.position) else { continue }
                overflowTop = max(overflowTop, cell.minY + outerPad / 2 - (y - tickMetrics.height / 2))
                overflowBottom = max(overflowBottom, y + tickMetrics.height / 2 - (cell.maxY - outerPad / 2))
            }
            if overflowLeft <= 0.5 && overflowRight <= 0.5 && overflowTop <= 0.5 && overflowBottom <= 0.5 { break }
            extraLeft += max(0, overflowLeft); extraRight += max(0, overflowRight)
            extraTop += max(0, overflowTop); extraBottom += max(0, overflowBottom)
        }
        // Axis labels fit the final plot size (the plot may have shrunk after they were first measured).
        result.yLabel = axes.yLabel.map { canvas.fit($0, size: sizes.label, maximumWidth: max(20, min(result.plot.height, cell.height - 2 * outerPad))) }
        result.xLabel = axes.xLabel.map { canvas.fit($0, size: sizes.label, maximumWidth: max(20, min(result.plot.width, cell.width - 2 * outerPad))) }
        if let legend = result.legend { result.legendBox = legendRect(legend, layout: result, cell: cell) }
        return result
    }

    /// Ticks for one axis: category names for bar charts and matrices, otherwise nice numeric ticks
    /// whose count fits the axis length.
    private func makeTicks(horizontal: Bool, limits: ClosedRange<Double>, length: Double, em: Double) -> (labels: [TickLabel], minor: [Double]) {
        if let given = horizontal ? axes.xTicks : axes.yTicks {
            return (given.map { TickLabel(text: $0.label, position: $0.position) }, [])
        }
        var names: [String]? = nil
        if let h = heatmap, !h.isPicture { names = horizontal ? h.columnLabels : h.rowLabels }
        if let categories = barCategories, categories.horizontal != horizontal { names = categories.names }
        if let names {
            // Thin out labels that cannot all fit: every k-th.
            let room = horizontal ? length / (em * 1.4) : length / (em * 1.3)
            let step = max(1, Int((Double(names.count) / max(1, room)).rounded(.up)))
            return (stride(from: 0, to: names.count, by: step).map { TickLabel(text: names[$0], position: Double($0)) }, [])
        }
        let scale = horizontal ? axes.xScale : axes.yScale
        var maximumCount = horizontal ? Int(length / (em * 4.5)) : Int(length / (em * 3))
        maximumCount = min(10, max(3, maximumCount))
        while true {
            let ticks = scale == .logarithmic
                ? Ticks.logarithmic(lower: limits.lowerBound, upper: limits.upperBound, maximumCount: maximumCount)
                : Ticks.linear(lower: limits.lowerBound, upper: limits.upperBound, maximumCount: maximumCount,
                               integersOnly: holdsOnlyWholeNumbers(horizontal: horizontal))
            let labels = zip(ticks.values, ticks.labels).map { TickLabel(text: $0.1, position: $0.0) }
            if horizontal && maximumCount > 2 {
                let widest = ticks.labels.map { canvas.textWidth($0, size: sizes.tick) }.max() ?? 0
                if (widest + em) * Double(ticks.values.count) > length { maximumCount -= 1; continue }
            }
            return (labels, ticks.minorValues)
        }
    }

    /// True when every line and scatter value along this axis is a whole number (epochs, counts) and
    /// nothing else (bars, histograms, matrices) is drawn: ticks then fall on whole numbers only.
    func holdsOnlyWholeNumbers(horizontal: Bool) -> Bool {
        var sawValue = false
        for item in axes.series {
            switch item {
            case let .line(line):
                for value in horizontal ? line.x : line.y where value.isFinite {
                    if value != value.rounded() { return false }
                    sawValue = true
                }
            case let .scatter(scatter):
                for value in horizontal ? scatter.x : scatter.y where value.isFinite {
                    if value != value.rounded() { return false }
                    sawValue = true
                }
            case .reference, .annotation:
                continue
            default:
                return false
            }
        }
        return sawValue
    }

    /// The value range and label explained by a colorbar (heatmaps, value-coloured scatters).
    func colorbarRange() -> (range: ClosedRange<Double>, colormap: Colormap, label: String?)? {
        guard axes.showsColorbar else { return nil }
        for item in axes.series {
            switch item {
            case let .heatmap(h) where h.showsColorbar: return (h.range, h.colormap, h.colorbarLabel)
            case let .field(field) where field.colorbar != nil: return field.colorbar
            case let .scatter(s):
                if case let .values(_, colormap, range) = s.coloring { return (range, colormap, s.label) }
            default: break
            }
        }
        return nil
    }

    func legendEntries() -> [LegendEntry] {
        var entries: [LegendEntry] = []
        let histogramCount = axes.series.filter { if case let .bars(b) = $0 { return b.isHistogram } else { return false } }.count
        for item in axes.series {
            switch item {
            case let .line(line):
                if let label = line.label { entries.append(LegendEntry(swatch: .line(line.color, width: line.width, dash: line.dash, marker: line.marker), label: label)) }
            case let .scatter(scatter):
                switch scatter.coloring {
                case let .single(color):
                    if let label = scatter.label { entries.append(LegendEntry(swatch: .marker(color, scatter.marker), label: label)) }
                case let .categories(indices, names, colormap):
                    var present = Set<Int>()
                    for index in indices { present.insert(index) }
                    for index in present.sorted() {
                        entries.append(LegendEntry(swatch: .marker(colormap.color(category: index), .circle), label: index < names.count ? names[index] : String(index)))
                    }
                case .values:
                    break
                }
            case let .bars(bars):
                if let label = bars.label {
                    let alpha = bars.alpha ?? (bars.isHistogram && histogramCount > 1 ? 0.55 : 1)
                    entries.append(LegendEntry(swatch: .patch(bars.color.withAlpha(alpha)), label: label))
                }
            case let .reference(reference):
                if let label = reference.label { entries.append(LegendEntry(swatch: .line(reference.color, width: reference.width, dash: reference.dash, marker: .none), label: label)) }
            case .heatmap, .annotation, .field:
                break
            }
        }
        return entries
    }
}
