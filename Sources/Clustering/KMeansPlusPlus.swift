import Foundation
import TensorCore

/// Greedy k-means++ seeding, as scikit-learn's `_kmeans_plusplus` (Arthur & Vassilvitskii 2007,
/// with the greedy refinement of their section 5).
///
/// The first centre is a uniformly drawn point. Each further centre draws `2 + floor(ln k)`
/// candidates with probability proportional to their squared distance to the closest centre so
/// far, and keeps the candidate that lowers the total potential most. A point already chosen has
/// distance 0 and therefore probability 0, so it is never drawn again; when every remaining point
/// coincides with a centre (fewer distinct points than k) seeding throws instead of duplicating.
public enum KMeansPlusPlus {
    /// Number of candidates per step: `2 + floor(ln k)` (scikit-learn's `n_local_trials`).
    public static func candidateCount(clusterCount: Int) -> Int {
        2 + Int(log(Double(clusterCount)))
    }

    /// Indices of the `clusterCount` seed points of `data` (`[n, d]`, row-major).
    /// - Parameter norms: `|x|^2` of each row.
    public static func chooseCenters(_ data: UnsafeBufferPointer<Float>, rows: Int, columns: Int, norms: [Float],
                                     clusterCount: Int, generator: inout RandomGenerator) throws -> [Int] {
        precondition(clusterCount >= 1 && clusterCount <= rows)
        let trials = candidateCount(clusterCount: clusterCount)
        var chosen = [generator.integer(below: rows)]
        var closest = [Float](repeating: 0, count: rows)
        var candidateDistances = [Float](repeating: 0, count: trials * rows)
        var cumulative = [Double](repeating: 0, count: rows)
        let base = data.baseAddress!
        // Distances from `indices` rows to every row (`output[r * rows + j]`), clamped at zero; a
        // point's distance to itself is 0 exactly. The products are taken as one tall
        // `[rows, d] x [d, m]` sgemm into `scratch` (`[rows, m]`): a flat `[m, d] x [d, rows]` call
        // with m = 2...4 ran at a fraction of memory speed. Each seeding step reads the data once.
        var scratch = [Float](repeating: 0, count: rows * max(1, trials))
        func distances(from indices: [Int], into output: UnsafeMutablePointer<Float>) {
            let m = indices.count
            var block = [Float](repeating: 0, count: m * columns)
            for (r, index) in indices.enumerated() {
                for c in 0..<columns { block[r * columns + c] = base[index * columns + c] }
            }
            scratch.withUnsafeMutableBufferPointer { products in
                block.withUnsafeBufferPointer { b in
                    SquaredDistances.dotProducts(x: base, rowCount: rows, y: b.baseAddress!, yCount: m,
                                                 columns: columns, output: products.baseAddress!)
                }
                let out = SendablePointer(output), dots = SendablePointer(products.baseAddress!)
                let n = norms
                let centerNorms = indices.map { norms[$0] }
                Parallel.forEachChunk(rows, minimumChunk: 4096) { range in
                    for j in range {
                        for r in 0..<m {
                            let value = centerNorms[r] + n[j] - 2 * dots[j * m + r]
                            out[r * rows + j] = value > 0 ? value : 0
                        }
                    }
                }
            }
            for (r, index) in indices.enumerated() { output[r * rows + index] = 0 }
        }
        closest.withUnsafeMutableBufferPointer { distances(from: chosen, into: $0.baseAddress!) }
        var potential = closest.reduce(0.0) { $0 + Double($1) }
        for _ in 1..<clusterCount {
            guard potential > 0 else {
                throw ClusteringError.tooFewPoints(requested: clusterCount, available: chosen.count, what: "distinct points")
            }
            var running = 0.0
            for j in 0..<rows { running += Double(closest[j]); cumulative[j] = running }
            var candidates: [Int] = []
            for _ in 0..<trials {
                let target = generator.uniformDouble() * running
                // First index whose cumulative potential exceeds the target: it has positive distance.
                var low = 0, high = rows - 1
                while low < high {
                    let middle = (low + high) / 2
                    if cumulative[middle] > target { high = middle } else { low = middle + 1 }
                }
                while low > 0 && closest[low] == 0 { low -= 1 }   // guards rounding at the very top
                while low < rows - 1 && closest[low] == 0 { low += 1 }
                candidates.append(low)
            }
            candidateDistances.withUnsafeMutableBufferPointer { distances(from: candidates, into: $0.baseAddress!) }
            var bestPotential = Double.infinity, bestCandidate = 0
            for t in 0..<trials {
                var total = 0.0
                for j in 0..<rows { total += Double(min(closest[j], candidateDistances[t * rows + j])) }
                if total < bestPotential { bestPotential = total; bestCandidate = t }
            }
            for j in 0..<rows { closest[j] = min(closest[j], candidateDistances[bestCandidate * rows + j]) }
            potential = bestPotential
            chosen.append(candidates[bestCandidate])
        }
        return chosen
    }
}
