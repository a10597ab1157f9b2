import Foundation
import TensorCore

/// The normalised logistic-regression objective, its gradient and its Hessian, in Double:
///
/// `F(Θ) = Σ_i s_i ℓ_i(Θ) / Σ_i s_i + (λ / 2) |W|²`, with `λ = 1 / (C Σ_i s_i)`,
///
/// which is scikit-learn's `C Σ s_i ℓ_i + ½ |W|²` divided by `C Σ s_i` (same minimiser; the
/// normalised form keeps gradient tolerances meaningful whatever the row count). `ℓ_i` is the
/// binary cross-entropy of `sigmoid(z_i)` (one output) or the multinomial cross-entropy of
/// `softmax(z_i)` (one output per class), `z_i = Θ x̃_i`, `x̃_i = [x_i, 1]`. The intercept column is
/// not penalised.
///
/// `Θ` is stored row-major `[outputs, columns]`: row `k` holds class `k`'s weights, then its intercept.
struct LogisticObjective {
    /// `[n, columns]`: the features, with a column of ones last when an intercept is fitted.
    let design: DesignMatrix
    /// Class index per row (0/1 for one output).
    let classIndex: [Int]
    /// 1 (binary, sigmoid) or the class count (multinomial, softmax).
    let outputs: Int
    /// Per-row weights divided by their sum.
    let rowWeights: [Double]
    /// λ.
    let penalty: Double
    /// Whether the last design column is the intercept's (not penalised).
    let hasIntercept: Bool

    var columns: Int { design.columns }
    var parameterCount: Int { outputs * design.columns }

    func isPenalized(_ column: Int) -> Bool { !(hasIntercept && column == design.columns - 1) }

    /// `Θ x̃_i` for every row, `[n, outputs]`.
    func scores(_ theta: [Double]) -> [Double] {
        var z = [Double](repeating: 0, count: design.rows * outputs)
        design.values.withUnsafeBufferPointer { x in
            theta.withUnsafeBufferPointer { t in
                z.withUnsafeMutableBufferPointer { out in
                    BLAS.dgemm(transposeA: false, transposeB: true, m: design.rows, n: outputs, k: columns,
                               a: x.baseAddress!, leadingA: columns, b: t.baseAddress!, leadingB: columns,
                               c: out.baseAddress!, leadingC: outputs)
                }
            }
        }
        return z
    }

    /// Objective, gradient and the per-row probabilities (`[n, outputs]`: P(class 1) for one output).
    func evaluate(_ theta: [Double]) -> (value: Double, gradient: [Double], probabilities: [Double]) {
        let n = design.rows
        var z = scores(theta)
        var residual = [Double](repeating: 0, count: n * outputs)
        var value = 0.0
        z.withUnsafeMutableBufferPointer { z in
            residual.withUnsafeMutableBufferPointer { r in
                for i in 0..<n {
                    let weight = rowWeights[i], label = classIndex[i]
                    if outputs == 1 {
                        let zi = z[i], yi = Double(label)
                        // softplus(z) - y z without overflow.
                        value += weight * (max(zi, 0) + Foundation.log1p(Foundation.exp(-abs(zi))) - yi * zi)
                        let probability = zi >= 0 ? 1 / (1 + Foundation.exp(-zi)) : Foundation.exp(zi) / (1 + Foundation.exp(zi))
                        z[i] = probability
                        r[i] = weight * (probability - yi)
                    } else {
                        let row = i * outputs
                        var largest = -Double.infinity
                        for k in 0..<outputs { largest = max(largest, z[row + k]) }
                        var total = 0.0
                        for k in 0..<outputs { total += Foundation.exp(z[row + k] - largest) }
                        let logTotal = largest + Foundation.log(total)
                        value += weight * (logTotal - z[row + label])
                        for k in 0..<outputs {
                            let probability = Foundation.exp(z[row + k] - logTotal)
                            z[row + k] = probability
                            r[row + k] = weight * (probability - (k == label ? 1 : 0))
                        }
                    }
                }
            }
        }
        var gradient = [Double](repeating: 0, count: parameterCount)
        design.values.withUnsafeBufferPointer { x in
            residual.withUnsafeBufferPointer { r in
                gradient.withUnsafeMutableBufferPointer { g in
                    BLAS.dgemm(transposeA: true, transposeB: false, m: outputs, n: columns, k: n,
                               a: r.baseAddress!, leadingA: outputs, b: x.baseAddress!, leadingB: columns,
                               c: g.baseAddress!, leadingC: columns)
                }
            }
        }
        var squaredNorm = 0.0
        for k in 0..<outputs {
            for c in 0..<columns where isPenalized(c) {
                let t = theta[k * columns + c]
                gradient[k * columns + c] += penalty * t
                squaredNorm += t * t
            }
        }
        return (value + 0.5 * penalty * squaredNorm, gradient, z)
    }

    /// The Hessian at the point whose probabilities `evaluate` returned, `[parameterCount, parameterCount]`.
    ///
    /// Block `(k, l)` is `X̃ᵀ diag(s_i (p_ik δ_kl - p_ik p_il)) X̃` (one output: `s_i p_i (1 - p_i)`),
    /// plus `λ` on the penalised diagonal. Each block is one BLAS product.
    func hessian(probabilities: [Double]) -> [Double] {
        let n = design.rows, d = parameterCount
        var result = [Double](repeating: 0, count: d * d)
        var scaled = [Double](repeating: 0, count: n * columns)
        var block = [Double](repeating: 0, count: columns * columns)
        for k in 0..<outputs {
            for l in k..<outputs {
                design.values.withUnsafeBufferPointer { x in
                    scaled.withUnsafeMutableBufferPointer { s in
                        for i in 0..<n {
                            let weight: Double
                            if outputs == 1 {
                                let p = probabilities[i]
                                weight = rowWeights[i] * p * (1 - p)
                            } else {
                                let pk = probabilities[i * outputs + k], pl = probabilities[i * outputs + l]
                                weight = rowWeights[i] * (k == l ? pk - pk * pl : -pk * pl)
                            }
                            for c in 0..<columns { s[i * columns + c] = weight * x[i * columns + c] }
                        }
                    }
                    scaled.withUnsafeBufferPointer { s in
                        block.withUnsafeMutableBufferPointer { b in
                            BLAS.dgemm(transposeA: true, transposeB: false, m: columns, n: columns, k: n,
                                       a: x.baseAddress!, leadingA: columns, b: s.baseAddress!, leadingB: columns,
                                       c: b.baseAddress!, leadingC: columns)
                        }
                    }
                }
                for a in 0..<columns {
                    for b in 0..<columns {
                        let value = block[a * columns + b]
                        result[(k * columns + a) * d + l * columns + b] = value
                        result[(l * columns + b) * d + k * columns + a] = value
                    }
                }
            }
        }
        for k in 0..<outputs {
            for c in 0..<columns where isPenalized(c) { result[(k * columns + c) * d + k * columns + c] += penalty }
        }
        return result
    }
}
