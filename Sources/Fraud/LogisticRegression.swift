import Foundation
import LinearModels
import TensorCore

/// Binary logistic regression on the (sample-weighted) binary cross-entropy with an L2 penalty on
/// the weights (not the bias):
///
/// `L(w, b) = sum_i s_i [softplus(z_i) - y_i z_i] / sum_i s_i + (l2Penalty / 2) |w|^2`, `z = X w + b`.
///
/// This is the Fraud module's view of `LinearModels.LogisticRegression` (which solves it, in Double,
/// by Newton's method or L-BFGS): the penalty is stated per mean loss, as the fraud experiments
/// are tuned, and mapped to scikit-learn's `C = 1 / (l2Penalty * sum_i s_i)`. Class weights enter
/// as sample weights (see `ClassBalancing`).
///
/// ```swift
/// let model = try LogisticRegression(l2Penalty: 1e-4).fit(x, labels: y)
/// let p = model.probabilities(xTest)
/// ```
public struct LogisticRegression: Sendable {
    /// Strength of the L2 penalty on the mean loss (scikit-learn's `C` is `1 / (n * l2Penalty)`).
    public var l2Penalty: Double
    public var maximumIterations: Int
    /// Stop when the largest gradient component (of the objective above) falls below this.
    public var gradientTolerance: Double

    public init(l2Penalty: Double = 1e-4, maximumIterations: Int = 200, gradientTolerance: Double = 1e-8) {
        self.l2Penalty = l2Penalty
        self.maximumIterations = maximumIterations
        self.gradientTolerance = gradientTolerance
    }

    /// Fits on `x` (`[n, p]`) and 0/1 `labels`; `sampleWeights` (default all 1) scale each row's loss.
    public func fit(_ x: Tensor, labels: [Int], sampleWeights: [Float]? = nil) throws -> FittedLogisticRegression {
        let weights = (sampleWeights ?? [Float](repeating: 1, count: labels.count)).map(Double.init)
        let totalWeight = weights.reduce(0, +)
        guard l2Penalty > 0, totalWeight > 0 else {
            throw LinearModelError.invalidArgument("the L2 penalty and the total sample weight must be positive (got \(l2Penalty) and \(totalWeight))")
        }
        let solver = LinearModels.LogisticRegression(inverseRegularization: 1 / (l2Penalty * totalWeight), gradientTolerance: gradientTolerance,
                                                     maximumIterations: maximumIterations)
        let fitted = try solver.fit(x, labels: labels, sampleWeights: weights)
        guard fitted.classes == [0, 1] else {
            throw LinearModelError.invalidArgument("fraud labels must be 0 and 1, found \(fitted.classes.map(String.init).joined(separator: ", "))")
        }
        return FittedLogisticRegression(weights: fitted.coefficients[0].map { Float($0) }, bias: Float(fitted.intercepts[0]),
                                        iterations: fitted.iterations, loss: fitted.objective)
    }
}

/// A fitted logistic regression: `P(y = 1 | x) = sigmoid(w . x + b)`.
public struct FittedLogisticRegression: Sendable, Codable, Equatable {
    public var weights: [Float]
    public var bias: Float
    /// Solver iterations used and the final training loss.
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
