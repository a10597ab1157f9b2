import Foundation

extension Axes {
    /// A grid of values painted over the rectangle `x` × `y` of data coordinates, under everything
    /// else on the axes and with their ticks (matplotlib's `imshow(extent=..., origin="lower")`, or
    /// `contourf` with `levels`): a classifier's probability over the plane, a density.
    ///
    /// - Parameters:
    ///   - values: row-major `[rows, columns]`; row 0 is the bottom edge (`y.lowerBound`), column 0
    ///     the left edge. Cell `(i, j)` covers its share of the rectangle. NaN cells are white.
    ///   - levels: nil paints every value's own colour; `n` bands the values into `n` equal steps of
    ///     `range`, as a filled contour plot does.
    ///   - colorbarLabel: shown beside a colorbar; `showsColorbar: false` leaves it out.
    public mutating func field(_ values: [Double], columns: Int, rows: Int, x: ClosedRange<Double>, y: ClosedRange<Double>,
                               colormap: Colormap = .viridis, range: ClosedRange<Double>? = nil, levels: Int? = nil,
                               colorbarLabel: String? = nil, showsColorbar: Bool = true) throws {
        try Axes.checkField(count: values.count, columns: columns, rows: rows, x: x, y: y)
        if let levels, levels < 2 { throw PlotError.invalidArgument("field: levels must be at least 2, got \(levels)") }
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { throw PlotError.emptySeries("field") }
        let resolved = range ?? (low...high)
        let span = resolved.upperBound - resolved.lowerBound
        let lookup = colormap.packedLookup()
        var pixels = [UInt32](repeating: 0xffffff, count: values.count)
        for row in 0..<rows {
            for column in 0..<columns {
                let value = values[row * columns + column]
                guard value.isFinite else { continue }
                var t = span > 0 ? min(max((value - resolved.lowerBound) / span, 0), 1) : 0.5
                if let levels { t = (min(floor(t * Double(levels)), Double(levels - 1)) + 0.5) / Double(levels) }
                // Row 0 of the picture is the top edge.
                pixels[(rows - 1 - row) * columns + column] = lookup[Int((t * 255).rounded())] & 0xffffff
            }
        }
        series.insert(.field(FieldSeries(xRange: x, yRange: y, columns: columns, rows: rows, pixels: pixels,
                                         colorbar: showsColorbar ? (resolved, colormap, colorbarLabel) : nil)), at: 0)
    }

    /// A grid of colours over the rectangle `x` × `y` (row 0 at the bottom), e.g. each cell tinted by
    /// the class a model predicts there. No colorbar.
    public mutating func field(colors: [Color], columns: Int, rows: Int, x: ClosedRange<Double>, y: ClosedRange<Double>) throws {
        try Axes.checkField(count: colors.count, columns: columns, rows: rows, x: x, y: y)
        var pixels = [UInt32](repeating: 0xffffff, count: colors.count)
        for row in 0..<rows {
            for column in 0..<columns {
                let b = colors[row * columns + column].bytes
                pixels[(rows - 1 - row) * columns + column] = UInt32(b.red) << 16 | UInt32(b.green) << 8 | UInt32(b.blue)
            }
        }
        series.insert(.field(FieldSeries(xRange: x, yRange: y, columns: columns, rows: rows, pixels: pixels, colorbar: nil)), at: 0)
    }

    static func checkField(count: Int, columns: Int, rows: Int, x: ClosedRange<Double>, y: ClosedRange<Double>) throws {
        guard columns >= 1, rows >= 1 else { throw PlotError.invalidArgument("field: columns and rows must be at least 1, got \(columns) x \(rows)") }
        guard count == columns * rows else { throw PlotError.lengthMismatch("field values", expected: columns * rows, found: count) }
        guard x.lowerBound.isFinite, x.upperBound.isFinite, y.lowerBound.isFinite, y.upperBound.isFinite,
              x.upperBound > x.lowerBound, y.upperBound > y.lowerBound else {
            throw PlotError.invalidArgument("field: the extent \(x) x \(y) must be finite and non-empty")
        }
    }
}
