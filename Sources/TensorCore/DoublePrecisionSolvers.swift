import CBLAS

/// The minimum-norm least-squares solution of `A x ≈ b` and what LAPACK learned about `A` on the way.
public struct LeastSquaresSolution: Sendable, Equatable {
    /// `x`, one value per column of `A`.
    public var solution: [Double]
    /// The effective rank: singular values below `relativeCondition * largest` count as zero.
    public var rank: Int
    /// Singular values of `A`, largest first.
    public var singularValues: [Double]

    public init(solution: [Double], rank: Int, singularValues: [Double]) {
        self.solution = solution
        self.rank = rank
        self.singularValues = singularValues
    }
}

extension BLAS {
    /// Row-major `c = alpha * op(a) * op(b) + beta * c` in Double (`cblas_dgemm`), on the calling
    /// thread. `op(a)` is `m x k`, `op(b)` is `k x n`; leading dimensions are the stored row lengths.
    @inline(__always)
    public static func dgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                             alpha: Double = 1, a: UnsafePointer<Double>, leadingA: Int,
                             b: UnsafePointer<Double>, leadingB: Int,
                             beta: Double = 0, c: UnsafeMutablePointer<Double>, leadingC: Int) {
        if m == 0 || n == 0 { return }
        prepare()
        cblas_dgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(max(1, leadingA)), b, Int32(max(1, leadingB)),
                    beta, c, Int32(max(1, leadingC)))
    }
}

extension LAPACK {
    /// Minimum-norm least squares by the SVD (`dgelsd`, divide and conquer), the routine behind
    /// `scipy.linalg.lstsq` and so scikit-learn's `LinearRegression`.
    ///
    /// - Parameters:
    ///   - matrix: `A`, row-major `[rows, columns]`.
    ///   - targets: `b`, one value per row.
    ///   - relativeCondition: singular values below this times the largest are treated as zero
    ///     (SciPy's default is the machine epsilon, used here too).
    /// - Complexity: O(rows · columns · min(rows, columns)).
    public static func leastSquares(_ matrix: [Double], rows: Int, columns: Int, targets: [Double],
                                    relativeCondition: Double = Double.ulpOfOne) throws -> LeastSquaresSolution {
        precondition(matrix.count == rows * columns, "leastSquares: \(matrix.count) elements for \(rows) x \(columns)")
        precondition(targets.count == rows, "leastSquares: \(targets.count) targets for \(rows) rows")
        BLAS.prepare()
        // LAPACK is column-major: the transpose of the row-major array is the column-major A.
        var a = [Double](repeating: 0, count: max(1, rows * columns))
        for r in 0..<rows { for c in 0..<columns { a[c * rows + r] = matrix[r * columns + c] } }
        // b must hold max(rows, columns) values: the solution comes back in its first `columns`.
        let leadingB = max(1, rows, columns)
        var b = [Double](repeating: 0, count: leadingB)
        for r in 0..<rows { b[r] = targets[r] }
        var singular = [Double](repeating: 0, count: max(1, min(rows, columns)))
        var m = Int32(rows), n = Int32(columns), nrhs: Int32 = 1, lda = Int32(max(1, rows)), ldb = Int32(leadingB)
        var rcond = relativeCondition, rank: Int32 = 0, info: Int32 = 0
        var workQuery = 0.0, lwork: Int32 = -1, iworkQuery: Int32 = 0
        dgelsd_(&m, &n, &nrhs, &a, &lda, &b, &ldb, &singular, &rcond, &rank, &workQuery, &lwork, &iworkQuery, &info)
        guard info == 0 else { throw LAPACKError(routine: "dgelsd", info: Int(info)) }
        lwork = Int32(workQuery.rounded(.up))
        var work = [Double](repeating: 0, count: Int(max(1, lwork)))
        var iwork = [Int32](repeating: 0, count: Int(max(1, iworkQuery)))
        dgelsd_(&m, &n, &nrhs, &a, &lda, &b, &ldb, &singular, &rcond, &rank, &work, &lwork, &iwork, &info)
        guard info == 0 else { throw LAPACKError(routine: "dgelsd", info: Int(info)) }
        return LeastSquaresSolution(solution: Array(b.prefix(columns)), rank: Int(rank),
                                    singularValues: Array(singular.prefix(min(rows, columns))))
    }

    /// Solves `A x = b` for a symmetric positive definite `A` (`dposv`, Cholesky), as scikit-learn's
    /// `Ridge(solver="cholesky")` does. Only the upper triangle of the row-major `matrix` is read.
    ///
    /// Throws `LAPACKError` with `info > 0` when `A` is not positive definite.
    public static func solvePositiveDefinite(_ matrix: [Double], dimension: Int, rightHandSide: [Double]) throws -> [Double] {
        precondition(matrix.count == dimension * dimension, "solvePositiveDefinite: \(matrix.count) elements for dimension \(dimension)")
        precondition(rightHandSide.count == dimension, "solvePositiveDefinite: \(rightHandSide.count) values for dimension \(dimension)")
        guard dimension > 0 else { return [] }
        BLAS.prepare()
        // Row-major upper triangle == column-major lower triangle.
        var a = matrix, b = rightHandSide
        var uplo = CChar(UInt8(ascii: "L")), n = Int32(dimension), nrhs: Int32 = 1, lda = Int32(dimension), ldb = Int32(dimension)
        var info: Int32 = 0
        dposv_(&uplo, &n, &nrhs, &a, &lda, &b, &ldb, &info)
        guard info == 0 else { throw LAPACKError(routine: "dposv", info: Int(info)) }
        return b
    }
}
