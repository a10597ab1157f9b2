import Foundation
import Metrics
import TensorCore

/// A fitted logistic regression (scikit-learn's `classes_`, `coef_`, `intercept_`, `n_iter_`).
///
/// Two classes have one row of coefficients (scores for `classes[1]`, as scikit-learn); more
/// classes have one row per class and a softmax over the scores.
public struct FittedLogisticRegression: Sendable, Equatable, Codable {
    /// The distinct labels seen in `fit`, ascending; predictions are these values.
    public var classes: [Int]
    /// `[1, p]` for two classes, `[classes, p]` for more.
    public var coefficients: [[Double]]
    /// One per coefficient row.
    public var intercepts: [Double]
    /// Solver iterations (Newton steps or L-BFGS steps).
    public var iterations: Int
    /// True when the gradient tolerance was reached within the iteration limit.
    public var converged: Bool
    /// The normalised objective at the solution (mean weighted cross-entropy plus penalty).
    public var objective: Double
    /// Largest gradient component at the solution.
    public var gradientMaximum: Double

    public init(classes: [Int], coefficients: [[Double]], intercepts: [Double], iterations: Int, converged: Bool,
                objective: Double, gradientMaximum: Double) {
        self.classes = classes
        self.coefficients = coefficients
        self.intercepts = intercepts
        self.iterations = iterations
        self.converged = converged
        self.objective = objective
        self.gradientMaximum = gradientMaximum
    }

    public var featureCount: Int { coefficients.first?.count ?? 0 }

    /// The scores `x·w_k + b_k` per row, `[n][coefficient rows]` (scikit-learn's `decision_function`).
    public func decisionFunction(_ x: Tensor) throws -> [[Double]] {
        let design = try DesignMatrix(x)
        guard design.columns == featureCount else { throw LinearModelError.featureCountMismatch(expected: featureCount, found: design.columns) }
        let outputs = coefficients.count
        var scores = [[Double]](repeating: intercepts, count: design.rows)
        guard design.columns > 0, design.rows > 0 else { return scores }
        let flat = coefficients.flatMap { $0 }
        var z = [Double](repeating: 0, count: design.rows * outputs)
        design.values.withUnsafeBufferPointer { a in
            flat.withUnsafeBufferPointer { w in
                z.withUnsafeMutableBufferPointer { out in
                    BLAS.dgemm(transposeA: false, transposeB: true, m: design.rows, n: outputs, k: design.columns,
                               a: a.baseAddress!, leadingA: design.columns, b: w.baseAddress!, leadingB: design.columns,
                               c: out.baseAddress!, leadingC: outputs)
                }
            }
        }
        for i in 0..<design.rows { for k in 0..<outputs { scores[i][k] += z[i * outputs + k] } }
        return scores
    }

    /// Class probabilities per row, `[n][classes.count]`, columns in the order of `classes`.
    public func predictProbabilities(_ x: Tensor) throws -> [[Double]] {
        try decisionFunction(x).map { scores in
            if scores.count == 1 {
                let z = scores[0]
                let positive = z >= 0 ? 1 / (1 + Foundation.exp(-z)) : Foundation.exp(z) / (1 + Foundation.exp(z))
                return [1 - positive, positive]
            }
            let largest = scores.max()!
            let exponentials = scores.map { Foundation.exp($0 - largest) }
            let total = exponentials.reduce(0, +)
            return exponentials.map { $0 / total }
        }
    }

    /// The most probable class of each row (one of `classes`).
    public func predict(_ x: Tensor) throws -> [Int] {
        try decisionFunction(x).map { scores in
            if scores.count == 1 { return classes[scores[0] > 0 ? 1 : 0] }
            var best = 0
            for k in 1..<scores.count where scores[k] > scores[best] { best = k }
            return classes[best]
        }
    }

    /// Accuracy of `predict` against `labels` (scikit-learn's `score`).
    public func score(_ x: Tensor, labels: [Int]) throws -> Double {
        try accuracy(predictions: predict(x), labels: labels)
    }

    /// Log-loss of `predictProbabilities` against `labels` (which must be among `classes`).
    public func logLoss(_ x: Tensor, labels: [Int]) throws -> Double {
        let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        let indices = try labels.map { label in
            guard let index = position[label] else {
                throw LinearModelError.invalidArgument("label \(label) was not among the classes seen in fit (\(classes.map(String.init).joined(separator: ", ")))")
            }
            return index
        }
        return try Metrics.logLoss(probabilities: predictProbabilities(x), labels: indices)
    }
}
