import TensorCore

/// Logistic regression with an L2 penalty, binary or multinomial, as scikit-learn's
/// `LogisticRegression(C=..., l1_ratio=0)` with its default lbfgs solver: minimises
///
/// `C Σ_i s_i ℓ_i + ½ |W|²`
///
/// where `ℓ_i` is the cross-entropy of `sigmoid(w·x_i + b)` for two classes or of the softmax of
/// one score per class for more, `s_i` the sample weights (default 1) and the intercepts are not
/// penalised. Multinomial intercepts are only defined up to a shared constant; they are returned
/// summing to zero, which is where scikit-learn's lbfgs (started at zero) ends too.
///
/// The solver runs in Double to a gradient tolerance of 1e-10 on the objective divided by
/// `C Σ s_i` (scikit-learn's default `tol=1e-4` stops far earlier): Newton's method with the exact
/// Hessian when it is small enough to form, L-BFGS otherwise. Coefficients then agree with
/// scikit-learn run with `tol=1e-12` to about 1e-9 relative for two classes and 1e-8 for more (its
/// lbfgs's own precision; the tests hold them to 1e-6); against scikit-learn's defaults expect a
/// few 1e-4 relative, where its `tol=1e-4` stopping rule leaves it.
///
/// ```swift
/// let model = try LogisticRegression(inverseRegularization: 1).fit(x, labels: y)
/// let p = try model.predictProbabilities(xTest)        // [n][classes]
/// ```
public struct LogisticRegression: Sendable {
    /// How the optimum is found.
    public enum Solver: String, Sendable, CaseIterable {
        /// Newton when the Hessian is small enough (≤ 1,500 parameters and a cheap build), else L-BFGS.
        case automatic
        case newton
        case lbfgs
    }

    /// scikit-learn's `C`, the inverse penalty strength (default 1); `.infinity` means no penalty.
    public var inverseRegularization: Double
    public var fitsIntercept: Bool
    /// Stop when the largest gradient component of the normalised objective is at most this.
    public var gradientTolerance: Double
    public var maximumIterations: Int
    public var solver: Solver

    public init(inverseRegularization: Double = 1, fitsIntercept: Bool = true, gradientTolerance: Double = 1e-10,
                maximumIterations: Int = 1000, solver: Solver = .automatic) {
        self.inverseRegularization = inverseRegularization
        self.fitsIntercept = fitsIntercept
        self.gradientTolerance = gradientTolerance
        self.maximumIterations = maximumIterations
        self.solver = solver
    }

    /// Fits on `x` (`[n, p]`) and one integer class label per row (any integers; at least two distinct).
    /// - Parameter sampleWeights: non-negative weight per row (scikit-learn's `sample_weight`).
    public func fit(_ x: Tensor, labels: [Int], sampleWeights: [Double]? = nil) throws -> FittedLogisticRegression {
        guard inverseRegularization > 0 else {
            throw LinearModelError.invalidArgument("C (inverse regularisation) must be positive, got \(inverseRegularization)")
        }
        guard gradientTolerance > 0, maximumIterations >= 1 else {
            throw LinearModelError.invalidArgument("the gradient tolerance must be positive and the iteration limit at least 1")
        }
        var design = try DesignMatrix(x)
        let n = design.rows, p = design.columns
        guard labels.count == n else { throw LinearModelError.lengthMismatch(what: "labels", expected: n, found: labels.count) }
        let weights = sampleWeights ?? [Double](repeating: 1, count: n)
        guard weights.count == n else { throw LinearModelError.lengthMismatch(what: "sample weights", expected: n, found: weights.count) }
        guard weights.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw LinearModelError.invalidArgument("sample weights must be finite and non-negative")
        }
        let totalWeight = weights.reduce(0, +)
        guard totalWeight > 0 else { throw LinearModelError.invalidArgument("the sample weights sum to zero") }
        let classes = Array(Set(labels)).sorted()
        guard classes.count >= 2 else {
            if let only = classes.first { throw LinearModelError.singleClass(label: only) }
            throw LinearModelError.invalidArgument("logistic regression needs at least one row")
        }
        let position = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        if fitsIntercept { design = design.withOnesColumn() }
        let outputs = classes.count == 2 ? 1 : classes.count
        let objective = LogisticObjective(design: design, classIndex: labels.map { position[$0]! }, outputs: outputs,
                                          rowWeights: weights.map { $0 / totalWeight },
                                          penalty: inverseRegularization.isInfinite ? 0 : 1 / (inverseRegularization * totalWeight),
                                          hasIntercept: fitsIntercept)
        let columns = design.columns
        let start = [Double](repeating: 0, count: objective.parameterCount)
        let result: SolverResult
        switch resolvedSolver(rows: n, columns: columns, outputs: outputs) {
        case .newton:
            let unidentified = fitsIntercept && outputs > 1 ? (0..<outputs).map { $0 * columns + columns - 1 } : []
            result = ConvexSolvers.newton(objective, start: start, tolerance: gradientTolerance, maximumIterations: maximumIterations,
                                          unidentified: unidentified)
        default:
            result = ConvexSolvers.lbfgs(objective, start: start, tolerance: gradientTolerance, maximumIterations: maximumIterations)
        }
        var coefficients = (0..<outputs).map { k in Array(result.theta[(k * columns)..<(k * columns + p)]) }
        var intercepts = (0..<outputs).map { k in fitsIntercept ? result.theta[k * columns + p] : 0 }
        if outputs > 1 && fitsIntercept {
            let mean = intercepts.reduce(0, +) / Double(outputs)
            intercepts = intercepts.map { $0 - mean }
        }
        if p == 0 { coefficients = coefficients.map { _ in [] } }
        return FittedLogisticRegression(classes: classes, coefficients: coefficients, intercepts: intercepts,
                                        iterations: result.iterations, converged: result.converged,
                                        objective: result.value, gradientMaximum: result.gradientMaximum)
    }

    /// Convenience for Float sample weights (class-balancing weights).
    public func fit(_ x: Tensor, labels: [Int], sampleWeights: [Float]) throws -> FittedLogisticRegression {
        try fit(x, labels: labels, sampleWeights: sampleWeights.map(Double.init))
    }

    /// Newton when the Hessian has at most 1,500 rows and forming it costs at most ~4e9 multiply-adds.
    func resolvedSolver(rows: Int, columns: Int, outputs: Int) -> Solver {
        guard solver == .automatic else { return solver }
        let parameters = outputs * columns
        let buildCost = Double(rows) * Double(columns * columns) * Double(outputs * (outputs + 1) / 2)
        return parameters <= 1_500 && buildCost <= 4e9 ? .newton : .lbfgs
    }
}
