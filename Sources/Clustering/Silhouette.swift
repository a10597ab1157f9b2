import Foundation
import TensorCore

/// Silhouette coefficients (Rousseeuw 1987) with euclidean distances, as scikit-learn's
/// `silhouette_samples` / `silhouette_score`.
///
/// For sample i in cluster A: `a` is its mean distance to the other members of A, `b` the
/// smallest mean distance to the members of another cluster, `s = (b - a) / max(a, b)`; a sample
/// alone in its cluster scores 0.
///
/// Cost O(n^2 d) time, O(n k) memory beyond the data. Samples are sorted by cluster so that each
/// cluster is a contiguous run of rows. The distance matrix is visited in square tiles (2048 by
/// default) on and above the diagonal only: each tile is one `sgemm` (|x|^2 - 2 x.y + |y|^2 on
/// centred data, diagonal forced to 0), whose per-cluster row sums serve the tile's rows and whose
/// per-cluster column sums serve its columns, so every distance is computed once. Distances are
/// Float32, sums Double: the mean agrees with scikit-learn's Float64 result to about 1e-6.
public enum Silhouette {
    static let defaultTile = 2048

    /// The silhouette of every sample, in the order of `data`'s rows.
    /// - Throws: `ClusteringError` when labels and rows differ in count, the data is not finite, or
    ///   the number of distinct labels is not between 2 and n - 1.
    public static func samples(_ data: Tensor, labels: [Int]) throws -> [Double] {
        try samples(data, labels: labels, tile: defaultTile)
    }

    /// `samples` with an explicit tile size (tests use tiny tiles to exercise the seams).
    static func samples(_ data: Tensor, labels: [Int], tile: Int) throws -> [Double] {
        try DataValidation.requireFiniteMatrix(data)
        let rows = data.shape[0]
        try DataValidation.requireLabels(labels, count: rows)
        let (ids, index) = ContingencyTable.encode(labels)
        let clusterCount = ids.count
        guard clusterCount >= 2 && clusterCount <= rows - 1 else {
            throw ClusteringError.invalidClusterCount(found: clusterCount, sampleCount: rows)
        }
        let order = (0..<rows).sorted { (index[$0], $0) < (index[$1], $1) }
        var sizes = [Int](repeating: 0, count: clusterCount)
        for i in index { sizes[i] += 1 }
        var starts = [Int](repeating: 0, count: clusterCount + 1)
        for c in 0..<clusterCount { starts[c + 1] = starts[c] + sizes[c] }
        let (centered, _, _) = Centering.centered(data)
        let sorted = centered.rows(at: order)
        let norms = SquaredDistances.rowNorms(sorted)
        let sortedCluster = order.map { index[$0] }
        let clusterSums = tiledClusterSums(sorted, norms: norms, clusterStarts: starts, tile: tile)

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

    /// `sums[i * k + c]` = sum of distances from row i to the rows of cluster c (rows sorted by
    /// cluster, cluster c = rows `clusterStarts[c] ..< clusterStarts[c + 1]`).
    static func tiledClusterSums(_ x: Tensor, norms: [Float], clusterStarts starts: [Int], tile: Int) -> [Double] {
        let rows = x.shape[0], columns = x.shape[1]
        let k = starts.count - 1
        var sums = [Double](repeating: 0, count: rows * k)
        let side = min(tile, rows)
        var block = [Float](repeating: 0, count: side * side)
        x.withUnsafeBufferPointer { data in
            sums.withUnsafeMutableBufferPointer { sumsBuffer in
                block.withUnsafeMutableBufferPointer { blockBuffer in
                    let out = SendablePointer(sumsBuffer.baseAddress!)
                    let distances = SendablePointer(blockBuffer.baseAddress!)
                    for rowStart in stride(from: 0, to: rows, by: side) {
                        let height = min(side, rows - rowStart)
                        for columnStart in stride(from: rowStart, to: rows, by: side) {
                            let width = min(side, rows - columnStart)
                            SquaredDistances.dotProducts(x: data.baseAddress! + rowStart * columns, rowCount: height,
                                                         y: data.baseAddress! + columnStart * columns, yCount: width,
                                                         columns: columns, output: distances.base, overCores: true)
                            let diagonal = rowStart == columnStart
                            // Rows: distances, then per-cluster sums along each row.
                            Parallel.forEachChunk(height, minimumChunk: 16) { range in
                                norms.withUnsafeBufferPointer { n in
                                    for r in range {
                                        let i = rowStart + r
                                        let line = distances.base + r * width
                                        let rowNorm = n[i]
                                        for j in 0..<width {
                                            let squared = rowNorm + n[columnStart + j] - 2 * line[j]
                                            line[j] = squared > 0 ? squared.squareRoot() : 0
                                        }
                                        if diagonal { line[r] = 0 }
                                        for c in 0..<k {
                                            let low = max(starts[c], columnStart) - columnStart
                                            let high = min(starts[c + 1], columnStart + width) - columnStart
                                            if low >= high { continue }
                                            var total: Float = 0
                                            for j in low..<high { total += line[j] }
                                            out[i * k + c] += Double(total)
                                        }
                                    }
                                }
                            }
                            if diagonal { continue }
                            // Columns: per-cluster sums down each column, over the tile's row runs.
                            Parallel.forEachChunk(width, minimumChunk: 64) { range in
                                var accumulator = [Float](repeating: 0, count: range.count)
                                accumulator.withUnsafeMutableBufferPointer { acc in
                                    for c in 0..<k {
                                        let low = max(starts[c], rowStart) - rowStart
                                        let high = min(starts[c + 1], rowStart + height) - rowStart
                                        if low >= high { continue }
                                        for j in 0..<range.count { acc[j] = 0 }
                                        for r in low..<high {
                                            let line = distances.base + r * width + range.lowerBound
                                            for j in 0..<range.count { acc[j] += line[j] }
                                        }
                                        for j in 0..<range.count { out[(columnStart + range.lowerBound + j) * k + c] += Double(acc[j]) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return sums
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
