import TensorCore

/// A fitted k-means clustering: what `KMeans.fit` returns.
public struct KMeansResult: Sendable, Equatable {
    /// Cluster centres, `[k, features]`, in the data's coordinates.
    public let centroids: Tensor
    /// The cluster of each training sample, in `0..<k`.
    public let labels: [Int]
    /// Sum of squared distances of the samples to their centres (computed directly in Double).
    public let inertia: Double
    /// Lloyd iterations of the winning run.
    public let iterations: Int
    /// True when the winning run stopped by convergence rather than by the iteration limit.
    public let converged: Bool

    public init(centroids: Tensor, labels: [Int], inertia: Double, iterations: Int, converged: Bool) {
        self.centroids = centroids
        self.labels = labels
        self.inertia = inertia
        self.iterations = iterations
        self.converged = converged
    }

    /// Number of clusters.
    public var clusterCount: Int { centroids.shape[0] }

    /// The nearest centroid of each row of `data` (ties to the lower index).
    /// - Throws: `ClusteringError` when `data` has another feature count or non-finite values.
    public func predict(_ data: Tensor) throws -> [Int] {
        try DataValidation.requireFiniteMatrix(data)
        let columns = centroids.shape[1]
        guard data.shape[1] == columns else {
            throw ClusteringError.invalidParameter(name: "data", value: "\(data.shape[1]) features",
                                                   expected: "\(columns) features, as in the fitted data")
        }
        let rows = data.shape[0]
        var labels = [Int32](repeating: 0, count: rows)
        var distances = [Float](repeating: 0, count: rows)
        let norms = SquaredDistances.rowNorms(data)
        data.withUnsafeBufferPointer { p in
            labels.withUnsafeMutableBufferPointer { l in
                distances.withUnsafeMutableBufferPointer { d in
                    _ = NearestCenter.assign(p, rows: rows, columns: columns, norms: norms, centers: centroids.elements,
                                             clusterCount: clusterCount, labels: l, distances: d)
                }
            }
        }
        return labels.map(Int.init)
    }

    /// Inertia of `data` under these centroids with its predicted labels.
    public func inertia(of data: Tensor) throws -> Double {
        let labels = try predict(data).map(Int32.init)
        return data.withUnsafeBufferPointer { p in
            labels.withUnsafeBufferPointer {
                NearestCenter.exactInertia(p, rows: data.shape[0], columns: data.shape[1], centers: centroids.elements, labels: $0)
            }
        }
    }
}
