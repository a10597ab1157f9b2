import Clustering
import Foundation
import TensorCore

/// Principal component analysis through the eigen-decomposition of the covariance matrix, as
/// scikit-learn's `PCA(svd_solver="covariance_eigh")`.
///
/// ```swift
/// let pca = try PCA(componentCount: 50).fit(images)      // [70000, 784] -> 50 components
/// let reduced = try pca.transform(images)                  // [70000, 50]
/// print(pca.explainedVarianceRatio.prefix(3))
/// ```
///
/// Cost: one pass for the column statistics, one symmetric rank-k update `Xᵀ X` (`ssyrk`,
/// O(n d^2 / 2) on both cores; on the centred data only when some column's mean is large against
/// its spread) and one Float64 `dsyevd` of the `d x d` covariance (O(d^3)); fits `d` up to a few
/// thousand.
/// Signs follow scikit-learn's `svd_flip` on the components: the largest-magnitude entry of
/// each component is positive. Constant columns are fine (their variance is simply 0); data
/// whose columns are all constant has nothing to decompose and is an error.
public struct PCA: Sendable {
    /// Number of components kept.
    public var componentCount: Int

    public init(componentCount: Int) {
        self.componentCount = componentCount
    }

    /// Fits the principal axes of the rows of `data` (`[samples, features]`).
    /// - Throws: `ClusteringError` for non-finite data, fewer than 2 samples, a component count
    ///   outside `1...min(samples, features)`, or data without any variance.
    public func fit(_ data: Tensor) throws -> FittedPCA {
        try DataValidation.requireFiniteMatrix(data)
        let rows = data.shape[0], columns = data.shape[1]
        guard rows >= 2 else {
            throw ClusteringError.tooFewPoints(requested: componentCount, available: rows, what: "samples (PCA needs at least 2)")
        }
        guard componentCount >= 1 && componentCount <= min(rows, columns) else {
            throw ClusteringError.invalidParameter(name: "componentCount", value: "\(componentCount)",
                                                   expected: "between 1 and min(samples, features) = \(min(rows, columns))")
        }
        // Covariance = (Xᵀ X - n mean meanᵀ) / (n - 1) straight from the data (no centred copy, as
        // scikit-learn's covariance_eigh) when every column's mean is small against its spread, so
        // the subtraction loses little; otherwise Xcᵀ Xc on the centred data.
        let (means, variances) = Centering.columnStatistics(data)
        let fromRawData = zip(means, variances).allSatisfy { mean, variance in
            variance > 0 ? mean * mean <= 10 * variance : mean == 0
        }
        var gram = [Float](repeating: 0, count: columns * columns)
        let source = fromRawData ? data : Centering.centered(data).0
        source.withUnsafeBufferPointer { x in
            gram.withUnsafeMutableBufferPointer { g in
                BLAS.syrkTransposed(n: columns, k: rows, a: x.baseAddress!, leadingA: columns,
                                    c: g.baseAddress!, leadingC: columns)
            }
        }
        let scale = 1 / Double(rows - 1)
        var covariance = [Double](repeating: 0, count: columns * columns)
        var totalVariance = 0.0
        for i in 0..<columns {
            for j in i..<columns {
                var value = Double(gram[i * columns + j])
                if fromRawData { value -= Double(rows) * means[i] * means[j] }
                covariance[i * columns + j] = value * scale
            }
            totalVariance += variances[i] * Double(rows) * scale
        }
        guard totalVariance > 0 else { throw ClusteringError.noVariance(columns: columns) }
        let (values, vectors): ([Double], [Double])
        do {
            (values, vectors) = try LAPACK.symmetricEigen(covariance, dimension: columns)
        } catch {
            throw ClusteringError.numericalFailure("PCA: \(error)")
        }
        var components = [Float](repeating: 0, count: componentCount * columns)
        var componentVariances = [Double](repeating: 0, count: componentCount)
        for k in 0..<componentCount {
            let source = columns - 1 - k            // eigenvalues come ascending
            componentVariances[k] = max(0, values[source])
            var largest = 0.0, sign = 1.0
            for c in 0..<columns where abs(vectors[source * columns + c]) > largest {
                largest = abs(vectors[source * columns + c]); sign = vectors[source * columns + c] < 0 ? -1 : 1
            }
            for c in 0..<columns { components[k * columns + c] = Float(sign * vectors[source * columns + c]) }
        }
        return FittedPCA(mean: means.map { Float($0) },
                         components: Tensor(shape: [componentCount, columns], elements: components),
                         explainedVariance: componentVariances,
                         explainedVarianceRatio: componentVariances.map { $0 / totalVariance },
                         totalVariance: totalVariance)
    }

    /// `fit(data).transform(data)` in one call.
    public func fitTransform(_ data: Tensor) throws -> (FittedPCA, Tensor) {
        let fitted = try fit(data)
        return (fitted, try fitted.transform(data))
    }
}

/// Principal axes learned by `PCA.fit`.
public struct FittedPCA: Sendable {
    /// Column means of the training data.
    public let mean: [Float]
    /// The principal axes as rows, `[components, features]`, by decreasing variance.
    public let components: Tensor
    /// Variance along each axis (eigenvalues of the covariance with denominator n - 1).
    public let explainedVariance: [Double]
    /// `explainedVariance / totalVariance`.
    public let explainedVarianceRatio: [Double]
    /// Sum of the per-feature variances of the training data.
    public let totalVariance: Double

    /// Number of features the model expects.
    public var featureCount: Int { components.shape[1] }

    /// Coordinates of `data` on the axes: `(data - mean) · componentsᵀ`, `[samples, components]`.
    public func transform(_ data: Tensor) throws -> Tensor {
        try DataValidation.requireFiniteMatrix(data)
        guard data.shape[1] == featureCount else {
            throw ClusteringError.invalidParameter(name: "data", value: "\(data.shape[1]) features",
                                                   expected: "\(featureCount) features, as in the fitted data")
        }
        var centered = data
        let columns = featureCount
        centered.withUnsafeMutableBufferPointer { p in
            for r in 0..<data.shape[0] { for c in 0..<columns { p[r * columns + c] -= mean[c] } }
        }
        return centered.matmul(components, transposeOther: true)
    }

    /// Maps coordinates back to feature space: `coordinates · components + mean`.
    public func inverseTransform(_ coordinates: Tensor) throws -> Tensor {
        guard coordinates.rank == 2, coordinates.shape[1] == components.shape[0] else {
            throw ClusteringError.invalidParameter(name: "coordinates", value: "shape \(coordinates.shape)",
                                                   expected: "[samples, \(components.shape[0])]")
        }
        var result = coordinates.matmul(components)
        let columns = featureCount
        result.withUnsafeMutableBufferPointer { p in
            for r in 0..<coordinates.shape[0] { for c in 0..<columns { p[r * columns + c] += mean[c] } }
        }
        return result
    }
}
