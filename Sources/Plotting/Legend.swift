import Foundation

/// One row of a legend: a sample of the series' look and its label.
struct LegendEntry {
    enum Swatch {
        case line(Color, width: Double, dash: Dash, marker: Marker)
        case patch(Color)
        case marker(Color, Marker)
    }
    var swatch: Swatch
    var label: String
}

/// Legend geometry and drawing.
struct LegendBox {
    var entries: [LegendEntry]
    var title: String?
    var fontSize: Double
    var width: Double = 0
    var height: Double = 0
    private var rowHeight: Double = 0
    private var padding: Double = 0
    private var handleLength: Double = 0

    init(entries: [LegendEntry], title: String?, fontSize: Double, canvas: Canvas) {
        self.entries = entries
        self.title = title
        self.fontSize = fontSize
        measure(canvas)
    }

    /// Shrinks the font until the box fits `maximumWidth` x `maximumHeight` (never below 5 pt); labels still
    /// too wide at 5 pt are shortened with an ellipsis.
    mutating func fit(maximumWidth: Double, maximumHeight: Double, canvas: Canvas) {
        while (height > maximumHeight || width > maximumWidth) && fontSize > 5 {
            fontSize = max(5, fontSize * 0.9)
            measure(canvas)
        }
        if width > maximumWidth {
            let pixels = fontSize * canvas.pixelsPerPoint
            let room = maximumWidth - padding * 2 - handleLength - pixels * 0.6
            for index in entries.indices {
                entries[index].label = canvas.fit(entries[index].label, size: fontSize, maximumWidth: max(pixels, room), minimumSize: fontSize).text
            }
            if let title { self.title = canvas.fit(title, size: fontSize, bold: true, maximumWidth: max(pixels, maximumWidth - padding * 2), minimumSize: fontSize).text }
            measure(canvas)
        }
    }

    private mutating func measure(_ canvas: Canvas) {
        let pixels = fontSize * canvas.pixelsPerPoint
        rowHeight = pixels * 1.45
        padding = pixels * 0.55
        handleLength = pixels * 2
        let textWidth = entries.map { canvas.textWidth($0.label, size: fontSize) }.max() ?? 0
        let titleWidth = title.map { canvas.textWidth($0, size: fontSize, bold: true) } ?? 0
        width = max(padding * 2 + handleLength + pixels * 0.6 + textWidth, padding * 2 + titleWidth)
        height = padding * 2 + rowHeight * Double(entries.count + (title == nil ? 0 : 1))
    }

    /// The candidate boxes for an inside placement, in matplotlib's order of preference.
    func candidate(_ placement: LegendPlacement, in plot: Rect, inset: Double) -> Rect {
        let left = plot.minX + inset, right = plot.maxX - inset - width
        let top = plot.minY + inset, bottom = plot.maxY - inset - height
        let centerX = plot.midX - width / 2, centerY = plot.midY - height / 2
        switch placement {
        case .upperLeft: return Rect(x: left, y: top, width: width, height: height)
        case .lowerLeft: return Rect(x: left, y: bottom, width: width, height: height)
        case .lowerRight: return Rect(x: right, y: bottom, width: width, height: height)
        case .upperCenter: return Rect(x: centerX, y: top, width: width, height: height)
        case .lowerCenter: return Rect(x: centerX, y: bottom, width: width, height: height)
        case .centerLeft: return Rect(x: left, y: centerY, width: width, height: height)
        case .centerRight: return Rect(x: right, y: centerY, width: width, height: height)
        default: return Rect(x: right, y: top, width: width, height: height)
        }
    }

    /// The inside placement whose box covers the least data: `cost` scores a box (points inside,
    /// segments crossing); ties go to the earlier candidate, as in matplotlib.
    func bestPlacement(in plot: Rect, inset: Double, cost: (Rect) -> Double) -> Rect {
        let order: [LegendPlacement] = [.upperRight, .upperLeft, .lowerLeft, .lowerRight, .centerRight, .centerLeft, .lowerCenter, .upperCenter]
        var best = candidate(.upperRight, in: plot, inset: inset)
        var bestCost = Double.infinity
        for placement in order {
            let box = candidate(placement, in: plot, inset: inset)
            let score = cost(box)
            if score < bestCost { bestCost = score; best = box }
        }
        return best
    }

    func draw(at box: Rect, canvas: Canvas) {
        let pixels = fontSize * canvas.pixelsPerPoint
        canvas.fill(box, Color.white.withAlpha(0.85))
        canvas.strokeCrisp(box, Color(gray: 0.8), width: 1)
        var y = box.minY + padding
        if let title {
            canvas.text(title, x: box.minX + padding, y: y + rowHeight / 2, size: fontSize, bold: true, vertical: .center)
            y += rowHeight
        }
        for entry in entries {
            let middle = y + rowHeight / 2
            let handleStart = box.minX + padding
            switch entry.swatch {
            case let .line(color, lineWidth, dash, marker):
                canvas.polyline([(handleStart, middle), (handleStart + handleLength, middle)], color,
                                width: lineWidth * canvas.pixelsPerPoint, dash: dash)
                if marker != .none {
                    MarkerPainter.draw(marker, x: handleStart + handleLength / 2, y: middle, diameter: pixels * 0.55, color: color, canvas: canvas)
                }
            case let .patch(color):
                canvas.fill(Rect(x: handleStart, y: middle - pixels * 0.35, width: handleLength, height: pixels * 0.7), color)
            case let .marker(color, marker):
                MarkerPainter.draw(marker, x: handleStart + handleLength / 2, y: middle, diameter: pixels * 0.65, color: color, canvas: canvas)
            }
            canvas.text(entry.label, x: handleStart + handleLength + pixels * 0.6, y: middle, size: fontSize, vertical: .center)
            y += rowHeight
        }
    }
}
