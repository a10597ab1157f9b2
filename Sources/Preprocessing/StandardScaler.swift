import Foundation
import TensorCore

/// Centres every feature (column) on zero mean and scales it to unit variance, as
/// scikit-learn's `StandardScaler` does.
///
/// ```swift
/// let scaler = try StandardScaler().fit(trainFeatures)
/// let z = try scaler.transform(testFeatures)
/// ```
/// Contract (scikit-learn's): `mean` and the population variance (divided by n, not n - 1) are
/// computed in Double; `scale = sqrt(variance)`, except that a column whose variance is within
/// rounding error of zero (`variance <= n * eps * variance + (n * mean * eps)^2`, scikit-learn's
/// `_is_constant_feature` test) gets scale 1, so constant columns become 0 instead of NaN.
/// NaN or infinite input is an error naming row and column.
public struct StandardScaler: Sendable {
    /// Subtract the column mean (default true).
    public var withMean: Bool
    /// Divide by the column standard deviation (default true).
    public var withStandardDeviation: Bool

    public init(withMean: Bool = true, withStandardDeviation: Bool = true) {
        self.withMean = withMean
        self.withStandardDeviation = withStandardDeviation
    }

    /// Learns each column's mean and standard deviation from `x` (`[rows, features]`).
    public func fit(_ x: Tensor) throws -> FittedStandardScaler {
        let statistics = try ColumnStatistics.compute(x, moments: true)
        let n = Double(x.rowCount)
        let epsilon = Double.ulpOfOne
        let scale: [Double] = zip(statistics.mean, statistics.variance).map { mean, variance in
            guard withStandardDeviation else { return 1 }
            let roundingBound = n * epsilon * variance + (n * mean * epsilon) * (n * mean * epsilon)
            return variance <= roundingBound ? 1 : variance.squareRoot()
        }
        return FittedStandardScaler(
            mean: withMean ? statistics.mean.map { Float($0) } : [Float](repeating: 0, count: statistics.mean.count),
            variance: statistics.variance.map { Float($0) },
            scale: scale.map { Float($0) })
    }
}

/// A `StandardScaler` fitted on training data.
public struct FittedStandardScaler: Sendable, Equatable {
    /// The subtracted mean of each column (zeros when fitted `withMean: false`).
    public let mean: [Float]
    /// Population variance of each column in the fitting data (scikit-learn's `var_`).
    public let variance: [Float]
    /// The divisor of each column (`scale_`): the standard deviation, or 1 for constant columns.
    public let scale: [Float]

    /// Number of features the scaler was fitted on.
    public var featureCount: Int { mean.count }

    private var affine: ColumnAffine {
        ColumnAffine(center: mean, factor: scale.map { 1 / $0 }, offset: [Float](repeating: 0, count: featureCount))
    }

    /// `(x - mean) / scale`, column by column.
    public func transform(_ x: Tensor) throws -> Tensor { try affine.apply(x) }

    /// `y * scale + mean`: undoes `transform`.
    public func inverseTransform(_ y: Tensor) throws -> Tensor { try affine.invert(y) }
}
