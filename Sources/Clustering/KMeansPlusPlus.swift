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

    /// `x . y_r` for the four consecutive rows `y_0...y_3` (length `columns`), with the row `x` read
    /// once; eight Float32 lanes per product.
    @inline(__always)
    static func fourDotProducts(_ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>, columns: Int) -> SIMD4<Float> {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        let xRaw = UnsafeRawPointer(x), yRaw = UnsafeRawPointer(y)
        let stride = MemoryLayout<Float>.stride, rowBytes = columns * stride
        var c = 0
        while c + 8 <= columns {
            let offset = c * stride
            let v = xRaw.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            a0 = a0 + v * yRaw.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            a1 = a1 + v * yRaw.loadUnaligned(fromByteOffset: rowBytes + offset, as: SIMD8<Float>.self)
            a2 = a2 + v * yRaw.loadUnaligned(fromByteOffset: 2 * rowBytes + offset, as: SIMD8<Float>.self)
            a3 = a3 + v * yRaw.loadUnaligned(fromByteOffset: 3 * rowBytes + offset, as: SIMD8<Float>.self)
            c += 8
        }
        var result = SIMD4<Float>(a0.sum(), a1.sum(), a2.sum(), a3.sum())
        while c < columns {
            let v = x[c]
            result = result + v * SIMD4<Float>(y[c], y[columns + c], y[2 * columns + c], y[3 * columns + c])
            c += 1
        }
        return result
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
        // point's distance to itself is 0 exactly. Each step reads the data once, row by row, with
        // the few candidates (at most 4 at a time, padded with zero rows) held in cache: an sgemm
        // of this shape spent more time packing the data than multiplying it.
        func distances(from indices: [Int], into output: UnsafeMutablePointer<Float>) {
            let m = indices.count, groups = (m + 3) / 4
            var block = [Float](repeating: 0, count: groups * 4 * columns)
            for (r, index) in indices.enumerated() {
                for c in 0..<columns { block[r * columns + c] = base[index * columns + c] }
            }
            let centerNorms = indices.map { norms[$0] }
            let out = SendablePointer(output), source = SendablePointer(UnsafeMutablePointer(mutating: base))
            block.withUnsafeBufferPointer { b in
                let candidates = SendablePointer(UnsafeMutablePointer(mutating: b.baseAddress!))
                norms.withUnsafeBufferPointer { n in
                    let rowNorms = SendablePointer(UnsafeMutablePointer(mutating: n.baseAddress!))
                    Parallel.forEachChunk(rows, minimumChunk: 2048) { range in
                        for j in range {
                            for group in 0..<groups {
                                let dots = KMeansPlusPlus.fourDotProducts(source.base + j * columns,
                                                                           candidates.base + group * 4 * columns, columns: columns)
                                for lane in 0..<min(4, m - group * 4) {
                                    let r = group * 4 + lane
                                    let value = centerNorms[r] + rowNorms[j] - 2 * dots[lane]
                                    out[r * rows + j] = value > 0 ? value : 0
                                }
                            }
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
