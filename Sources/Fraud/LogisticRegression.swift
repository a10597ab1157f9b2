import Foundation
import TensorCore

/// Binary logistic regression fitted by L-BFGS on the (sample-weighted) binary cross-entropy
/// with an L2 penalty on the weights (not the bias):
///
/// `L(w, b) = sum_i s_i [softplus(z_i) - y_i z_i] / sum_i s_i + (l2Penalty / 2) |w|^2`, `z = X w + b`.
///
/// The loss is convex, so L-BFGS (memory 10, Armijo backtracking) reaches the optimum; the
/// forward `X w` and the gradient `X^T g` are BLAS products (`Tensor.gemm`), the optimiser runs
/// in Double. Class weights enter as sample weights (see `ClassBalancing`).
///
/// ```swift
/// let model = LogisticRegression(l2Penalty: 1e-4).fit(x, labels: y)
/// let p = model.probabilities(xTest)
/// ```
public struct LogisticRegression: Sendable {
    /// Strength of the L2 penalty on the mean loss (scikit-learn's `C` is `1 / (n * l2Penalty)`).
    public var l2Penalty: Double
    public var maximumIterations: Int
    /// Stop when the largest gradient component falls below this.
    public var gradientTolerance: Double
    /// Pairs of L-BFGS history.
    public var memory: Int

    public init(l2Penalty: Double = 1e-4, maximumIterations: Int = 200, gradientTolerance: Double = 1e-6, memory: Int = 10) {
        self.l2Penalty = l2Penalty
        self.maximumIterations = maximumIterations
        self.gradientTolerance = gradientTolerance
        self.memory = memory
    }

    /// Fits on `x` (`[n, p]`) and 0/1 `labels`; `sampleWeights` (default all 1) scale each row's loss.
    public func fit(_ x: Tensor, labels: [Int], sampleWeights: [Float]? = nil) -> FittedLogisticRegression {
        let n = x.rowCount, p = x.rowLength
        precondition(labels.count == n, "\(n) rows but \(labels.count) labels")
        let targets = Tensor(shape: [n, 1], elements: labels.map { Float($0) })
        let weights = sampleWeights ?? [Float](repeating: 1, count: n)
        precondition(weights.count == n, "\(n) rows but \(weights.count) sample weights")
        let totalWeight = weights.reduce(0.0) { $0 + Double($1) }
        let objective = Objective(x: x, targets: targets, weights: weights, totalWeight: totalWeight, l2Penalty: l2Penalty)

        var theta = [Double](repeating: 0, count: p + 1)
        var (loss, gradient) = objective.evaluate(theta)
        var history: [(s: [Double], y: [Double], rho: Double)] = []
        var iterations = 0
        while iterations < maximumIterations {
            if gradient.map(abs).max()! < gradientTolerance { break }
            iterations += 1
            // Two-loop recursion: direction = -H * gradient.
            var q = gradient
            var alphas: [Double] = []
            for pair in history.reversed() {
                let a = pair.rho * dot(pair.s, q)
                alphas.append(a)
                for k in q.indices { q[k] -= a * pair.y[k] }
            }
            if let last = history.last {
                let scale = dot(last.s, last.y) / dot(last.y, last.y)
                for k in q.indices { q[k] *= scale }
            } else {
                let norm = dot(gradient, gradient).squareRoot()
                for k in q.indices { q[k] /= max(norm, 1) }
            }
            for (pair, a) in zip(history, alphas.reversed()) {
                let b = pair.rho * dot(pair.y, q)
                for k in q.indices { q[k] += pair.s[k] * (a - b) }
            }
            var direction = q.map { -$0 }
            var slope = dot(direction, gradient)
            if slope >= 0 { direction = gradient.map { -$0 }; slope = -dot(gradient, gradient); history.removeAll() }
            // Armijo backtracking.
            var step = 1.0
            var candidate = theta, candidateLoss = loss, candidateGradient = gradient
            var accepted = false
            for _ in 0..<40 {
                candidate = zip(theta, direction).map { $0 + step * $1 }
                (candidateLoss, candidateGradient) = objective.evaluate(candidate)
                if candidateLoss <= loss + 1e-4 * step * slope { accepted = true; break }
                step *= 0.5
            }
            if !accepted { break }
            let s = zip(candidate, theta).map { $0 - $1 }
            let y = zip(candidateGradient, gradient).map { $0 - $1 }
            let sy = dot(s, y)
            if sy > 1e-12 {
                history.append((s, y, 1 / sy))
                if history.count > memory { history.removeFirst() }
            }
            let improvement = loss - candidateLoss
            theta = candidate; loss = candidateLoss; gradient = candidateGradient
            if improvement <= 1e-12 * max(1, abs(loss)) { break }
        }
        return FittedLogisticRegression(weights: theta[0..<p].map { Float($0) }, bias: Float(theta[p]), iterations: iterations, loss: loss)
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        var sum = 0.0
        for k in a.indices { sum += a[k] * b[k] }
        return sum
    }

    /// Loss and gradient at a parameter vector `[w..., b]`.
    struct Objective {
        let x: Tensor
        let targets: Tensor
        let weights: [Float]
        let totalWeight: Double
        let l2Penalty: Double

        func evaluate(_ theta: [Double]) -> (Double, [Double]) {
            let n = x.rowCount, p = x.rowLength
            let w = Tensor(shape: [p, 1], elements: theta[0..<p].map { Float($0) })
            let bias = Float(theta[p])
            var z = Tensor.zeros([n, 1])
            Tensor.gemm(x, w, into: &z)
            var residual = Tensor.zeros([n, 1])
            var loss = 0.0, biasGradient = 0.0
            z.withUnsafeBufferPointer { zs in
                targets.withUnsafeBufferPointer { ys in
                    weights.withUnsafeBufferPointer { ss in
                        residual.withUnsafeMutableBufferPointer { r in
                            for i in 0..<n {
                                let zi = Double(zs[i] + bias), yi = Double(ys[i]), si = Double(ss[i])
                                // softplus(z) - y z, computed without overflow.
                                loss += si * (max(zi, 0) + Foundation.log1p(Foundation.exp(-abs(zi))) - yi * zi)
                                let probability = 1 / (1 + Foundation.exp(-zi))
                                let g = si * (probability - yi) / totalWeight
                                r[i] = Float(g)
                                biasGradient += g
                            }
                        }
                    }
                }
            }
            var gradientW = Tensor.zeros([p, 1])
            Tensor.gemm(x, transposeA: true, residual, into: &gradientW)
            var gradient = gradientW.elements.map(Double.init)
            var penalty = 0.0
            for k in 0..<p { gradient[k] += l2Penalty * theta[k]; penalty += theta[k] * theta[k] }
            gradient.append(biasGradient)
            return (loss / totalWeight + 0.5 * l2Penalty * penalty, gradient)
        }
    }
}

/// A fitted logistic regression: `P(y = 1 | x) = sigmoid(w . x + b)`.
public struct FittedLogisticRegression: Sendable, Codable, Equatable {
    public var weights: [Float]
    public var bias: Float
    /// L-BFGS iterations used and the final training loss.
    public var iterations: Int
    public var loss: Double

    /// The decision values `X w + b`.
    public func decisionValues(_ x: Tensor) -> [Float] {
        precondition(x.rowLength == weights.count, "expected \(weights.count) columns, got \(x.rowLength)")
        var z = Tensor.zeros([x.rowCount, 1])
        Tensor.gemm(x, Tensor(shape: [weights.count, 1], elements: weights), into: &z)
        return z.elements.map { $0 + bias }
    }

    /// Fraud probabilities of the rows of `x`.
    public func probabilities(_ x: Tensor) -> [Float] {
        decisionValues(x).map { 1 / (1 + Foundation.exp(-$0)) }
    }
}
