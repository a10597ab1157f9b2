import Foundation
import TensorCore

/// Column centring shared by k-means, the silhouette and PCA: distances through the expansion
/// |x|^2 - 2 x.y + |y|^2 lose less to Float32 cancellation when the data sits around the origin.
public enum Centering {
    /// The data minus its column means, the means, and the mean of the per-feature (population)
    /// variances. Sums are accumulated in Double, per worker, over row chunks of both cores.
    public static func centered(_ data: Tensor) -> (Tensor, [Double], Double) {
        let (means, variances) = columnStatistics(data)
        let varianceTotal = variances.reduce(0, +)
        let centered = subtracting(means, from: data)
        return (centered, means, varianceTotal / Double(data.shape[1]))
    }

    /// `data` minus `means` (one per column), both cores.
    public static func subtracting(_ means: [Double], from data: Tensor) -> Tensor {
        let rows = data.shape[0], columns = data.shape[1]
        var centered = data
        let floatMeans = means.map { Float($0) }
        centered.withUnsafeMutableBufferPointer { p in
            let target = SendablePointer(p.baseAddress!)
            Parallel.forEachChunk(rows, minimumChunk: 256) { range in
                floatMeans.withUnsafeBufferPointer { m in
                    for r in range {
                        let row = target.base + r * columns
                        for c in 0..<columns { row[c] -= m[c] }
                    }
                }
            }
        }
        return centered
    }

    /// Column means and population variances (Double accumulation, both cores), without copying.
    public static func columnStatistics(_ data: Tensor) -> (means: [Double], variances: [Double]) {
        let rows = data.shape[0], columns = data.shape[1]
        let workers = Parallel.workerCount
        let chunk = (rows + workers - 1) / workers
        var partial = [Double](repeating: 0, count: workers * 2 * columns)
        data.withUnsafeBufferPointer { p in
            partial.withUnsafeMutableBufferPointer { partialBuffer in
                let source = SendablePointer(UnsafeMutablePointer(mutating: p.baseAddress!))
                let sums = SendablePointer(partialBuffer.baseAddress!)
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    let start = worker * chunk, end = min(rows, start + chunk)
                    guard start < end else { return }
                    let sum = sums.base + worker * 2 * columns, square = sum + columns
                    for r in start..<end {
                        let row = source.base + r * columns
                        for c in 0..<columns { let v = Double(row[c]); sum[c] += v; square[c] += v * v }
                    }
                }
            }
        }
        var means = [Double](repeating: 0, count: columns)
        var variances = [Double](repeating: 0, count: columns)
        for c in 0..<columns {
            var sum = 0.0, square = 0.0
            for w in 0..<workers { sum += partial[w * 2 * columns + c]; square += partial[w * 2 * columns + columns + c] }
            means[c] = sum / Double(rows)
            variances[c] = max(0, square / Double(rows) - means[c] * means[c])
        }
        return (means, variances)
    }
}
