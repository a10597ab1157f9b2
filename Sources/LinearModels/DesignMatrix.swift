import TensorCore

/// Features as a row-major Double matrix, the precision every linear model here solves in (the
/// toolkit's tensors are Float32; scikit-learn solves in Float64, and matching its coefficients to
/// 1e-6 needs the same).
struct DesignMatrix {
    let rows: Int
    let columns: Int
    var values: [Double]

    init(rows: Int, columns: Int, values: [Double]) {
        precondition(values.count == rows * columns, "DesignMatrix: \(values.count) values for \(rows) x \(columns)")
        self.rows = rows
        self.columns = columns
        self.values = values
    }

    /// The rows of a rank-2 tensor (any rank is read as `[rowCount, rowLength]`).
    init(_ x: Tensor) throws {
        let values = x.elements.map(Double.init)
        guard values.allSatisfy(\.isFinite) else { throw LinearModelError.nonFinite(what: "the features") }
        self.init(rows: x.rowCount, columns: x.count == 0 ? 0 : x.rowLength, values: values)
    }

    /// Column means.
    func columnMeans() -> [Double] {
        var means = [Double](repeating: 0, count: columns)
        guard rows > 0 else { return means }
        values.withUnsafeBufferPointer { v in
            for r in 0..<rows { for c in 0..<columns { means[c] += v[r * columns + c] } }
        }
        return means.map { $0 / Double(rows) }
    }

    /// A copy with `offsets` subtracted from every row.
    func centered(by offsets: [Double]) -> DesignMatrix {
        var copy = values
        copy.withUnsafeMutableBufferPointer { v in
            for r in 0..<rows { for c in 0..<columns { v[r * columns + c] -= offsets[c] } }
        }
        return DesignMatrix(rows: rows, columns: columns, values: copy)
    }

    /// A copy with a column of ones appended (the intercept's column).
    func withOnesColumn() -> DesignMatrix {
        var copy = [Double](repeating: 1, count: rows * (columns + 1))
        values.withUnsafeBufferPointer { v in
            for r in 0..<rows { for c in 0..<columns { copy[r * (columns + 1) + c] = v[r * columns + c] } }
        }
        return DesignMatrix(rows: rows, columns: columns + 1, values: copy)
    }

    /// `selfᵀ self` (`[columns, columns]`, both triangles filled).
    func gram() -> [Double] {
        var result = [Double](repeating: 0, count: columns * columns)
        values.withUnsafeBufferPointer { a in
            result.withUnsafeMutableBufferPointer { c in
                BLAS.dgemm(transposeA: true, transposeB: false, m: columns, n: columns, k: rows, a: a.baseAddress!, leadingA: columns,
                           b: a.baseAddress!, leadingB: columns, c: c.baseAddress!, leadingC: columns)
            }
        }
        return result
    }

    /// `selfᵀ v` for a vector of one value per row.
    func transposedTimes(_ vector: [Double]) -> [Double] {
        var result = [Double](repeating: 0, count: columns)
        values.withUnsafeBufferPointer { a in
            vector.withUnsafeBufferPointer { v in
                result.withUnsafeMutableBufferPointer { c in
                    BLAS.dgemm(transposeA: true, transposeB: false, m: columns, n: 1, k: rows, a: a.baseAddress!, leadingA: columns,
                               b: v.baseAddress!, leadingB: 1, c: c.baseAddress!, leadingC: 1)
                }
            }
        }
        return result
    }

    /// `self v` for a vector of one value per column.
    func times(_ vector: [Double]) -> [Double] {
        var result = [Double](repeating: 0, count: rows)
        values.withUnsafeBufferPointer { a in
            vector.withUnsafeBufferPointer { v in
                result.withUnsafeMutableBufferPointer { c in
                    BLAS.dgemm(transposeA: false, transposeB: false, m: rows, n: 1, k: columns, a: a.baseAddress!, leadingA: columns,
                               b: v.baseAddress!, leadingB: 1, c: c.baseAddress!, leadingC: 1)
                }
            }
        }
        return result
    }
}
