import Foundation

/// Scattered points (x, y, value) onto a regular grid, in linear time in the number of points.
///
/// Optuna's contour interpolates with SciPy's `griddata` (a Delaunay triangulation, O(n log n) but heavy,
/// and blank outside the trials' convex hull). Here the points are first averaged into the cells of a
/// coarse `size` x `size` grid (O(n)); empty cells take the inverse-distance-weighted mean (power 2) of
/// the filled ones (O(size^4) at worst, 5.3 M pairs for 48 x 48, whatever the trial count); the coarse
/// grid is then upsampled bilinearly so that the banded colours have smooth edges.
struct GridInterpolation {
    var columns: Int
    var rows: Int
    /// Row-major, row 0 at the bottom (lowest y).
    var values: [Double]

    /// - Parameters:
    ///   - x, y: point coordinates, already in the axis' linear space (log10 for log axes).
    ///   - xRange, yRange: the grid's extent in that space.
    static func interpolate(x: [Double], y: [Double], values: [Double], xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
                            coarse size: Int = 48, upsample factor: Int = 6) -> GridInterpolation {
        var sums = [Double](repeating: 0, count: size * size), counts = [Int](repeating: 0, count: size * size)
        let width = xRange.upperBound - xRange.lowerBound, height = yRange.upperBound - yRange.lowerBound
        func cell(_ value: Double, _ lower: Double, _ span: Double) -> Int {
            span > 0 ? min(size - 1, max(0, Int((value - lower) / span * Double(size)))) : size / 2
        }
        for index in x.indices {
            let c = cell(x[index], xRange.lowerBound, width), r = cell(y[index], yRange.lowerBound, height)
            sums[r * size + c] += values[index]
            counts[r * size + c] += 1
        }
        var coarse = [Double](repeating: .nan, count: size * size)
        var filled: [(x: Double, y: Double, value: Double)] = []
        for index in coarse.indices where counts[index] > 0 {
            coarse[index] = sums[index] / Double(counts[index])
            filled.append((Double(index % size), Double(index / size), coarse[index]))
        }
        for index in coarse.indices where counts[index] == 0 {
            let cx = Double(index % size), cy = Double(index / size)
            var weighted = 0.0, total = 0.0
            for point in filled {
                let dx = point.x - cx, dy = point.y - cy
                let weight = 1 / (dx * dx + dy * dy)
                weighted += weight * point.value
                total += weight
            }
            coarse[index] = total > 0 ? weighted / total : .nan
        }
        // Bilinear upsampling through the coarse cell centres.
        let fine = size * factor
        var result = [Double](repeating: 0, count: fine * fine)
        for row in 0..<fine {
            let fy = min(max((Double(row) + 0.5) / Double(factor) - 0.5, 0), Double(size - 1))
            let r0 = Int(fy), r1 = min(r0 + 1, size - 1), ty = fy - Double(r0)
            for column in 0..<fine {
                let fx = min(max((Double(column) + 0.5) / Double(factor) - 0.5, 0), Double(size - 1))
                let c0 = Int(fx), c1 = min(c0 + 1, size - 1), tx = fx - Double(c0)
                let bottom = coarse[r0 * size + c0] * (1 - tx) + coarse[r0 * size + c1] * tx
                let top = coarse[r1 * size + c0] * (1 - tx) + coarse[r1 * size + c1] * tx
                result[row * fine + column] = bottom * (1 - ty) + top * ty
            }
        }
        return GridInterpolation(columns: fine, rows: fine, values: result)
    }
}
