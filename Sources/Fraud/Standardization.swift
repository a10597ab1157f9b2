import Datasets
import TensorCore

/// Per-column standardisation `(x - mean) / std` fitted on training rows only, so that no
/// statistic of the validation or test rows leaks into the model. Population std (ddof = 0) as
/// scikit-learn's `StandardScaler`; a constant column gets scale 1 (scikit-learn does the same).
/// Kept inside Fraud because the fraud pipeline needs only this; `Preprocessing.StandardScaler`
/// is the general tool.
public struct FeatureStandardization: Sendable, Equatable, Codable {
    public var means: [Double]
    public var scales: [Double]

    /// Fits the column means and standard deviations of `x` (`[n, p]`), accumulated in Double.
    public init(fitting x: Tensor) {
        let n = x.rowCount, p = x.rowLength
        var means = [Double](repeating: 0, count: p)
        var squares = [Double](repeating: 0, count: p)
        x.withUnsafeBufferPointer { v in
            for i in 0..<n { for j in 0..<p { means[j] += Double(v[i * p + j]) } }
            for j in 0..<p { means[j] /= Double(max(n, 1)) }
            for i in 0..<n { for j in 0..<p { let d = Double(v[i * p + j]) - means[j]; squares[j] += d * d } }
        }
        self.means = means
        self.scales = squares.map { let s = ($0 / Double(max(n, 1))).squareRoot(); return s > 0 ? s : 1 }
    }

    /// `x` standardised with the fitted statistics.
    public func transform(_ x: Tensor) -> Tensor {
        let p = means.count
        precondition(x.rowLength == p, "expected \(p) columns, got \(x.rowLength)")
        var result = x
        let shifts = means.map { Float($0) }, factors = scales.map { Float(1 / $0) }
        result.withUnsafeMutableBufferPointer { v in
            for i in 0..<x.rowCount { for j in 0..<p { v[i * p + j] = (v[i * p + j] - shifts[j]) * factors[j] } }
        }
        return result
    }
}
