import CCairo
import Foundation

extension AxesRenderer {
    /// Draws the axes into `cell` (pixels).
    func draw(in cell: Rect) {
        let layout = self.layout(in: cell)
        let plot = layout.plot
        let em = sizes.tick * pixelsPerPoint
        let picture = heatmap?.isPicture ?? false
        let tickLength = 3.5 * pixelsPerPoint, tickPad = 3 * pixelsPerPoint
        let frameColor = Color(gray: 0.15)

        if axes.showsGrid && !picture {
            for tick in layout.xTicks { if let x = layout.xMap.pixel(tick.position) { canvas.segment(x, plot.minY, x, plot.maxY, Color(gray: 0.88), width: 1) } }
            for tick in layout.yTicks { if let y = layout.yMap.pixel(tick.position) { canvas.segment(plot.minX, y, plot.maxX, y, Color(gray: 0.88), width: 1) } }
        }

        // Data, clipped to the plot area.
        canvas.save()
        canvas.clip(plot)
        let barsBySeries = resolvedBars()
        var barCursor = 0
        let histogramCount = barsBySeries.filter { $0.series.isHistogram }.count
        for item in axes.series {
            switch item {
            case let .heatmap(h): drawHeatmap(h, layout: layout)
            case let .field(field):
                if let x0 = layout.xMap.pixel(field.xRange.lowerBound), let x1 = layout.xMap.pixel(field.xRange.upperBound),
                   let y0 = layout.yMap.pixel(field.yRange.upperBound), let y1 = layout.yMap.pixel(field.yRange.lowerBound) {
                    canvas.image(field.pixels, columns: field.columns, rows: field.rows,
                                 into: Rect(x: min(x0, x1), y: min(y0, y1), width: abs(x1 - x0), height: abs(y1 - y0)))
                }
            case .bars:
                let (series, bars) = barsBySeries[barCursor]
                barCursor += 1
                drawBars(series, bars, layout: layout, translucent: histogramCount > 1)
            case let .line(line): drawLine(line, layout: layout)
            case let .scatter(scatter): drawScatter(scatter, layout: layout)
            case let .reference(reference):
                if reference.vertical, let x = layout.xMap.pixel(reference.value), x >= plot.minX - 5, x <= plot.maxX + 5 {
                    canvas.segment(x, plot.minY, x, plot.maxY, reference.color, width: reference.width * pixelsPerPoint, dash: reference.dash)
                } else if !reference.vertical, let y = layout.yMap.pixel(reference.value), y >= plot.minY - 5, y <= plot.maxY + 5 {
                    canvas.segment(plot.minX, y, plot.maxX, y, reference.color, width: reference.width * pixelsPerPoint, dash: reference.dash)
                }
            case let .annotation(annotation):
                if let x = layout.xMap.pixel(annotation.x), let y = layout.yMap.pixel(annotation.y), plot.contains(x, y) {
                    let anchor: HorizontalAnchor = switch annotation.alignment { case .left: .left; case .center: .center; case .right: .right }
                    if let background = annotation.background {
                        let width = canvas.textWidth(annotation.text, size: annotation.size)
                        let height = canvas.metrics(size: annotation.size).height
                        let pad = height * 0.15
                        canvas.fill(Rect(x: x - width * anchor.rawValue - pad, y: y - height / 2 - pad / 2,
                                         width: width + 2 * pad, height: height + pad), background)
                    }
                    canvas.text(annotation.text, x: x, y: y, size: annotation.size, color: annotation.color, horizontal: anchor, vertical: .center)
                }
            }
        }
        canvas.restore()

        // Frame, ticks and tick labels.
        if !picture {
            canvas.strokeCrisp(plot, frameColor, width: max(1, (0.8 * pixelsPerPoint).rounded()))
            let tickWidth = max(1, (0.8 * pixelsPerPoint).rounded())
            let labelTop = plot.maxY + tickLength + tickPad
            for tick in layout.xTicks {
                guard let x = layout.xMap.pixel(tick.position), x >= plot.minX - 0.5, x <= plot.maxX + 0.5 else { continue }
                canvas.segment(x, plot.maxY, x, plot.maxY + tickLength, frameColor, width: tickWidth)
                if layout.xLabelRotated {
                    canvas.text(tick.text, x: x, y: labelTop, size: layout.xTickSize, horizontal: .right, vertical: .top, angle: .pi / 4)
                } else {
                    canvas.text(tick.text, x: x, y: labelTop, size: layout.xTickSize, horizontal: .center, vertical: .top)
                }
            }
            for tick in layout.yTicks {
                guard let y = layout.yMap.pixel(tick.position), y >= plot.minY - 0.5, y <= plot.maxY + 0.5 else { continue }
                canvas.segment(plot.minX - tickLength, y, plot.minX, y, frameColor, width: tickWidth)
                canvas.text(tick.text, x: plot.minX - tickLength - tickPad, y: y, size: layout.yTickSize, horizontal: .right, vertical: .center)
            }
            for value in layout.xMinorTicks {
                if let x = layout.xMap.pixel(value) { canvas.segment(x, plot.maxY, x, plot.maxY + tickLength * 0.55, frameColor, width: tickWidth) }
            }
            for value in layout.yMinorTicks {
                if let y = layout.yMap.pixel(value) { canvas.segment(plot.minX - tickLength * 0.55, y, plot.minX, y, frameColor, width: tickWidth) }
            }
        }

        // Axis labels and title, placed outward from the measured tick label extents.
        let outerPad = em * 0.6
        if let label = layout.xLabel {
            canvas.text(label.text, x: plot.midX, y: cell.maxY - outerPad, size: label.size, horizontal: .center, vertical: .bottom)
        }
        if let label = layout.yLabel {
            canvas.text(label.text, x: cell.minX + outerPad, y: plot.midY, size: label.size, horizontal: .center, vertical: .top, angle: .pi / 2)
        }
        if let title = layout.title {
            canvas.text(title.text, x: min(max(plot.midX, cell.minX + outerPad + canvas.textWidth(title.text, size: title.size, bold: true) / 2),
                                           cell.maxX - outerPad - canvas.textWidth(title.text, size: title.size, bold: true) / 2),
                        y: cell.minY + outerPad, size: title.size, bold: true, horizontal: .center, vertical: .top)
        }

        if let rect = layout.colorbar, let source = colorbarRange(), let ticks = layout.colorbarTicks {
            drawColorbar(rect, source: source, ticks: ticks, tickLength: tickLength, tickPad: tickPad, cell: cell)
        }
        if let legend = layout.legend, let box = layout.legendBox {
            legend.draw(at: box, canvas: canvas)
        }
    }

    /// Where the legend goes: right of the plot (and of a colorbar) when outside, else the asked corner or
    /// the inside position that hides the least data.
    func legendRect(_ legend: LegendBox, layout: Layout, cell: Rect) -> Rect {
        let em = sizes.tick * pixelsPerPoint
        let outerPad = em * 0.6, inset = em * 0.5
        if layout.legendOutside {
            let left = layout.colorbar != nil ? cell.maxX - outerPad - legend.width : layout.plot.maxX + em * 0.8
            return Rect(x: min(left, cell.maxX - outerPad - legend.width), y: layout.plot.minY, width: legend.width, height: legend.height)
        }
        if axes.legend == .best || axes.legend == .outsideRight {
            return legend.bestPlacement(in: layout.plot, inset: inset) { legendCost($0, layout: layout) }
        }
        return legend.candidate(axes.legend, in: layout.plot, inset: inset)
    }

    // MARK: Series

    private func drawLine(_ line: LineSeries, layout: Layout) {
        let points: [(Double, Double)?] = line.x.indices.map { index in
            guard let x = layout.xMap.pixel(line.x[index]), let y = layout.yMap.pixel(line.y[index]) else { return nil }
            return (x, y)
        }
        if line.width > 0 {
            // Segments are clipped to a box a little larger than the plot before they reach Cairo, whose
            // 24.8 fixed-point coordinates would wrap for points far outside user-set limits.
            let bounds = layout.plot.inset(left: -50, top: -50, right: -50, bottom: -50)
            canvas.polyline(LineClipping.clip(points, to: bounds), line.color, width: line.width * pixelsPerPoint, dash: line.dash)
        }
        if line.marker != .none {
            for case let (x, y)? in points where layout.plot.inset(left: -20, top: -20, right: -20, bottom: -20).contains(x, y) {
                MarkerPainter.draw(line.marker, x: x, y: y, diameter: line.markerSize * pixelsPerPoint, color: line.color, canvas: canvas)
            }
        }
    }

    private func drawBars(_ series: BarSeries, _ bars: [ResolvedBar], layout: Layout, translucent: Bool) {
        let alpha = series.alpha ?? (series.isHistogram && translucent ? 0.55 : 1)
        let fill = series.color.withAlpha(alpha)
        let valueMap = series.horizontal ? layout.xMap : layout.yMap
        let positionMap = series.horizontal ? layout.yMap : layout.xMap
        // Bars grow from 0 (or from the axis' lower limit on a log scale).
        let baseValue = (series.horizontal ? axes.xScale : axes.yScale) == .logarithmic ? valueMap.lower : 0
        guard let rawBase = valueMap.pixel(baseValue) ?? valueMap.pixel(valueMap.lower) else { return }
        let base = min(max(rawBase, -1e5), 1e5)
        if series.isHistogram {
            // One step-shaped polygon per run of bins: no antialiasing seams between adjacent bars.
            var outline: [(Double, Double)?] = []
            var run: [(Double, Double)] = []
            func closeRun() {
                guard let first = run.first, let last = run.last else { return }
                let polygon = [(first.0, base)] + run + [(last.0, base)]
                canvas.setColor(fill)
                cairo_move_to(canvas.context, polygon[0].0, polygon[0].1)
                for point in polygon.dropFirst() { cairo_line_to(canvas.context, point.0, point.1) }
                cairo_close_path(canvas.context)
                cairo_fill(canvas.context)
                outline += polygon.map { Optional($0) } + [nil]
                run = []
            }
            for bar in bars {
                guard bar.value.isFinite, let a = positionMap.pixel(bar.start), let b = positionMap.pixel(bar.end) else { closeRun(); continue }
                // Clamped to just outside the plot: exact for axis-aligned steps, and safe for Cairo.
                let top = min(max(valueMap.pixel(bar.value) ?? base, -1e5), 1e5)
                run.append((min(max(a, -1e5), 1e5), top))
                run.append((min(max(b, -1e5), 1e5), top))
            }
            closeRun()
            // Overlapping translucent histograms get their contour drawn opaque, so each stays readable.
            if translucent { canvas.polyline(outline, series.color, width: max(1, 1.2 * pixelsPerPoint), dash: .solid) }
            return
        }
        for bar in bars {
            guard bar.value.isFinite, let a = positionMap.pixel(bar.start), let b = positionMap.pixel(bar.end) else { continue }
            let top = valueMap.pixel(bar.value) ?? base
            let rect = series.horizontal
                ? Rect(x: min(base, top), y: min(a, b), width: abs(top - base), height: abs(b - a))
                : Rect(x: min(a, b), y: min(base, top), width: abs(b - a), height: abs(top - base))
            if let visible = rect.clamped(to: layout.plot.inset(left: -5, top: -5, right: -5, bottom: -5)) { canvas.fill(visible, fill) }
        }
    }

    private func drawHeatmap(_ h: HeatmapSeries, layout: Layout) {
        let lookup = h.colormap.packedLookup()
        let low = h.range.lowerBound, span = h.range.upperBound - h.range.lowerBound
        let pixels: [UInt32] = h.values.map { value in
            guard value.isFinite else { return 0xffffff }
            let t = span > 0 ? (value - low) / span : 0.5
            return lookup[Int((min(max(t, 0), 1) * 255).rounded())] & 0xffffff
        }
        guard let x0 = layout.xMap.pixel(-0.5), let x1 = layout.xMap.pixel(Double(h.columns) - 0.5),
              let y0 = layout.yMap.pixel(-0.5), let y1 = layout.yMap.pixel(Double(h.rows) - 0.5) else { return }
        let rect = Rect(x: min(x0, x1), y: min(y0, y1), width: abs(x1 - x0), height: abs(y1 - y0))
        canvas.image(pixels, columns: h.columns, rows: h.rows, into: rect)
        guard !h.annotations.isEmpty else { return }
        // Cell texts: the largest size (up to the tick size) at which the widest text fits a cell.
        let cellWidth = rect.width / Double(h.columns), cellHeight = rect.height / Double(h.rows)
        let widest = h.annotations.max { $0.count < $1.count } ?? ""
        let widthAtTick = canvas.textWidth(widest, size: sizes.tick)
        var size = sizes.tick
        if widthAtTick > cellWidth * 0.9 { size *= cellWidth * 0.9 / widthAtTick }
        size = min(size, cellHeight * 0.6 / pixelsPerPoint)
        guard size >= 4 else { return }
        for row in 0..<h.rows {
            for column in 0..<h.columns {
                let index = row * h.columns + column
                let value = h.values[index]
                guard value.isFinite else { continue }
                let background = Color(hex: pixels[index])
                canvas.text(h.annotations[index], x: rect.minX + (Double(column) + 0.5) * cellWidth, y: rect.minY + (Double(row) + 0.5) * cellHeight,
                            size: size, color: background.contrastingText, horizontal: .center, vertical: .center)
            }
        }
    }

    private func drawScatter(_ scatter: ScatterSeries, layout: Layout) {
        let count = scatter.x.count
        var xs = [Float](repeating: .nan, count: count), ys = [Float](repeating: .nan, count: count)
        fillPixels(scatter.x, map: layout.xMap, into: &xs)
        fillPixels(scatter.y, map: layout.yMap, into: &ys)
        var palette: [UInt32]
        var indices: [UInt16]
        switch scatter.coloring {
        case let .single(color):
            palette = [packed(color)]
            indices = [UInt16](repeating: 0, count: count)
        case let .categories(categories, _, colormap):
            let used = (categories.max() ?? 0) + 1
            palette = (0..<used).map { packed(colormap.color(category: $0)) }
            indices = categories.map { UInt16(truncatingIfNeeded: $0) }
        case let .values(values, colormap, range):
            palette = colormap.packedLookup().map { $0 & 0xffffff }
            let low = range.lowerBound, span = range.upperBound - range.lowerBound
            indices = values.map { UInt16((min(max(span > 0 ? ($0 - low) / span : 0.5, 0), 1) * 255).rounded()) }
        }
        let diameter = scatter.size * pixelsPerPoint
        if canvas.isRaster && scatter.marker == .circle {
            MarkerStamper.stamp(x: xs, y: ys, colorIndex: indices, palette: palette, diameter: diameter, alpha: scatter.alpha,
                                clip: layout.plot, canvas: canvas)
        } else if scatter.marker == .cross {
            // Crosses are strokes, not fills.
            for index in 0..<count where xs[index].isFinite && ys[index].isFinite {
                MarkerPainter.draw(.cross, x: Double(xs[index]), y: Double(ys[index]), diameter: diameter,
                                   color: Color(hex: palette[Int(indices[index])]).withAlpha(scatter.alpha), canvas: canvas)
            }
        } else {
            // Vector output: real paths, one fill per run of equal colour.
            var current: UInt16? = nil
            for index in 0..<count where xs[index].isFinite && ys[index].isFinite {
                if current != indices[index] {
                    if current != nil { cairo_fill(canvas.context) }
                    current = indices[index]
                    canvas.setColor(Color(hex: palette[Int(indices[index])]).withAlpha(scatter.alpha))
                }
                MarkerPainter.path(scatter.marker, x: Double(xs[index]), y: Double(ys[index]), diameter: diameter, canvas: canvas)
            }
            if current != nil { cairo_fill(canvas.context) }
        }
    }

    private func packed(_ color: Color) -> UInt32 {
        let b = color.bytes
        return UInt32(b.red) << 16 | UInt32(b.green) << 8 | UInt32(b.blue)
    }

    /// Data to pixel coordinates for many values (linear fast path; log through the map).
    private func fillPixels(_ values: [Double], map: AxisMap, into output: inout [Float]) {
        if map.scale == .linear {
            let (offset, factor) = map.linearCoefficients
            values.withUnsafeBufferPointer { input in
                output.withUnsafeMutableBufferPointer { out in
                    for index in 0..<input.count { out[index] = Float(offset + factor * input[index]) }
                }
            }
        } else {
            for index in values.indices { output[index] = map.pixel(values[index]).map(Float.init) ?? .nan }
        }
    }

    // MARK: Colorbar and legend placement

    private func drawColorbar(_ rect: Rect, source: (range: ClosedRange<Double>, colormap: Colormap, label: String?), ticks: Ticks,
                              tickLength: Double, tickPad: Double, cell: Rect) {
        // 256 rows, high values on top.
        let lookup = source.colormap.packedLookup().map { $0 & 0xffffff }
        canvas.image(Array(lookup.reversed()), columns: 1, rows: 256, into: rect)
        let frame = Color(gray: 0.15)
        canvas.strokeCrisp(rect, frame, width: max(1, (0.8 * pixelsPerPoint).rounded()))
        let span = source.range.upperBound - source.range.lowerBound
        var widest = 0.0
        for (value, text) in zip(ticks.values, ticks.labels) {
            let fraction = span > 0 ? (value - source.range.lowerBound) / span : 0.5
            guard fraction >= -1e-9, fraction <= 1 + 1e-9 else { continue }
            let y = rect.maxY - fraction * rect.height
            canvas.segment(rect.maxX, y, rect.maxX + tickLength, y, frame, width: max(1, (0.8 * pixelsPerPoint).rounded()))
            canvas.text(text, x: rect.maxX + tickLength + tickPad, y: y, size: sizes.tick, vertical: .center)
            widest = max(widest, canvas.textWidth(text, size: sizes.tick))
        }
        if let label = source.label {
            let fitted = canvas.fit(label, size: sizes.label, maximumWidth: rect.height)
            canvas.text(fitted.text, x: rect.maxX + tickLength + tickPad + widest + tickPad * 2, y: rect.midY, size: fitted.size,
                        horizontal: .center, vertical: .bottom, angle: -.pi / 2)
        }
    }

    /// How much data a legend box at `box` would hide: points inside, segment crossings, bar overlap.
    func legendCost(_ box: Rect, layout: Layout) -> Double {
        var cost = 0.0
        for item in axes.series {
            switch item {
            case let .line(line):
                var previous: (Double, Double)? = nil
                for index in line.x.indices {
                    guard let x = layout.xMap.pixel(line.x[index]), let y = layout.yMap.pixel(line.y[index]) else { previous = nil; continue }
                    if box.contains(x, y) { cost += 1 }
                    if let (px, py) = previous {
                        // Sample the segment so that long segments crossing the box count.
                        for step in 1...8 {
                            let t = Double(step) / 9
                            if box.contains(px + (x - px) * t, py + (y - py) * t) { cost += 1 }
                        }
                    }
                    previous = (x, y)
                }
            case let .scatter(scatter):
                let stride = max(1, scatter.x.count / 20000)
                for index in Swift.stride(from: 0, to: scatter.x.count, by: stride) {
                    if let x = layout.xMap.pixel(scatter.x[index]), let y = layout.yMap.pixel(scatter.y[index]), box.contains(x, y) {
                        cost += Double(stride)
                    }
                }
            case let .reference(reference):
                if reference.vertical, let x = layout.xMap.pixel(reference.value), x >= box.minX, x <= box.maxX { cost += 20 }
                if !reference.vertical, let y = layout.yMap.pixel(reference.value), y >= box.minY, y <= box.maxY { cost += 20 }
            default:
                break
            }
        }
        for (series, bars) in resolvedBars() {
            let valueMap = series.horizontal ? layout.xMap : layout.yMap
            let positionMap = series.horizontal ? layout.yMap : layout.xMap
            let base = valueMap.pixel(0) ?? (series.horizontal ? layout.plot.minX : layout.plot.maxY)
            for bar in bars {
                guard let a = positionMap.pixel(bar.start), let b = positionMap.pixel(bar.end), let top = valueMap.pixel(bar.value) else { continue }
                let rect = series.horizontal
                    ? Rect(x: min(base, top), y: min(a, b), width: abs(top - base), height: abs(b - a))
                    : Rect(x: min(a, b), y: min(base, top), width: abs(b - a), height: abs(top - base))
                let overlapWidth = max(0, min(rect.maxX, box.maxX) - max(rect.minX, box.minX))
                let overlapHeight = max(0, min(rect.maxY, box.maxY) - max(rect.minY, box.minY))
                cost += overlapWidth * overlapHeight / 25
            }
        }
        return cost
    }
}
