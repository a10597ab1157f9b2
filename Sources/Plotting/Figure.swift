import Foundation

/// A figure: a canvas of `width` x `height` pixels with an optional title over a grid of `Axes`.
///
/// ```swift
/// var figure = Figure(width: 1600, height: 1000, rows: 1, columns: 2, title: "Training")
/// try figure[0].line(x: epochs, y: trainLoss, label: "train")
/// try figure[0].line(x: epochs, y: validationLoss, label: "validation")
/// try figure[0].verticalLine(at: 7, label: "early stop")
/// figure[0].xLabel = "epoch"
/// try figure[1].confusionMatrix(counts, classNames: names)
/// try figure.save("training.png")          // .png, .svg or .pdf, written atomically
/// ```
public struct Figure: Renderable {
    public var width: Int
    public var height: Int
    /// Dots per inch: text sizes are points, so at 100 dpi a 10-pt label is ~14 px tall (matplotlib's default).
    public var dpi: Double
    public var title: String?
    public let rows: Int
    public let columns: Int
    /// The panels, row-major (`rows * columns`).
    public var axes: [Axes]
    /// All panels share one x range (and only the bottom row labels its ticks).
    public var sharesX = false
    /// All panels share one y range (and only the left column labels its ticks).
    public var sharesY = false
    /// Base font size in points (tick labels are 0.9x, titles 1.2x).
    public var fontSize: Double = 10
    public var background: Color = .white

    public init(width: Int = 1200, height: Int = 800, dpi: Double = 100, rows: Int = 1, columns: Int = 1, title: String? = nil) {
        self.width = width
        self.height = height
        self.dpi = dpi
        self.rows = max(1, rows)
        self.columns = max(1, columns)
        self.title = title
        self.axes = Array(repeating: Axes(), count: max(1, rows) * max(1, columns))
    }

    /// The panel at row-major `index`.
    public subscript(index: Int) -> Axes {
        get { axes[index] }
        set { axes[index] = newValue }
    }

    /// The panel at (`row`, `column`).
    public subscript(row: Int, column: Int) -> Axes {
        get { axes[row * columns + column] }
        set { axes[row * columns + column] = newValue }
    }

    public func draw(on canvas: Canvas) throws {
        for (renderer, cell) in try panels(on: canvas) { renderer.draw(in: cell) }
    }

    /// The layout of every panel (nil for blank ones), as drawn on a raster canvas: for tests and for
    /// callers that need to know where the plot areas ended up.
    func layouts() throws -> [AxesRenderer.Layout?] {
        let canvas = try Canvas(rasterWidth: width, height: height, dpi: dpi)
        let panels = try self.panels(on: canvas)
        var result = [AxesRenderer.Layout?](repeating: nil, count: axes.count)
        for (renderer, cell) in panels {
            if let index = axes.indices.first(where: { cellRect($0, canvas: canvas) == cell }) { result[index] = renderer.layout(in: cell) }
        }
        return result
    }

    private func contentRect(canvas: Canvas) -> (Rect, titleHeight: Double) {
        let full = Rect(x: 0, y: 0, width: Double(canvas.width), height: Double(canvas.height))
        guard let title else { return (full, 0) }
        let sizes = TextSizes(base: fontSize)
        let pad = sizes.tick * canvas.pixelsPerPoint * 0.8
        let fitted = canvas.fit(title, size: sizes.figureTitle, bold: true, maximumWidth: full.width - 2 * pad)
        let height = pad + canvas.metrics(size: fitted.size, bold: true).height
        return (full.inset(top: height), height)
    }

    private func cellRect(_ index: Int, canvas: Canvas) -> Rect {
        let content = contentRect(canvas: canvas).0
        let row = index / columns, column = index % columns
        let cellWidth = content.width / Double(columns), cellHeight = content.height / Double(rows)
        return Rect(x: content.minX + Double(column) * cellWidth, y: content.minY + Double(row) * cellHeight, width: cellWidth, height: cellHeight)
    }

    /// Paints the background and title, and returns a renderer and cell for every non-blank panel.
    private func panels(on canvas: Canvas) throws -> [(AxesRenderer, Rect)] {
        guard dpi > 0, dpi.isFinite else { throw PlotError.invalidArgument("figure dpi \(dpi): expected a positive number") }
        guard fontSize > 0 else { throw PlotError.invalidArgument("figure font size \(fontSize): expected a positive number") }
        guard axes.count == rows * columns else {
            throw PlotError.lengthMismatch("figure panels for \(rows) x \(columns)", expected: rows * columns, found: axes.count)
        }
        let full = Rect(x: 0, y: 0, width: Double(canvas.width), height: Double(canvas.height))
        canvas.fill(full, background)
        let sizes = TextSizes(base: fontSize)
        if let title {
            let pad = sizes.tick * canvas.pixelsPerPoint * 0.8
            let fitted = canvas.fit(title, size: sizes.figureTitle, bold: true, maximumWidth: full.width - 2 * pad)
            canvas.text(fitted.text, x: full.midX, y: pad, size: fitted.size, bold: true, horizontal: .center, vertical: .top)
        }
        // Shared limits: the union of every panel's automatic limits.
        var sharedX: ClosedRange<Double>? = nil, sharedY: ClosedRange<Double>? = nil
        if sharesX || sharesY {
            let all = axes.filter { !$0.isEmpty }.map { AxesRenderer(axes: $0, canvas: canvas, sizes: sizes).automaticLimits() }
            if sharesX, let first = all.first {
                sharedX = all.dropFirst().reduce(first.x) { min($0.lowerBound, $1.x.lowerBound)...max($0.upperBound, $1.x.upperBound) }
            }
            if sharesY, let first = all.first {
                sharedY = all.dropFirst().reduce(first.y) { min($0.lowerBound, $1.y.lowerBound)...max($0.upperBound, $1.y.upperBound) }
            }
        }
        var result: [(AxesRenderer, Rect)] = []
        var indices: [Int] = []
        for row in 0..<rows {
            for column in 0..<columns {
                let panel = axes[row * columns + column]
                guard !panel.isEmpty || panel.title != nil else { continue }
                var renderer = AxesRenderer(axes: panel, canvas: canvas, sizes: sizes)
                renderer.sharedXLimits = sharedX
                renderer.sharedYLimits = sharedY
                renderer.hidesXTickLabels = sharesX && row < rows - 1
                renderer.hidesYTickLabels = sharesY && column > 0
                result.append((renderer, cellRect(row * columns + column, canvas: canvas)))
                indices.append(row * columns + column)
            }
        }
        // Align plot areas: panels of a column share their left and right margins, panels of a row their
        // top and bottom margins (the largest each needs), as matplotlib's constrained layout does.
        // Panels with square matrix cells keep their own layout.
        guard result.count > 1 else { return result }
        let margins = result.map { $0.0.heatmap?.squareCells == true ? nil : $0.0.layout(in: $0.1).margins }
        for (position, index) in indices.enumerated() where margins[position] != nil {
            let row = index / columns, column = index % columns
            var minimum = AxesRenderer.Margins()
            for (other, otherIndex) in indices.enumerated() {
                guard let m = margins[other] else { continue }
                if otherIndex % columns == column { minimum.left = max(minimum.left, m.left); minimum.right = max(minimum.right, m.right) }
                if otherIndex / columns == row { minimum.top = max(minimum.top, m.top); minimum.bottom = max(minimum.bottom, m.bottom) }
            }
            result[position].0.minimumMargins = minimum
        }
        return result
    }
}
