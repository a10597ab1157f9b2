import Foundation

extension Axes {
    /// The line where a gridded function crosses `level` (marching squares, linear interpolation
    /// along cell edges), e.g. a classifier's 0.5 probability boundary. Grid layout as `field`:
    /// row-major `[rows, columns]`, row 0 at `y.lowerBound`, values at the cell centres.
    /// Draws nothing (and throws nothing) when the function never crosses the level.
    public mutating func contour(_ values: [Double], columns: Int, rows: Int, x: ClosedRange<Double>, y: ClosedRange<Double>,
                                 level: Double, label: String? = nil, color: Color = .black, width: Double = 1.5, dash: Dash = .solid) throws {
        try Axes.checkField(count: values.count, columns: columns, rows: rows, x: x, y: y)
        let dx = (x.upperBound - x.lowerBound) / Double(columns), dy = (y.upperBound - y.lowerBound) / Double(rows)
        func point(_ row: Int, _ column: Int) -> (Double, Double) {
            (x.lowerBound + (Double(column) + 0.5) * dx, y.lowerBound + (Double(row) + 0.5) * dy)
        }
        var xs: [Double] = [], ys: [Double] = []
        guard rows >= 2, columns >= 2 else { return }
        for row in 0..<(rows - 1) {
            for column in 0..<(columns - 1) {
                // Corners counter-clockwise from the bottom left.
                let corners = [(row, column), (row, column + 1), (row + 1, column + 1), (row + 1, column)]
                let v = corners.map { values[$0.0 * columns + $0.1] }
                guard v.allSatisfy(\.isFinite) else { continue }
                var crossings: [(Double, Double)] = []
                for edge in 0..<4 {
                    let a = edge, b = (edge + 1) % 4
                    guard (v[a] < level) != (v[b] < level) else { continue }
                    let t = (level - v[a]) / (v[b] - v[a])
                    let pa = point(corners[a].0, corners[a].1), pb = point(corners[b].0, corners[b].1)
                    crossings.append((pa.0 + t * (pb.0 - pa.0), pa.1 + t * (pb.1 - pa.1)))
                }
                // Two crossings: one segment; four (a saddle): pair them by the centre's side.
                var pairs: [(Int, Int)] = crossings.count == 2 ? [(0, 1)] : []
                if crossings.count == 4 {
                    let centre = v.reduce(0, +) / 4
                    pairs = (centre < level) == (v[0] < level) ? [(0, 3), (1, 2)] : [(0, 1), (2, 3)]
                }
                for (i, j) in pairs {
                    xs += [crossings[i].0, crossings[j].0, .nan]
                    ys += [crossings[i].1, crossings[j].1, .nan]
                }
            }
        }
        guard !xs.isEmpty else { return }
        series.append(.line(LineSeries(x: xs, y: ys, label: label, color: color, width: width, dash: dash, marker: .none, markerSize: 0)))
    }
}
