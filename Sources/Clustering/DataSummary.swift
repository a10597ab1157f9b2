import Foundation
import TensorCore

/// One pass over a matrix for what the estimators need before they start: column means and
/// population variances (Double), the squared norm of every row (Float32), and whether every
/// element is finite. Reading a 70,000 x 784 matrix takes ~20 ms per pass, so folding the
/// finiteness check, the statistics and the row norms into one pass saves two.
public struct DataSummary: Sendable {
    /// Column means.
    public let means: [Double]
    /// Column population variances (denominator n), clamped at zero.
    public let variances: [Double]
    /// `|row|^2` of each row, accumulated in eight Float32 lanes.
    public let rowNorms: [Float]

    /// Summarises `data` (`[n, d]`), both cores.
    /// - Throws: `ClusteringError.notAMatrix` or `.nonFiniteValue` (with the first bad row and
    ///   column) as `DataValidation.requireFiniteMatrix`.
    public init(_ data: Tensor) throws {
        guard data.rank == 2, data.shape[0] >= 1, data.shape[1] >= 1 else {
            throw ClusteringError.notAMatrix(shape: data.shape)
        }
        let rows = data.shape[0], columns = data.shape[1]
        let workers = Parallel.workerCount
        var partial = [Double](repeating: 0, count: workers * 2 * columns)
        var norms = [Float](repeating: 0, count: rows)
        data.withUnsafeBufferPointer { p in
            partial.withUnsafeMutableBufferPointer { partialBuffer in
                norms.withUnsafeMutableBufferPointer { normBuffer in
                    let source = SendablePointer(UnsafeMutablePointer(mutating: p.baseAddress!))
                    let sums = SendablePointer(partialBuffer.baseAddress!), rowNorms = SendablePointer(normBuffer.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: workers) { worker in
                        let start = rows * worker / workers, end = rows * (worker + 1) / workers
                        let sum = sums.base + worker * 2 * columns, square = sum + columns
                        for r in start..<end {
                            let row = source.base + r * columns
                            for c in 0..<columns { let v = Double(row[c]); sum[c] += v; square[c] += v * v }
                            rowNorms[r] = DataSummary.squaredNorm(row, count: columns)
                        }
                    }
                }
            }
        }
        var means = [Double](repeating: 0, count: columns)
        var variances = [Double](repeating: 0, count: columns)
        var finite = true
        for c in 0..<columns {
            var sum = 0.0, square = 0.0
            for w in 0..<workers { sum += partial[w * 2 * columns + c]; square += partial[w * 2 * columns + columns + c] }
            // A non-finite element makes its column's sums non-finite; finite Float32 values
            // cannot overflow Double sums of squares (at most 1.2e77 each).
            finite = finite && sum.isFinite && square.isFinite
            means[c] = sum / Double(rows)
            variances[c] = max(0, square / Double(rows) - means[c] * means[c])
        }
        if !finite { try DataValidation.requireFiniteMatrix(data) }   // throws with the position
        self.means = means
        self.variances = variances
        self.rowNorms = norms
    }

    /// Mean of the per-feature variances (scikit-learn's k-means tolerance scale).
    public var meanVariance: Double { variances.reduce(0, +) / Double(variances.count) }

    /// True when the column means are small against the spread (`|mean|^2 <= sum of variances`):
    /// then the expansion `|x|^2 - 2 x.c + |c|^2` on the raw data loses at most about twice what
    /// it loses on centred data (its Float32 error scales with `|x|^2`, whose average is the
    /// total variance plus `|mean|^2`), and the centred copy can be skipped.
    public var isNearlyCentered: Bool {
        means.reduce(0) { $0 + $1 * $1 } <= variances.reduce(0, +)
    }

    /// `sum x^2` over `count` Floats in eight lanes.
    @inline(__always)
    static func squaredNorm(_ x: UnsafePointer<Float>, count: Int) -> Float {
        var first = SIMD8<Float>(), second = SIMD8<Float>()
        let raw = UnsafeRawPointer(x), stride = MemoryLayout<Float>.stride
        var c = 0
        while c + 16 <= count {
            let a = raw.loadUnaligned(fromByteOffset: c * stride, as: SIMD8<Float>.self)
            let b = raw.loadUnaligned(fromByteOffset: (c + 8) * stride, as: SIMD8<Float>.self)
            first = first + a * a
            second = second + b * b
            c += 16
        }
        var total = (first + second).sum()
        while c < count { total += x[c] * x[c]; c += 1 }
        return total
    }
}
