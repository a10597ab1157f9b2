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
/// Cost: one pass for the validation and column statistics, one symmetric rank-k update `Xᵀ X`
/// (`ssyrk`, O(n d^2 / 2) on both cores; on the centred data only when some column's mean is
/// large against its spread; leading and trailing constant columns skipped) and one `ssyevr`
/// (Float64 `dsyevr` below 256 features) of the covariance of the non-constant columns for the
/// wanted pairs only (O(d^3)); fits `d` up to a few thousand.
/// Signs follow scikit-learn's `svd_flip` on the components: the largest-magnitude entry of
/// each component is positive. Constant columns are fine (their variance is simply 0); data
/// whose columns are all constant has nothing to decompose and is an error.
public struct PCA: Sendable {
    /// Number of components kept.
    public var componentCount: Int

    public init(componentCount: Int) {
        self.componentCount = componentCount
    }

    /// From this many non-constant features on, the eigenproblem is solved in single precision
    /// (`ssyevr`), as NumPy's `eigh` does for scikit-learn on float32 data: at d = 717 (MNIST)
    /// it took 0.023 s against 0.035-0.039 s in Double, with eigenvalues within 2e-6 relative
    /// and components within 1e-6 of the Double ones. Smaller problems cost little in Double.
    public static let singlePrecisionEigenDimension = 256

    /// Fits the principal axes of the rows of `data` (`[samples, features]`).
    /// - Throws: `ClusteringError` for non-finite data, fewer than 2 samples, a component count
    ///   outside `1...min(samples, features)`, or data without any variance.
    public func fit(_ data: Tensor) throws -> FittedPCA {
        // One pass: finiteness, column means and variances.
        let summary = try DataSummary(data)
        let rows = data.shape[0], columns = data.shape[1]
        guard rows >= 2 else {
            throw ClusteringError.tooFewPoints(requested: componentCount, available: rows, what: "samples (PCA needs at least 2)")
        }
        guard componentCount >= 1 && componentCount <= min(rows, columns) else {
            throw ClusteringError.invalidParameter(name: "componentCount", value: "\(componentCount)",
                                                   expected: "between 1 and min(samples, features) = \(min(rows, columns))")
        }
        let means = summary.means, variances = summary.variances
        let scale = 1 / Double(rows - 1)
        let totalVariance = variances.reduce(0, +) * Double(rows) * scale
        guard totalVariance > 0 else { throw ClusteringError.noVariance(columns: columns) }
        // Columns whose variance is exactly zero (MNIST's always-blank border pixels) have zero
        // covariance with everything: they are left out of the product when they lead or trail
        // (the product then runs on a narrower slice of the same rows, no copy) and out of the
        // eigenproblem (their eigenvector entries are exactly zero).
        let active = (0..<columns).filter { variances[$0] > 0 }
        let first = active.first!, width = active.last! - first + 1
        // Covariance = (Xᵀ X - n mean meanᵀ) / (n - 1) straight from the data (no centred copy, as
        // scikit-learn's covariance_eigh) when every column's mean is small against its spread, so
        // the subtraction loses little; otherwise Xcᵀ Xc on the centred data.
        // (Constant columns do not count: they are left out of the covariance.)
        let fromRawData = zip(means, variances).allSatisfy { mean, variance in
            variance == 0 || mean * mean <= 10 * variance
        }
        // Xᵀ X by spans when rows have zeros at both ends (SpanGram), else one ssyrk.
        let spanGram = fromRawData
            ? data.withUnsafeBufferPointer {
                SpanGram.gram($0, rows: rows, columns: columns, first: first, width: width,
                              imageWidth: SpanGram.imageWidth(variances: variances))
            }
            : nil
        var gram = [Float](repeating: 0, count: spanGram == nil ? width * width : 0)
        if spanGram == nil {
            let source = fromRawData ? data : Centering.subtracting(means, from: data)
            source.withUnsafeBufferPointer { x in
                gram.withUnsafeMutableBufferPointer { g in
                    BLAS.splitSyrkTransposed(n: width, k: rows, a: x.baseAddress! + first, leadingA: columns,
                                             c: g.baseAddress!, leadingC: width)
                }
            }
        }
        // The covariance of the non-constant columns (upper triangle), accumulated in Double.
        let dimension = active.count
        let solved = min(componentCount, dimension)
        let singlePrecision = dimension >= PCA.singlePrecisionEigenDimension
        var covariance = [Double](repeating: 0, count: singlePrecision ? 0 : dimension * dimension)
        var covariance32 = [Float](repeating: 0, count: singlePrecision ? dimension * dimension : 0)
        for (a, i) in active.enumerated() {
            for b in a..<dimension {
                let j = active[b]
                let index = (i - first) * width + (j - first)
                var value = spanGram?[index] ?? Double(gram[index])
                if fromRawData { value -= Double(rows) * means[i] * means[j] }
                if singlePrecision { covariance32[a * dimension + b] = Float(value * scale) }
                else { covariance[a * dimension + b] = value * scale }
            }
        }
        // Beyond the non-constant columns only zero-variance axes remain: any orthonormal
        // completion serves; the unit vectors of the constant columns are one.
        let (values, vectors): ([Double], [Double])
        do {
            if singlePrecision {
                let (values32, vectors32) = try LAPACK.largestSymmetricEigenpairs(covariance32, dimension: dimension, count: solved)
                (values, vectors) = (values32.map(Double.init), vectors32.map(Double.init))
            } else {
                (values, vectors) = try LAPACK.largestSymmetricEigenpairs(covariance, dimension: dimension, count: solved)
            }
        } catch {
            throw ClusteringError.numericalFailure("PCA: \(error)")
        }
        var components = [Float](repeating: 0, count: componentCount * columns)
        var componentVariances = [Double](repeating: 0, count: componentCount)
        for k in 0..<solved {
            componentVariances[k] = max(0, values[k])
            var largest = 0.0, sign = 1.0
            for a in 0..<dimension where abs(vectors[k * dimension + a]) > largest {
                largest = abs(vectors[k * dimension + a]); sign = vectors[k * dimension + a] < 0 ? -1 : 1
            }
            for (a, c) in active.enumerated() { components[k * columns + c] = Float(sign * vectors[k * dimension + a]) }
        }
        let constant = (0..<columns).filter { variances[$0] == 0 }
        for (k, c) in zip(solved..<componentCount, constant) { components[k * columns + c] = 1 }
        return FittedPCA(mean: means.map { Float($0) },
                         components: Tensor(shape: [componentCount, columns], elements: components),
                         explainedVariance: componentVariances,
                         explainedVarianceRatio: componentVariances.map { $0 / totalVariance },
                         totalVariance: totalVariance,
                         projectsRawData: fromRawData)
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
    /// True when the training means were small against the spread: `transform` then projects
    /// the raw rows in one `sgemm` and subtracts the projected mean, instead of centring a copy.
    let projectsRawData: Bool

    init(mean: [Float], components: Tensor, explainedVariance: [Double], explainedVarianceRatio: [Double],
         totalVariance: Double, projectsRawData: Bool = false) {
        self.mean = mean
        self.components = components
        self.explainedVariance = explainedVariance
        self.explainedVarianceRatio = explainedVarianceRatio
        self.totalVariance = totalVariance
        self.projectsRawData = projectsRawData
    }

    /// Number of features the model expects.
    public var featureCount: Int { components.shape[1] }

    /// Coordinates of `data` on the axes: `(data - mean) · componentsᵀ`, `[samples, components]`.
    public func transform(_ data: Tensor) throws -> Tensor {
        try DataValidation.requireFiniteMatrix(data)
        guard data.shape[1] == featureCount else {
            throw ClusteringError.invalidParameter(name: "data", value: "\(data.shape[1]) features",
                                                   expected: "\(featureCount) features, as in the fitted data")
        }
        let columns = featureCount
        guard projectsRawData else {
            var centered = data
            centered.withUnsafeMutableBufferPointer { p in
                for r in 0..<data.shape[0] { for c in 0..<columns { p[r * columns + c] -= mean[c] } }
            }
            return centered.matmul(components, transposeOther: true)
        }
        // (x - mean) W^T = x W^T - mean W^T: one sgemm on the data as it is.
        var projected = data.matmul(components, transposeOther: true)
        let count = components.shape[0]
        let projectedMean = (0..<count).map { k in
            (0..<columns).reduce(0.0) { $0 + Double(mean[$1]) * Double(components[k, $1]) }
        }.map { Float($0) }
        projected.withUnsafeMutableBufferPointer { p in
            for r in 0..<data.shape[0] { for k in 0..<count { p[r * count + k] -= projectedMean[k] } }
        }
        return projected
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
