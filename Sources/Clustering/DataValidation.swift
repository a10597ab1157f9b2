import TensorCore

/// Checks shared by every estimator: the data is a non-empty matrix of finite numbers.
public enum DataValidation {
    /// Throws unless `data` is `[n >= 1, d >= 1]` and every element is finite. O(n d).
    public static func requireFiniteMatrix(_ data: Tensor) throws {
        guard data.rank == 2, data.shape[0] >= 1, data.shape[1] >= 1 else {
            throw ClusteringError.notAMatrix(shape: data.shape)
        }
        let columns = data.shape[1]
        let firstBad: Int? = data.withUnsafeBufferPointer { p in
            for i in 0..<p.count where !p[i].isFinite { return i }
            return nil
        }
        if let index = firstBad {
            throw ClusteringError.nonFiniteValue(row: index / columns, column: index % columns,
                                                 value: data.elements[index])
        }
    }

    /// Throws unless there is one label per sample.
    public static func requireLabels(_ labels: [Int], count: Int) throws {
        guard labels.count == count else { throw ClusteringError.labelCountMismatch(expected: count, found: labels.count) }
    }
}
