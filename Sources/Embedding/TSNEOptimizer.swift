import Foundation
import TensorCore

/// Gradient descent of t-SNE's KL divergence, as scikit-learn's `_gradient_descent`:
/// `update = momentum * update - rate * gains * gradient`, gains +0.2 where the gradient's sign
/// differs from the last update's and x0.8 where it agrees, never below 0.01.
struct TSNEOptimizer {
    let affinities: Affinities
    let learningRate: Double
    let iterations: Int
    let exaggerationIterations: Int
    let earlyExaggeration: Double

    /// Iterations between KL evaluations reported to `progress` (scikit-learn's `n_iter_check`).
    static let checkInterval = 50

    func run(initial: [Double], repulsion: inout any Repulsion, progress: (Int, Double) -> Void) -> ([Double], Double) {
        let n = initial.count / 2
        var positions = initial
        var update = [Double](repeating: 0, count: 2 * n)
        var gains = [Double](repeating: 1, count: 2 * n)
        var gradient = [Double](repeating: 0, count: 2 * n)
        var forces = [Double](repeating: 0, count: 2 * n)
        var kl = Double.nan
        for iteration in 0..<iterations {
            let exaggerating = iteration < exaggerationIterations
            let exaggeration = exaggerating ? earlyExaggeration : 1
            let momentum = exaggerating ? 0.5 : 0.8
            let z = positions.withUnsafeBufferPointer { p in
                forces.withUnsafeMutableBufferPointer { f in repulsion.repulsion(positions: p, forces: f) }
            }
            let last = iteration == iterations - 1
            let check = last || (iteration + 1) % TSNEOptimizer.checkInterval == 0
            let divergence = attraction(positions: positions, exaggeration: exaggeration, gradient: &gradient,
                                        normalizer: z, computeDivergence: check)
            let inverseZ = 1 / max(z, .leastNormalMagnitude)
            positions.withUnsafeMutableBufferPointer { p in
                update.withUnsafeMutableBufferPointer { u in
                    gains.withUnsafeMutableBufferPointer { g in
                        for i in 0..<(2 * n) {
                            let grad = 4 * (gradient[i] - forces[i] * inverseZ)
                            if u[i] * grad < 0 { g[i] += 0.2 } else { g[i] *= 0.8 }
                            g[i] = max(g[i], 0.01)
                            u[i] = momentum * u[i] - learningRate * g[i] * grad
                            p[i] += u[i]
                        }
                    }
                }
            }
            if check {
                kl = divergence
                progress(iteration + 1, kl)
            }
        }
        return (positions, kl)
    }

    /// Writes `sum_j exaggeration p_ij w_ij (y_i - y_j)` into `gradient`; when asked, returns
    /// `KL(P || Q) = sum p_ij log(p_ij / (w_ij / Z))` with the un-exaggerated P.
    func attraction(positions: [Double], exaggeration: Double, gradient: inout [Double], normalizer z: Double,
                    computeDivergence: Bool) -> Double {
        let n = positions.count / 2
        var rowDivergence = [Double](repeating: 0, count: computeDivergence ? n : 0)
        let logZ = log(max(z, .leastNormalMagnitude))
        let affinities = affinities
        positions.withUnsafeBufferPointer { p in
            gradient.withUnsafeMutableBufferPointer { g in
                rowDivergence.withUnsafeMutableBufferPointer { d in
                    let y = SendablePointer(UnsafeMutablePointer(mutating: p.baseAddress!))
                    let out = SendablePointer(g.baseAddress!)
                    let divergence = computeDivergence ? d.baseAddress.map { SendablePointer($0) } : nil
                    Parallel.forEachChunk(n, minimumChunk: 256) { range in
                        affinities.columns.withUnsafeBufferPointer { columns in
                            affinities.values.withUnsafeBufferPointer { values in
                                for i in range {
                                    let xi = y[2 * i], yi = y[2 * i + 1]
                                    var gx = 0.0, gy = 0.0, kl = 0.0
                                    for e in affinities.rowStarts[i]..<affinities.rowStarts[i + 1] {
                                        let j = Int(columns[e])
                                        let dx = xi - y[2 * j], dy = yi - y[2 * j + 1]
                                        let w = 1 / (1 + dx * dx + dy * dy)
                                        let pij = Double(values[e])
                                        let force = pij * w
                                        gx += force * dx; gy += force * dy
                                        if divergence != nil && pij > 0 {
                                            kl += pij * (log(pij) - log(max(w, 1e-300)) + logZ)
                                        }
                                    }
                                    out[2 * i] = exaggeration * gx; out[2 * i + 1] = exaggeration * gy
                                    if let divergence { divergence[i] = kl }
                                }
                            }
                        }
                    }
                }
            }
        }
        return computeDivergence ? rowDivergence.reduce(0, +) : .nan
    }
}
