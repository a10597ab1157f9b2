import Foundation
import TensorCore

/// The E-step of Lloyd's algorithm fused with the M-step's sums: points are taken in blocks of
/// 256 rows (small enough to stay in cache); for each block one `sgemm` gives the dot products
/// with the centres, every row picks its nearest centre, and, while the block is still in cache,
/// its rows are added to their cluster's sum. The data is thus read once per iteration. Blocks
/// are shared out over the cores, each worker with its own sums and single-threaded `sgemm` calls
/// (OpenBLAS always runs on one thread in Atelier, see `BLAS`), as scikit-learn does with
/// threadpoolctl.
enum NearestCenter {
    /// Rows per block.
    static let blockRows = 256

    /// Per-cluster sums (Double) and counts, when asked for.
    struct Sums {
        var sums: [Double]
        var counts: [Int]
    }

    /// Writes the nearest centre of each row into `labels` and the squared distance to it into
    /// `distances` (clamped at zero); ties go to the lower centre index, as in scikit-learn.
    /// Returns the per-cluster sums of the rows when `accumulate` is true.
    @discardableResult
    static func assign(_ data: UnsafeBufferPointer<Float>, rows: Int, columns: Int, norms: [Float],
                       centers: [Float], clusterCount k: Int,
                       labels: UnsafeMutableBufferPointer<Int32>, distances: UnsafeMutableBufferPointer<Float>,
                       accumulate: Bool = false) -> Sums? {
        let frozenCenterNorms = centerNorms(centers, clusterCount: k, columns: columns)
        let workers = Parallel.workerCount
        let blockCount = (rows + blockRows - 1) / blockRows
        var partialSums = [Double](repeating: 0, count: accumulate ? workers * k * columns : 0)
        var partialCounts = [Int](repeating: 0, count: accumulate ? workers * k : 0)
        let labelOut = SendablePointer(labels.baseAddress!)
        let distanceOut = SendablePointer(distances.baseAddress!)
        let source = SendablePointer(UnsafeMutablePointer(mutating: data.baseAddress!))
        partialSums.withUnsafeMutableBufferPointer { sumsBuffer in
            partialCounts.withUnsafeMutableBufferPointer { countsBuffer in
                let sums = sumsBuffer.baseAddress.map { SendablePointer($0) }
                let counts = countsBuffer.baseAddress.map { SendablePointer($0) }
                DispatchQueue.concurrentPerform(iterations: workers) { worker in
                    let firstBlock = blockCount * worker / workers, endBlock = blockCount * (worker + 1) / workers
                    guard firstBlock < endBlock else { return }
                    let dots = UnsafeMutablePointer<Float>.allocate(capacity: blockRows * k)
                    defer { dots.deallocate() }
                    centers.withUnsafeBufferPointer { c in
                        for block in firstBlock..<endBlock {
                            let start = block * blockRows, count = min(blockRows, rows - start)
                            SquaredDistances.dotProducts(x: source.base + start * columns, rowCount: count,
                                                         y: c.baseAddress!, yCount: k, columns: columns, output: dots)
                            for r in 0..<count {
                                var best = 0
                                var bestValue = frozenCenterNorms[0] - 2 * dots[r * k]
                                for j in 1..<k {
                                    let value = frozenCenterNorms[j] - 2 * dots[r * k + j]
                                    if value < bestValue { bestValue = value; best = j }
                                }
                                let distance = norms[start + r] + bestValue
                                labelOut[start + r] = Int32(best)
                                distanceOut[start + r] = distance > 0 ? distance : 0
                                if accumulate, let sums, let counts {
                                    counts[worker * k + best] += 1
                                    let target = sums.base + (worker * k + best) * columns
                                    let row = source.base + (start + r) * columns
                                    for col in 0..<columns { target[col] += Double(row[col]) }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard accumulate else { return nil }
        var result = Sums(sums: [Double](repeating: 0, count: k * columns), counts: [Int](repeating: 0, count: k))
        for w in 0..<workers {
            for i in 0..<(k * columns) { result.sums[i] += partialSums[w * k * columns + i] }
            for j in 0..<k { result.counts[j] += partialCounts[w * k + j] }
        }
        return result
    }

    /// `|c|^2` of each centre (Float32, in order): the one definition both algorithms use, so
    /// that Hamerly's recomputed points see the very values plain Lloyd compares.
    static func centerNorms(_ centers: [Float], clusterCount k: Int, columns: Int) -> [Float] {
        var norms = [Float](repeating: 0, count: k)
        for j in 0..<k {
            var total: Float = 0
            for c in 0..<columns { let v = centers[j * columns + c]; total += v * v }
            norms[j] = total
        }
        return norms
    }

    /// `sum |x - center(label)|^2` computed directly in Double (no expansion, no cancellation).
    static func exactInertia(_ data: UnsafeBufferPointer<Float>, rows: Int, columns: Int,
                             centers: [Float], labels: UnsafeBufferPointer<Int32>) -> Double {
        let workers = Parallel.workerCount
        var partial = [Double](repeating: 0, count: workers)
        let source = SendablePointer(UnsafeMutablePointer(mutating: data.baseAddress!))
        let labelSource = SendablePointer(UnsafeMutablePointer(mutating: labels.baseAddress!))
        partial.withUnsafeMutableBufferPointer { partialBuffer in
            let out = SendablePointer(partialBuffer.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                let start = rows * worker / workers, end = rows * (worker + 1) / workers
                var total = 0.0
                centers.withUnsafeBufferPointer { c in
                    for r in start..<end {
                        let row = source.base + r * columns
                        let centerBase = Int(labelSource[r]) * columns
                        var rowTotal: Float = 0
                        for col in 0..<columns { let d = row[col] - c[centerBase + col]; rowTotal += d * d }
                        total += Double(rowTotal)
                    }
                }
                out[worker] = total
            }
        }
        return partial.reduce(0, +)
    }
}
