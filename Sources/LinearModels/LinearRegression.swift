import TensorCore

/// Ordinary least squares: the coefficients `w` and intercept `b` minimising `Σ (y_i - x_i·w - b)²`,
/// as scikit-learn's `LinearRegression`.
///
/// The solve is exact, not iterative: the columns and the target are centred by their means (which
/// takes care of the intercept, as scikit-learn does) and LAPACK's `dgelsd` returns the
/// minimum-norm least-squares solution through the SVD in Double. Coefficients match
/// scikit-learn's to about 1e-10 relative on well-conditioned data (the tests hold them to 1e-6).
///
/// With fewer rows than unknowns the solution is not unique and `fit` throws
/// `LinearModelError.underdetermined` (use `Ridge`). Collinear columns are allowed: the rank shows in
/// the fitted value and the minimum-norm solution is the one returned, as with scikit-learn.
///
/// ```swift
/// let model = try LinearRegression().fit(x, targets: y)
/// print(model.coefficients, model.intercept, try model.score(xTest, targets: yTest))
/// ```
public struct LinearRegression: Sendable {
    /// Fit an intercept (scikit-learn's `fit_intercept`, default true).
    public var fitsIntercept: Bool

    public init(fitsIntercept: Bool = true) {
        self.fitsIntercept = fitsIntercept
    }

    /// Fits on `x` (`[n, p]`) and one target per row.
    public func fit(_ x: Tensor, targets: [Double]) throws -> FittedLinearModel {
        let design = try DesignMatrix(x)
        try LinearRegression.checkTargets(targets, rows: design.rows)
        guard design.rows >= design.columns + (fitsIntercept ? 1 : 0), design.rows > 0 else {
            throw LinearModelError.underdetermined(rows: design.rows, features: design.columns, intercept: fitsIntercept)
        }
        let (centered, xMeans, yMean) = LinearRegression.center(design, targets, enabled: fitsIntercept)
        let centeredTargets = targets.map { $0 - yMean }
        let solution: LeastSquaresSolution
        if design.columns == 0 {
            solution = LeastSquaresSolution(solution: [], rank: 0, singularValues: [])
        } else {
            solution = try LAPACK.leastSquares(centered.values, rows: design.rows, columns: design.columns, targets: centeredTargets)
        }
        let intercept = fitsIntercept ? yMean - zip(xMeans, solution.solution).reduce(0) { $0 + $1.0 * $1.1 } : 0
        return FittedLinearModel(coefficients: solution.solution, intercept: intercept, rank: solution.rank,
                                 singularValues: solution.singularValues)
    }

    /// Convenience for Float targets (a CSV column).
    public func fit(_ x: Tensor, targets: [Float]) throws -> FittedLinearModel {
        try fit(x, targets: targets.map(Double.init))
    }

    static func checkTargets(_ targets: [Double], rows: Int) throws {
        guard targets.count == rows else { throw LinearModelError.lengthMismatch(what: "targets", expected: rows, found: targets.count) }
        guard targets.allSatisfy(\.isFinite) else { throw LinearModelError.nonFinite(what: "the targets") }
    }

    /// The design centred by its column means and the target's mean, or left as is without an intercept.
    static func center(_ design: DesignMatrix, _ targets: [Double], enabled: Bool) -> (DesignMatrix, [Double], Double) {
        guard enabled else { return (design, [Double](repeating: 0, count: design.columns), 0) }
        let means = design.columnMeans()
        let yMean = targets.isEmpty ? 0 : targets.reduce(0, +) / Double(targets.count)
        return (design.centered(by: means), means, yMean)
    }
}
