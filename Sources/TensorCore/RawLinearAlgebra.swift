import CBLAS
import Foundation

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

extension LAPACK {
    /// The `count` largest eigenpairs of a symmetric `dimension x dimension` matrix (`dsyevr`,
    /// MRRR: the tridiagonal reduction costs as for all pairs, but only `count` vectors are
    /// computed and transformed back). Only the upper triangle of the row-major `matrix` is read.
    ///
    /// - Returns: the eigenvalues in descending order and their eigenvectors as the rows of a
    ///   row-major `[count, dimension]` array (row `i` belongs to value `i`).
    public static func largestSymmetricEigenpairs(_ matrix: [Double], dimension: Int, count: Int) throws
        -> (values: [Double], vectors: [Double]) {
        precondition(matrix.count == dimension * dimension, "largestSymmetricEigenpairs: \(matrix.count) elements for dimension \(dimension)")
        precondition(count >= 1 && count <= dimension, "largestSymmetricEigenpairs: count \(count) outside 1...\(dimension)")
        var a = matrix
        var n = Int32(dimension), lda = Int32(max(1, dimension)), ldz = Int32(max(1, dimension)), info: Int32 = 0
        var jobz = CChar(UInt8(ascii: "V")), range = CChar(UInt8(ascii: "I")), uplo = CChar(UInt8(ascii: "L"))
        var lower = 0.0, upper = 0.0, abstol = 0.0
        var first = Int32(dimension - count + 1), last = Int32(dimension), found: Int32 = 0
        var values = [Double](repeating: 0, count: dimension)
        var vectors = [Double](repeating: 0, count: dimension * count)
        var support = [Int32](repeating: 0, count: 2 * max(1, count))
        var workQuery = 0.0, iworkQuery: Int32 = 0, lwork: Int32 = -1, liwork: Int32 = -1
        dsyevr_(&jobz, &range, &uplo, &n, &a, &lda, &lower, &upper, &first, &last, &abstol, &found, &values,
                &vectors, &ldz, &support, &workQuery, &lwork, &iworkQuery, &liwork, &info)
        guard info == 0 else { throw LAPACKError(routine: "dsyevr", info: Int(info)) }
        lwork = Int32(workQuery)
        liwork = iworkQuery
        var work = [Double](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        dsyevr_(&jobz, &range, &uplo, &n, &a, &lda, &lower, &upper, &first, &last, &abstol, &found, &values,
                &vectors, &ldz, &support, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0, Int(found) == count else { throw LAPACKError(routine: "dsyevr", info: Int(info == 0 ? -1 : info)) }
        // Ascending on output; column-major vectors read row-major are rows. Reverse both.
        var descendingValues = [Double](repeating: 0, count: count)
        var descendingVectors = [Double](repeating: 0, count: count * dimension)
        for i in 0..<count {
            descendingValues[i] = values[count - 1 - i]
            for c in 0..<dimension { descendingVectors[i * dimension + c] = vectors[(count - 1 - i) * dimension + c] }
        }
        return (descendingValues, descendingVectors)
    }
}

extension BLAS {
    /// Runs `body` with OpenBLAS limited to one thread, then restores the previous count.
    /// For loops that call small matrix products from several threads of their own (as
    /// scikit-learn does under threadpoolctl): nested BLAS threads would only compete for cores.
    /// Overlapping calls from several threads are counted, so the count is restored only when
    /// the last one ends.
    public static func withSingleThread<T>(_ body: () throws -> T) rethrows -> T {
        singleThreadState.enter()
        defer { singleThreadState.leave() }
        return try body()
    }
}

/// Nesting count of `BLAS.withSingleThread` and the thread count to restore.
private final class SingleThreadState: @unchecked Sendable {
    private let lock = NSLock()
    private var depth = 0
    private var saved = 1

    func enter() {
        lock.lock(); defer { lock.unlock() }
        if depth == 0 { saved = BLAS.threadCount; BLAS.setThreadCount(1) }
        depth += 1
    }

    func leave() {
        lock.lock(); defer { lock.unlock() }
        depth -= 1
        if depth == 0 { BLAS.setThreadCount(saved) }
    }
}

private let singleThreadState = SingleThreadState()
