import TensorCore

/// Least squares with an L2 penalty, as scikit-learn's `Ridge`: minimises
/// `Σ (y_i - x_i·w - b)² + alpha |w|²`; the intercept `b` is not penalised.
///
/// Closed form in Double: with the columns and target centred by their means,
/// `w = (XᵀX + alpha I)⁻¹ Xᵀy` by a Cholesky solve (`dposv`, scikit-learn's `cholesky` solver), or
/// through the `n x n` kernel `w = Xᵀ(XXᵀ + alpha I)⁻¹ y` when there are more columns than rows
/// (the same `w`, a smaller system). Unlike exact least squares it is defined for any number of
/// rows once `alpha > 0`, which is why it is the answer to "fewer rows than features".
/// Coefficients match scikit-learn's to about 1e-10 relative (the tests hold them to 1e-6).
public struct Ridge: Sendable {
    /// Penalty strength (scikit-learn's `alpha`, default 1). Zero is plain least squares and fails on
    /// collinear columns.
    public var alpha: Double
    public var fitsIntercept: Bool

    public init(alpha: Double = 1, fitsIntercept: Bool = true) {
        self.alpha = alpha
        self.fitsIntercept = fitsIntercept
    }

    public func fit(_ x: Tensor, targets: [Double]) throws -> FittedLinearModel {
        guard alpha >= 0, alpha.isFinite else { throw LinearModelError.invalidArgument("ridge alpha must be a finite number >= 0, got \(alpha)") }
        let design = try DesignMatrix(x)
        try LinearRegression.checkTargets(targets, rows: design.rows)
        guard design.rows > 0 else { throw LinearModelError.invalidArgument("ridge needs at least one row") }
        let (centered, xMeans, yMean) = LinearRegression.center(design, targets, enabled: fitsIntercept)
        let y = targets.map { $0 - yMean }
        let p = design.columns, n = design.rows
        var coefficients = [Double](repeating: 0, count: p)
        if p > 0 {
            do {
                if p <= n {
                    var system = centered.gram()
                    for j in 0..<p { system[j * p + j] += alpha }
                    coefficients = try LAPACK.solvePositiveDefinite(system, dimension: p, rightHandSide: centered.transposedTimes(y))
                } else {
                    // Kernel form: K = X Xᵀ (n x n), w = Xᵀ (K + alpha I)⁻¹ y.
                    let transposed = DesignMatrix(rows: p, columns: n, values: (0..<(p * n)).map { centered.values[($0 % n) * p + $0 / n] })
                    var kernel = transposed.gram()
                    for i in 0..<n { kernel[i * n + i] += alpha }
                    let dual = try LAPACK.solvePositiveDefinite(kernel, dimension: n, rightHandSide: y)
                    coefficients = centered.transposedTimes(dual)
                }
            } catch is LAPACKError {
                throw LinearModelError.singular("ridge with alpha \(alpha): XᵀX + alpha I is singular (collinear or constant columns); use alpha > 0")
            }
        }
        let intercept = fitsIntercept ? yMean - zip(xMeans, coefficients).reduce(0) { $0 + $1.0 * $1.1 } : 0
        return FittedLinearModel(coefficients: coefficients, intercept: intercept, rank: nil, singularValues: nil)
    }

    /// Convenience for Float targets (a CSV column).
    public func fit(_ x: Tensor, targets: [Float]) throws -> FittedLinearModel {
        try fit(x, targets: targets.map(Double.init))
    }
}
