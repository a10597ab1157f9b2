import CBLAS

/// Pointer-level BLAS and LAPACK entry points for hot loops in higher modules, so that only
/// TensorCore imports the C shim (blocked distance computations work on slices of buffers that
/// are not tensors of their own).
extension BLAS {
    /// Row-major `c = alpha * op(a) * op(b) + beta * c` with `op(a)` `[m, k]` and `op(b)` `[k, n]`.
    /// Leading dimensions are the row lengths of the matrices as stored.
    @inline(__always)
    public static func gemm(m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, leadingA: Int, transposeA: Bool = false,
                            b: UnsafePointer<Float>, leadingB: Int, transposeB: Bool = false,
                            c: UnsafeMutablePointer<Float>, leadingC: Int,
                            alpha: Float = 1, beta: Float = 0) {
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(leadingA), b, Int32(leadingB),
                    beta, c, Int32(leadingC))
    }

    /// Row-major symmetric rank-k update of the upper triangle: `c = alpha * aᵀ a + beta * c`
    /// for `a` of shape `[k, n]` and `c` of shape `[n, n]` (only the upper triangle is written).
    public static func syrkTransposed(n: Int, k: Int, a: UnsafePointer<Float>, leadingA: Int,
                                      c: UnsafeMutablePointer<Float>, leadingC: Int,
                                      alpha: Float = 1, beta: Float = 0) {
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(k), alpha, a, Int32(leadingA),
                    beta, c, Int32(leadingC))
    }
}

/// A LAPACK routine returned a non-zero `info`.
public struct LAPACKError: Error, CustomStringConvertible {
    public let routine: String
    public let info: Int
    public var description: String {
        "\(routine) failed with info = \(info) (" + (info < 0 ? "argument \(-info) was invalid" : "the algorithm did not converge") + ")"
    }
}

/// LAPACK from OpenBLAS, through the Fortran symbols declared in the CBLAS shim.
public enum LAPACK {
    /// Eigen-decomposition of a symmetric `dimension x dimension` matrix (`dsyevd`, divide and
    /// conquer). Only the upper triangle of the row-major `matrix` is read.
    ///
    /// - Returns: eigenvalues in ascending order and the eigenvectors as the rows of a row-major
    ///   `[dimension, dimension]` array (row `i` belongs to eigenvalue `i`).
    public static func symmetricEigen(_ matrix: [Double], dimension: Int) throws -> (values: [Double], vectors: [Double]) {
        precondition(matrix.count == dimension * dimension, "symmetricEigen: \(matrix.count) elements for dimension \(dimension)")
        // Row-major upper triangle == column-major lower triangle; the column-major eigenvector
        // matrix (vectors in columns) read row-major has the vectors in rows.
        var a = matrix
        var values = [Double](repeating: 0, count: dimension)
        var n = Int32(dimension), lda = Int32(max(1, dimension)), info: Int32 = 0
        var jobz = CChar(UInt8(ascii: "V")), uplo = CChar(UInt8(ascii: "L"))
        var workQuery = 0.0, iworkQuery: Int32 = 0
        var lwork: Int32 = -1, liwork: Int32 = -1
        dsyevd_(&jobz, &uplo, &n, &a, &lda, &values, &workQuery, &lwork, &iworkQuery, &liwork, &info)
        guard info == 0 else { throw LAPACKError(routine: "dsyevd", info: Int(info)) }
        lwork = Int32(workQuery)
        liwork = iworkQuery
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevd_(&jobz, &uplo, &n, &a, &lda, &values, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0 else { throw LAPACKError(routine: "dsyevd", info: Int(info)) }
        return (values, a)
    }
}

extension BLAS {
    /// Runs `body` with OpenBLAS limited to one thread, then restores the previous count.
    /// For loops that call small matrix products from several threads of their own (as
    /// scikit-learn does under threadpoolctl): nested BLAS threads would only compete for cores.
    public static func withSingleThread<T>(_ body: () throws -> T) rethrows -> T {
        let previous = threadCount
        setThreadCount(1)
        defer { setThreadCount(previous) }
        return try body()
    }
}
