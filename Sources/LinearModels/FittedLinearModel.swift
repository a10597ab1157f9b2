import Metrics
import TensorCore

/// A fitted linear regression or ridge: `ŷ = x·coefficients + intercept`.
public struct FittedLinearModel: Sendable, Equatable, Codable {
    /// One coefficient per feature column (scikit-learn's `coef_`).
    public var coefficients: [Double]
    /// scikit-learn's `intercept_` (0 when fitted without one).
    public var intercept: Double
    /// Effective rank of the centred design (exact least squares only).
    public var rank: Int?
    /// Singular values of the centred design, largest first (exact least squares only).
    public var singularValues: [Double]?

    public init(coefficients: [Double], intercept: Double, rank: Int? = nil, singularValues: [Double]? = nil) {
        self.coefficients = coefficients
        self.intercept = intercept
        self.rank = rank
        self.singularValues = singularValues
    }

    /// Predictions for the rows of `x`.
    public func predict(_ x: Tensor) throws -> [Double] {
        let design = try DesignMatrix(x)
        guard design.columns == coefficients.count else {
            throw LinearModelError.featureCountMismatch(expected: coefficients.count, found: design.columns)
        }
        guard design.rows > 0 else { return [] }
        guard design.columns > 0 else { return [Double](repeating: intercept, count: design.rows) }
        return design.times(coefficients).map { $0 + intercept }
    }

    /// The coefficient of determination R² of the predictions on `x` (scikit-learn's `score`).
    public func score(_ x: Tensor, targets: [Double]) throws -> Double {
        try r2Score(predictions: predict(x), targets: targets)
    }
}
