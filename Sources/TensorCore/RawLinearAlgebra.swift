import CBLAS
import Foundation

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
        BLAS.prepare()
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
        BLAS.prepare()
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

extension LAPACK {
    /// `largestSymmetricEigenpairs` in single precision (`ssyevr`), as NumPy/SciPy's `eigh` runs
    /// on a float32 matrix (scikit-learn's `covariance_eigh` on float32 data). About 1.7x faster
    /// than the Double routine at d = 700; eigenvalues agree to ~1e-6 relative for a covariance
    /// matrix whose spectrum spans a few decades (measured on MNIST, see
    /// Benchmarks/results/analysis.md).
    public static func largestSymmetricEigenpairs(_ matrix: [Float], dimension: Int, count: Int) throws
        -> (values: [Float], vectors: [Float]) {
        precondition(matrix.count == dimension * dimension, "largestSymmetricEigenpairs: \(matrix.count) elements for dimension \(dimension)")
        precondition(count >= 1 && count <= dimension, "largestSymmetricEigenpairs: count \(count) outside 1...\(dimension)")
        BLAS.prepare()
        var a = matrix
        var n = Int32(dimension), lda = Int32(max(1, dimension)), ldz = Int32(max(1, dimension)), info: Int32 = 0
        var jobz = CChar(UInt8(ascii: "V")), range = CChar(UInt8(ascii: "I")), uplo = CChar(UInt8(ascii: "L"))
        var lower: Float = 0, upper: Float = 0, abstol: Float = 0
        var first = Int32(dimension - count + 1), last = Int32(dimension), found: Int32 = 0
        var values = [Float](repeating: 0, count: dimension)
        var vectors = [Float](repeating: 0, count: dimension * count)
        var support = [Int32](repeating: 0, count: 2 * max(1, count))
        var workQuery: Float = 0, iworkQuery: Int32 = 0, lwork: Int32 = -1, liwork: Int32 = -1
        ssyevr_(&jobz, &range, &uplo, &n, &a, &lda, &lower, &upper, &first, &last, &abstol, &found, &values,
                &vectors, &ldz, &support, &workQuery, &lwork, &iworkQuery, &liwork, &info)
        guard info == 0 else { throw LAPACKError(routine: "ssyevr", info: Int(info)) }
        lwork = Int32(workQuery)
        liwork = iworkQuery
        var work = [Float](repeating: 0, count: Int(lwork))
        var iwork = [Int32](repeating: 0, count: Int(liwork))
        ssyevr_(&jobz, &range, &uplo, &n, &a, &lda, &lower, &upper, &first, &last, &abstol, &found, &values,
                &vectors, &ldz, &support, &work, &lwork, &iwork, &liwork, &info)
        guard info == 0, Int(found) == count else { throw LAPACKError(routine: "ssyevr", info: Int(info == 0 ? -1 : info)) }
        var descendingValues = [Float](repeating: 0, count: count)
        var descendingVectors = [Float](repeating: 0, count: count * dimension)
        for i in 0..<count {
            descendingValues[i] = values[count - 1 - i]
            for c in 0..<dimension { descendingVectors[i * dimension + c] = vectors[(count - 1 - i) * dimension + c] }
        }
        return (descendingValues, descendingVectors)
    }
}
