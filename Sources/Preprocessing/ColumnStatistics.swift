import Dispatch
import TensorCore

/// Per-column statistics of a `[rows, columns]` matrix, computed in Double over both cores.
///
/// Shared by the scalers. Every pass also checks that no value is NaN or infinite, and reports the
/// first offending one (lowest row, then column) so the error is the same on every run.
struct ColumnStatistics {
    var minimum: [Double]
    var maximum: [Double]
    var mean: [Double]
    /// Population variance (divided by n, as scikit-learn's `StandardScaler.var_`).
    var variance: [Double]

    /// Views any tensor of rank >= 1 as `[rowCount, rowLength]`.
    static func matrixShape(_ x: Tensor) throws -> (rows: Int, columns: Int) {
        guard x.rank >= 1 else { throw PreprocessingError.badShape(expected: "[rows, features]", found: x.shape) }
        return (x.rowCount, x.rowLength)
    }

    /// The first non-finite value of `x` (row-major order), as an error.
    static func checkFinite(_ x: Tensor) throws {
        let (_, columns) = try matrixShape(x)
        let found: Int? = x.withUnsafeBufferPointer { p in
            for i in 0..<p.count where !p[i].isFinite { return i }
            return nil
        }
        if let index = found {
            throw PreprocessingError.nonFiniteValue(value: x.elements[index], row: index / columns, column: index % columns)
        }
    }

    /// Computes minimum, maximum, mean and variance of every column in two passes (the second
    /// pass sums squared deviations from the mean, which stays accurate when the mean is large).
    static func compute(_ x: Tensor) throws -> ColumnStatistics {
        let (rows, columns) = try matrixShape(x)
        guard rows > 0, columns > 0 else { throw PreprocessingError.emptyInput(what: "matrix of shape \(x.shape)") }
        try checkFinite(x)
        let chunks = Swift.max(1, Swift.min(Parallel.workerCount, rows / 256))
        let rowsPerChunk = (rows + chunks - 1) / chunks
        // Each chunk accumulates into its own slice of `partial`: [chunk][min, max, sum, squares][column].
        var partial = [Double](repeating: 0, count: chunks * 4 * columns)
        var mean = [Double](repeating: 0, count: columns)
        return x.withUnsafeBufferPointer { source -> ColumnStatistics in
            let input = SendableInput(source.baseAddress!)
            partial.withUnsafeMutableBufferPointer { target in
                let output = SendablePointer(target.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                    let start = chunk * rowsPerChunk, end = Swift.min(rows, start + rowsPerChunk)
                    let base = chunk * 4 * columns
                    for c in 0..<columns { output[base + c] = .infinity; output[base + columns + c] = -.infinity }
                    guard start < end else { return }
                    for r in start..<end {
                        let row = input.base + r * columns
                        for c in 0..<columns {
                            let v = Double(row[c])
                            if v < output[base + c] { output[base + c] = v }
                            if v > output[base + columns + c] { output[base + columns + c] = v }
                            output[base + 2 * columns + c] += v
                        }
                    }
                }
            }
            var minimum = [Double](repeating: .infinity, count: columns)
            var maximum = [Double](repeating: -.infinity, count: columns)
            for chunk in 0..<chunks {
                let base = chunk * 4 * columns
                for c in 0..<columns {
                    minimum[c] = Swift.min(minimum[c], partial[base + c])
                    maximum[c] = Swift.max(maximum[c], partial[base + columns + c])
                    mean[c] += partial[base + 2 * columns + c]
                }
            }
            for c in 0..<columns { mean[c] /= Double(rows) }
            let means = mean
            partial.withUnsafeMutableBufferPointer { target in
                let output = SendablePointer(target.baseAddress!)
                means.withUnsafeBufferPointer { meanPointer in
                    let meanInput = SendableDoubleInput(meanPointer.baseAddress!)
                    DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                        let start = chunk * rowsPerChunk, end = Swift.min(rows, start + rowsPerChunk)
                        let base = chunk * 4 * columns + 3 * columns
                        guard start < end else { return }
                        for r in start..<end {
                            let row = input.base + r * columns
                            for c in 0..<columns {
                                let d = Double(row[c]) - meanInput.base[c]
                                output[base + c] += d * d
                            }
                        }
                    }
                }
            }
            var variance = [Double](repeating: 0, count: columns)
            for chunk in 0..<chunks {
                for c in 0..<columns { variance[c] += partial[chunk * 4 * columns + 3 * columns + c] }
            }
            for c in 0..<columns { variance[c] /= Double(rows) }
            return ColumnStatistics(minimum: minimum, maximum: maximum, mean: means, variance: variance)
        }
    }
}

/// Read-only pointers that can cross into `@Sendable` closures (each chunk only reads them).
struct SendableInput: @unchecked Sendable {
    let base: UnsafePointer<Float>
    init(_ base: UnsafePointer<Float>) { self.base = base }
}

struct SendableDoubleInput: @unchecked Sendable {
    let base: UnsafePointer<Double>
    init(_ base: UnsafePointer<Double>) { self.base = base }
}
