import Foundation
import TensorCore

/// Silhouette coefficients (Rousseeuw 1987) with euclidean distances, as scikit-learn's
/// `silhouette_samples` / `silhouette_score`.
///
/// For sample i in cluster A: `a` is its mean distance to the other members of A, `b` the
/// smallest mean distance to the members of another cluster, `s = (b - a) / max(a, b)`; a sample
/// alone in its cluster scores 0.
///
/// Cost O(n^2 d) time, O(n) memory beyond the data: rows are processed in blocks of 256 against
/// column blocks of 8192, each block of distances one `sgemm` (|x|^2 - 2 x.y + |y|^2 on centred
/// data, diagonal forced to 0). Samples are sorted by cluster first, so each cluster's distances
/// are a contiguous run that sums without gathers. Distances are Float32, sums Double: the mean
/// agrees with scikit-learn's Float64 result to about 1e-6.
public enum Silhouette {
    static let rowBlock = 256
    static let columnBlock = 8192

    /// The silhouette of every sample, in the order of `data`'s rows.
    /// - Throws: `ClusteringError` when labels and rows differ in count, the data is not finite, or
    ///   the number of distinct labels is not between 2 and n - 1.
    public static func samples(_ data: Tensor, labels: [Int]) throws -> [Double] {
        try samples(data, labels: labels, rowBlock: rowBlock, columnBlock: columnBlock)
    }

    /// `samples` with explicit block sizes (tests use tiny blocks to exercise the seams).
    static func samples(_ data: Tensor, labels: [Int], rowBlock: Int, columnBlock: Int) throws -> [Double] {
        try DataValidation.requireFiniteMatrix(data)
        let rows = data.shape[0], columns = data.shape[1]
        try DataValidation.requireLabels(labels, count: rows)
        let (ids, index) = ContingencyTable.encode(labels)
        let clusterCount = ids.count
        guard clusterCount >= 2 && clusterCount <= rows - 1 else {
            throw ClusteringError.invalidClusterCount(found: clusterCount, sampleCount: rows)
        }
        // Sort by cluster; centre the data (exactness of the expansion).
        let order = (0..<rows).sorted { (index[$0], $0) < (index[$1], $1) }
        var sizes = [Int](repeating: 0, count: clusterCount)
        for i in index { sizes[i] += 1 }
        var starts = [Int](repeating: 0, count: clusterCount + 1)
        for c in 0..<clusterCount { starts[c + 1] = starts[c] + sizes[c] }
        let (centered, _, _) = Centering.centered(data)
        let sorted = centered.rows(at: order)
        let norms = SquaredDistances.rowNorms(sorted)
        let sortedCluster = order.map { index[$0] }

        var clusterSums = [Double](repeating: 0, count: rows * clusterCount)
        var dots = [Float](repeating: 0, count: min(rowBlock, rows) * min(columnBlock, rows))
        sorted.withUnsafeBufferPointer { x in
            clusterSums.withUnsafeMutableBufferPointer { sumsBuffer in
                dots.withUnsafeMutableBufferPointer { dotsBuffer in
                    let sums = SendablePointer(sumsBuffer.baseAddress!)
                    let block = SendablePointer(dotsBuffer.baseAddress!)
                    let frozenStarts = starts
                    for rowStart in stride(from: 0, to: rows, by: rowBlock) {
                        let rowCount = min(rowBlock, rows - rowStart)
                        for columnStart in stride(from: 0, to: rows, by: columnBlock) {
                            let columnCount = min(columnBlock, rows - columnStart)
                            SquaredDistances.dotProducts(x: x.baseAddress! + rowStart * columns, rowCount: rowCount,
                                                         y: x.baseAddress! + columnStart * columns, yCount: columnCount,
                                                         columns: columns, output: block.base)
                            Parallel.forEachChunk(rowCount, minimumChunk: 16) { range in
                                for r in range {
                                    let i = rowStart + r
                                    let line = block.base + r * columnCount
                                    let rowNorm = norms[i]
                                    norms.withUnsafeBufferPointer { n in
                                        for j in 0..<columnCount {
                                            let squared = rowNorm + n[columnStart + j] - 2 * line[j]
                                            line[j] = squared > 0 ? squared.squareRoot() : 0
                                        }
                                    }
                                    if i >= columnStart && i < columnStart + columnCount { line[i - columnStart] = 0 }
                                    // Sum each cluster's run inside this column block.
                                    for c in 0..<clusterCount {
                                        let low = max(frozenStarts[c], columnStart) - columnStart
                                        let high = min(frozenStarts[c + 1], columnStart + columnCount) - columnStart
                                        if low >= high { continue }
                                        var total: Float = 0
                                        for j in low..<high { total += line[j] }
                                        sums[i * clusterCount + c] += Double(total)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        var result = [Double](repeating: 0, count: rows)
        for s in 0..<rows {
            let own = sortedCluster[s]
            let size = sizes[own]
            guard size > 1 else { result[order[s]] = 0; continue }
            let a = clusterSums[s * clusterCount + own] / Double(size - 1)
            var b = Double.infinity
            for c in 0..<clusterCount where c != own {
                b = min(b, clusterSums[s * clusterCount + c] / Double(sizes[c]))
            }
            let denominator = max(a, b)
            result[order[s]] = denominator > 0 ? (b - a) / denominator : 0
        }
        return result
    }

    /// Mean silhouette over all samples, or over `sampleSize` samples drawn without replacement
    /// with `seed` (scikit-learn's `sample_size`, for large n: O(m^2 d) instead of O(n^2 d)).
    public static func score(_ data: Tensor, labels: [Int], sampleSize: Int? = nil, seed: UInt64 = 0) throws -> Double {
        if let sampleSize, sampleSize < data.rowCount {
            guard sampleSize >= 2 else {
                throw ClusteringError.invalidParameter(name: "sampleSize", value: "\(sampleSize)", expected: "at least 2")
            }
            try DataValidation.requireLabels(labels, count: data.rowCount)
            var generator = RandomGenerator(seed: seed)
            let chosen = Array(generator.permutation(data.rowCount).prefix(sampleSize))
            let values = try samples(data.rows(at: chosen), labels: chosen.map { labels[$0] })
            return values.reduce(0, +) / Double(values.count)
        }
        let values = try samples(data, labels: labels)
        return values.reduce(0, +) / Double(values.count)
    }
}
