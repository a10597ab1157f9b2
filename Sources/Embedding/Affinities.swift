import Clustering
import Foundation
import TensorCore

/// The joint probabilities P of t-SNE as a symmetric sparse matrix (compressed rows).
///
/// Built as scikit-learn does: each point's conditional distribution over its neighbours,
/// `p(j|i) ∝ exp(-beta_i d_ij^2)`, has its precision `beta_i` found by binary search so that its
/// entropy equals `ln(perplexity)` (tolerance 1e-5 nats, at most 100 halvings); then
/// `P = (P_cond + P_condᵀ) / sum`. Entries sum to 1 over all ordered pairs.
public struct Affinities: Sendable {
    /// Row start offsets into `columns` / `values` (`points + 1` entries).
    public let rowStarts: [Int]
    /// Column index of each stored entry.
    public let columns: [Int32]
    /// `p_ij` of each stored entry.
    public let values: [Float]

    /// Number of points.
    public var pointCount: Int { rowStarts.count - 1 }

    /// Conditional probabilities `p(j|i)` over the neighbours of each point, and the entropy
    /// (nats) each row reached, from squared distances `[points, neighbours]`.
    public static func conditional(squaredDistances: [Float], neighborCount k: Int, perplexity: Double)
        -> (probabilities: [Float], entropies: [Double]) {
        let points = squaredDistances.count / k
        var probabilities = [Float](repeating: 0, count: points * k)
        var entropies = [Double](repeating: 0, count: points)
        let target = log(perplexity)
        probabilities.withUnsafeMutableBufferPointer { probabilityBuffer in
            entropies.withUnsafeMutableBufferPointer { entropyBuffer in
                let out = SendablePointer(probabilityBuffer.baseAddress!)
                let entropyOut = SendablePointer(entropyBuffer.baseAddress!)
                Parallel.forEachChunk(points, minimumChunk: 64) { range in
                    squaredDistances.withUnsafeBufferPointer { distances in
                        var row = [Double](repeating: 0, count: k)
                        for i in range {
                            var beta = 1.0, betaMinimum = -Double.infinity, betaMaximum = Double.infinity
                            var entropy = 0.0
                            for _ in 0..<100 {
                                var sum = 0.0
                                for j in 0..<k { row[j] = exp(-Double(distances[i * k + j]) * beta); sum += row[j] }
                                if sum == 0 { sum = 1e-8 }
                                var weighted = 0.0
                                for j in 0..<k { row[j] /= sum; weighted += Double(distances[i * k + j]) * row[j] }
                                entropy = log(sum) + beta * weighted
                                let difference = entropy - target
                                if abs(difference) <= 1e-5 { break }
                                if difference > 0 {
                                    betaMinimum = beta
                                    beta = betaMaximum == .infinity ? beta * 2 : (beta + betaMaximum) / 2
                                } else {
                                    betaMaximum = beta
                                    beta = betaMinimum == -.infinity ? beta / 2 : (beta + betaMinimum) / 2
                                }
                            }
                            for j in 0..<k { out[i * k + j] = Float(row[j]) }
                            entropyOut[i] = entropy
                        }
                    }
                }
            }
        }
        return (probabilities, entropies)
    }

    /// Symmetric joint probabilities from a neighbour graph.
    public init(graph: NeighborGraph, perplexity: Double) {
        let k = graph.neighborCount, points = graph.pointCount
        let (conditional, _) = Affinities.conditional(squaredDistances: graph.squaredDistances, neighborCount: k,
                                                      perplexity: perplexity)
        self.init(points: points, neighborCount: k, neighbors: graph.indices, conditional: conditional)
    }

    /// Symmetrises `conditional[i * k + j]` = p(neighbors[i*k+j] | i).
    init(points: Int, neighborCount k: Int, neighbors: [Int32], conditional: [Float]) {
        // Each entry (i, j, v) appears in row i and, transposed, in row j; rows are then sorted and merged.
        var counts = [Int](repeating: k, count: points)
        for e in 0..<(points * k) { counts[Int(neighbors[e])] += 1 }
        var starts = [Int](repeating: 0, count: points + 1)
        for i in 0..<points { starts[i + 1] = starts[i] + counts[i] }
        var fill = Array(starts.dropLast())
        var rawColumns = [Int32](repeating: 0, count: starts[points])
        var rawValues = [Float](repeating: 0, count: starts[points])
        for i in 0..<points {
            for j in 0..<k {
                let e = i * k + j, target = Int(neighbors[e]), value = conditional[e]
                rawColumns[fill[i]] = Int32(target); rawValues[fill[i]] = value; fill[i] += 1
                rawColumns[fill[target]] = Int32(i); rawValues[fill[target]] = value; fill[target] += 1
            }
        }
        var total = 0.0
        for v in rawValues { total += Double(v) }
        let scale = Float(1 / max(total, Double(Float.ulpOfOne)))
        var rowStarts = [0]
        var columns: [Int32] = []
        var values: [Float] = []
        columns.reserveCapacity(rawColumns.count)
        values.reserveCapacity(rawColumns.count)
        var order: [Int] = []
        for i in 0..<points {
            order = Array(starts[i]..<starts[i + 1])
            order.sort { rawColumns[$0] < rawColumns[$1] }
            var previous: Int32 = -1
            for e in order {
                if rawColumns[e] == previous { values[values.count - 1] += rawValues[e] * scale; continue }
                previous = rawColumns[e]
                columns.append(rawColumns[e]); values.append(rawValues[e] * scale)
            }
            rowStarts.append(columns.count)
        }
        self.rowStarts = rowStarts
        self.columns = columns
        self.values = values
    }
}
