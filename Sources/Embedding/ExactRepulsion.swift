import TensorCore

/// Exact repulsion over all pairs: O(n^2) per iteration, for small n and as the oracle that
/// the approximations are tested against.
struct ExactRepulsion: Repulsion {
    mutating func repulsion(positions: UnsafeBufferPointer<Double>, forces: UnsafeMutableBufferPointer<Double>) -> Double {
        let n = positions.count / 2
        var rowSums = [Double](repeating: 0, count: n)
        let y = SendablePointer(UnsafeMutablePointer(mutating: positions.baseAddress!))
        let f = SendablePointer(forces.baseAddress!)
        rowSums.withUnsafeMutableBufferPointer { sumsBuffer in
            let sums = SendablePointer(sumsBuffer.baseAddress!)
            Parallel.forEachChunk(n, minimumChunk: 32) { range in
                for i in range {
                    let xi = y[2 * i], yi = y[2 * i + 1]
                    var z = 0.0, fx = 0.0, fy = 0.0
                    for j in 0..<n where j != i {
                        let dx = xi - y[2 * j], dy = yi - y[2 * j + 1]
                        let w = 1 / (1 + dx * dx + dy * dy)
                        z += w
                        let w2 = w * w
                        fx += w2 * dx; fy += w2 * dy
                    }
                    f[2 * i] = fx; f[2 * i + 1] = fy
                    sums[i] = z
                }
            }
        }
        return rowSums.reduce(0, +)
    }
}
