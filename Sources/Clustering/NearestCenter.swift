import TensorCore

/// Assignment of points to their nearest centre (the E-step of Lloyd's algorithm), in row blocks
/// whose dot products with the centres are one `sgemm` each.
enum NearestCenter {
    /// Rows per block: the `[block, k]` dot-product buffer stays small while each `sgemm` is large.
    static let blockRows = 4096

    /// Writes the nearest centre of each row into `labels` and the squared distance to it into
    /// `distances` (clamped at zero). Ties go to the lower centre index, as in scikit-learn.
    static func assign(_ data: UnsafeBufferPointer<Float>, rows: Int, columns: Int, norms: [Float],
                       centers: [Float], clusterCount k: Int,
                       labels: UnsafeMutableBufferPointer<Int32>, distances: UnsafeMutableBufferPointer<Float>) {
        var centerNorms = [Float](repeating: 0, count: k)
        for j in 0..<k {
            var total: Float = 0
            for c in 0..<columns { let v = centers[j * columns + c]; total += v * v }
            centerNorms[j] = total
        }
        let frozenCenterNorms = centerNorms
        var dots = [Float](repeating: 0, count: min(blockRows, rows) * k)
        let labelOut = SendablePointer(labels.baseAddress!)
        let distanceOut = SendablePointer(distances.baseAddress!)
        centers.withUnsafeBufferPointer { c in
            dots.withUnsafeMutableBufferPointer { dotBuffer in
                let dotPointer = SendablePointer(dotBuffer.baseAddress!)
                var start = 0
                while start < rows {
                    let count = min(blockRows, rows - start)
                    SquaredDistances.dotProducts(x: data.baseAddress! + start * columns, rowCount: count,
                                                 y: c.baseAddress!, yCount: k, columns: columns, output: dotPointer.base)
                    let blockStart = start
                    Parallel.forEachChunk(count, minimumChunk: 1024) { range in
                        for r in range {
                            var best = 0
                            var bestValue = frozenCenterNorms[0] - 2 * dotPointer[r * k]
                            for j in 1..<k {
                                let value = frozenCenterNorms[j] - 2 * dotPointer[r * k + j]
                                if value < bestValue { bestValue = value; best = j }
                            }
                            let distance = norms[blockStart + r] + bestValue
                            labelOut[blockStart + r] = Int32(best)
                            distanceOut[blockStart + r] = distance > 0 ? distance : 0
                        }
                    }
                    start += count
                }
            }
        }
    }

    /// `sum |x - center(label)|^2` computed directly in Double (no expansion, no cancellation).
    static func exactInertia(_ data: UnsafeBufferPointer<Float>, rows: Int, columns: Int,
                             centers: [Float], labels: UnsafeBufferPointer<Int32>) -> Double {
        let partials = PartialSums(count: Parallel.workerCount)
        let source = SendablePointer(UnsafeMutablePointer(mutating: data.baseAddress!))
        let labelSource = SendablePointer(UnsafeMutablePointer(mutating: labels.baseAddress!))
        let chunk = (rows + Parallel.workerCount - 1) / Parallel.workerCount
        Parallel.forEachChunk(rows, minimumChunk: 1024) { range in
            var total = 0.0
            for r in range {
                let row = source.base + r * columns
                let centerBase = Int(labelSource[r]) * columns
                var rowTotal: Float = 0
                centers.withUnsafeBufferPointer { c in
                    for col in 0..<columns { let d = row[col] - c[centerBase + col]; rowTotal += d * d }
                }
                total += Double(rowTotal)
            }
            partials.add(total, slot: range.lowerBound / max(chunk, 1))
        }
        return partials.total
    }
}

/// Per-worker Double accumulators for parallel reductions.
final class PartialSums: @unchecked Sendable {
    private var values: [Double]
    private let lock = WorkerLock()
    init(count: Int) { values = [Double](repeating: 0, count: max(1, count)) }
    func add(_ value: Double, slot: Int) { lock.withLock { values[min(slot, values.count - 1)] += value } }
    var total: Double { lock.withLock { values.reduce(0, +) } }
}
