import TensorCore

/// Column centring shared by k-means, the silhouette and PCA: distances through the expansion
/// |x|^2 - 2 x.y + |y|^2 lose less to Float32 cancellation when the data sits around the origin.
public enum Centering {
    /// The data minus its column means, the means, and the mean of the per-feature variances.
    public static func centered(_ data: Tensor) -> (Tensor, [Double], Double) {
        let rows = data.shape[0], columns = data.shape[1]
        var sums = [Double](repeating: 0, count: columns)
        var squares = [Double](repeating: 0, count: columns)
        data.withUnsafeBufferPointer { p in
            for r in 0..<rows {
                for c in 0..<columns { let v = Double(p[r * columns + c]); sums[c] += v; squares[c] += v * v }
            }
        }
        let means = sums.map { $0 / Double(rows) }
        var varianceTotal = 0.0
        for c in 0..<columns { varianceTotal += max(0, squares[c] / Double(rows) - means[c] * means[c]) }
        var centered = data
        let floatMeans = means.map { Float($0) }
        centered.withUnsafeMutableBufferPointer { p in
            for r in 0..<rows { for c in 0..<columns { p[r * columns + c] -= floatMeans[c] } }
        }
        return (centered, means, varianceTotal / Double(columns))
    }

}
