import TensorCore

/// The per-column map `y = (x - center) * factor + offset` that both scalers apply, and its inverse.
///
/// Rows are split over the cores; the loop reads three small per-column arrays and the row.
struct ColumnAffine: Sendable {
    var center: [Float]
    var factor: [Float]
    var offset: [Float]

    var columnCount: Int { center.count }

    /// Applies the map to every row of `x` (any rank, viewed as `[rowCount, rowLength]`).
    func apply(_ x: Tensor) throws -> Tensor {
        try run(x, inverse: false)
    }

    /// Applies the inverse map `x = (y - offset) / factor + center`.
    func invert(_ y: Tensor) throws -> Tensor {
        try run(y, inverse: true)
    }

    private func run(_ x: Tensor, inverse: Bool) throws -> Tensor {
        let (rows, columns) = try ColumnStatistics.matrixShape(x)
        guard columns == columnCount else {
            throw PreprocessingError.featureCountMismatch(expected: columnCount, found: columns)
        }
        try ColumnStatistics.checkFinite(x)
        var result = x
        result.withUnsafeMutableBufferPointer { target in
            guard let base = target.baseAddress else { return }
            let output = SendablePointer(base)
            center.withUnsafeBufferPointer { centerPointer in
                factor.withUnsafeBufferPointer { factorPointer in
                    offset.withUnsafeBufferPointer { offsetPointer in
                        let c0 = SendableInput(centerPointer.baseAddress!)
                        let f0 = SendableInput(factorPointer.baseAddress!)
                        let o0 = SendableInput(offsetPointer.baseAddress!)
                        Parallel.forEachChunk(rows, minimumChunk: Swift.max(1, 65_536 / Swift.max(columns, 1))) { range in
                            let (center, factor, offset) = (c0.base, f0.base, o0.base)
                            for r in range {
                                let row = output.base + r * columns
                                if inverse {
                                    for c in 0..<columns { row[c] = (row[c] - offset[c]) / factor[c] + center[c] }
                                } else {
                                    for c in 0..<columns { row[c] = (row[c] - center[c]) * factor[c] + offset[c] }
                                }
                            }
                        }
                    }
                }
            }
        }
        return result
    }
}
