import TensorCore

/// Squared euclidean distances through BLAS: `|x|^2 - 2 x.y + |y|^2`, the expansion scikit-learn
/// uses, so that the O(n m d) part is one `sgemm` and runs at matrix-product speed.
///
/// Float32 cancellation makes the result inexact for nearly equal points (absolute error about
/// `1e-7 * |x|^2`), so callers centre their data first and clamp at zero.
public enum SquaredDistances {
    /// `|row|^2` of each row of a row-major `[rows, columns]` matrix, accumulated in Double.
    public static func rowNorms(_ data: UnsafeBufferPointer<Float>, rows: Int, columns: Int) -> [Float] {
        var norms = [Float](repeating: 0, count: rows)
        norms.withUnsafeMutableBufferPointer { out in
            let target = SendablePointer(out.baseAddress!)
            let source = SendablePointer(UnsafeMutablePointer(mutating: data.baseAddress!))
            Parallel.forEachChunk(rows, minimumChunk: 512) { range in
                for r in range {
                    var total: Float = 0
                    let row = source.base + r * columns
                    for c in 0..<columns { total += row[c] * row[c] }
                    target[r] = total
                }
            }
        }
        return norms
    }

    /// `|row|^2` of each row of a matrix tensor.
    public static func rowNorms(_ data: Tensor) -> [Float] {
        data.withUnsafeBufferPointer { rowNorms($0, rows: data.rowCount, columns: data.rowLength) }
    }

    /// Writes `x.y` for `rowCount` rows of `x` (starting at `x`) against `yCount` rows of `y`
    /// into `output` (`[rowCount, yCount]`, leading dimension `yCount`). On the calling thread,
    /// unless `overCores` (for callers that do not split the work themselves): then large
    /// products are split over the cores (`BLAS.splitGemm`).
    @inline(__always)
    public static func dotProducts(x: UnsafePointer<Float>, rowCount: Int, y: UnsafePointer<Float>, yCount: Int,
                                   columns: Int, output: UnsafeMutablePointer<Float>, overCores: Bool = false) {
        if overCores {
            BLAS.splitGemm(transposeA: false, transposeB: true, m: rowCount, n: yCount, k: columns,
                           a: x, leadingA: columns, b: y, leadingB: columns, c: output, leadingC: yCount)
        } else {
            BLAS.gemm(m: rowCount, n: yCount, k: columns, a: x, leadingA: columns,
                      b: y, leadingB: columns, transposeB: true, c: output, leadingC: yCount)
        }
    }
}
