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
        try largestEigenpairs(matrix, dimension: dimension, count: count, routine: "dsyevr") { job in
            var lower = 0.0, upper = 0.0, abstol = 0.0
            dsyevr_(&job.jobz, &job.range, &job.uplo, &job.n, job.a, &job.lda, &lower, &upper, &job.first, &job.last,
                    &abstol, &job.found, job.values, job.vectors, &job.ldz, job.support, job.work, &job.lwork,
                    job.iwork, &job.liwork, &job.info)
        }
    }

    /// `largestSymmetricEigenpairs` in single precision (`ssyevr`), as NumPy/SciPy's `eigh` runs
    /// on a float32 matrix (scikit-learn's `covariance_eigh` on float32 data). About 1.7x faster
    /// than the Double routine at d = 700; eigenvalues agree to ~1e-6 relative for a covariance
    /// matrix whose spectrum spans a few decades (measured on MNIST, see
    /// Benchmarks/results/analysis.md).
    public static func largestSymmetricEigenpairs(_ matrix: [Float], dimension: Int, count: Int) throws
        -> (values: [Float], vectors: [Float]) {
        try largestEigenpairs(matrix, dimension: dimension, count: count, routine: "ssyevr") { job in
            var lower: Float = 0, upper: Float = 0, abstol: Float = 0
            ssyevr_(&job.jobz, &job.range, &job.uplo, &job.n, job.a, &job.lda, &lower, &upper, &job.first, &job.last,
                    &abstol, &job.found, job.values, job.vectors, &job.ldz, job.support, job.work, &job.lwork,
                    job.iwork, &job.liwork, &job.info)
        }
    }

    /// The arguments of one `?syevr` call (all pairs' work space given by a first query call).
    struct EigenJob<T> {
        var jobz = CChar(UInt8(ascii: "V")), range = CChar(UInt8(ascii: "I")), uplo = CChar(UInt8(ascii: "L"))
        var n: Int32, lda: Int32, ldz: Int32, first: Int32, last: Int32
        var found: Int32 = 0, info: Int32 = 0, lwork: Int32 = -1, liwork: Int32 = -1
        var a, values, vectors, work: UnsafeMutablePointer<T>
        var support, iwork: UnsafeMutablePointer<Int32>
    }

    /// Runs `call` (`ssyevr_` or `dsyevr_`) twice, as LAPACK wants: a work-space query, then the
    /// decomposition; reverses LAPACK's ascending order.
    private static func largestEigenpairs<T: BinaryFloatingPoint>(_ matrix: [T], dimension: Int, count: Int, routine: String,
                                                                  _ call: (inout EigenJob<T>) -> Void) throws
        -> (values: [T], vectors: [T]) {
        precondition(matrix.count == dimension * dimension, "\(routine): \(matrix.count) elements for dimension \(dimension)")
        precondition(count >= 1 && count <= dimension, "\(routine): count \(count) outside 1...\(dimension)")
        BLAS.prepare()
        var a = matrix
        var values = [T](repeating: 0, count: dimension)
        var vectors = [T](repeating: 0, count: dimension * count)
        var support = [Int32](repeating: 0, count: 2 * max(1, count))
        let workQuery = UnsafeMutablePointer<T>.allocate(capacity: 1), iworkQuery = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
        defer { workQuery.deallocate(); iworkQuery.deallocate() }
        let side = Int32(max(1, dimension))
        return try a.withUnsafeMutableBufferPointer { a in
            try values.withUnsafeMutableBufferPointer { values in
                try vectors.withUnsafeMutableBufferPointer { vectors in
                    try support.withUnsafeMutableBufferPointer { support in
                        var job = EigenJob<T>(n: Int32(dimension), lda: side, ldz: side, first: Int32(dimension - count + 1),
                                              last: Int32(dimension), a: a.baseAddress!, values: values.baseAddress!,
                                              vectors: vectors.baseAddress!, work: workQuery, support: support.baseAddress!,
                                              iwork: iworkQuery)
                        call(&job)
                        guard job.info == 0 else { throw LAPACKError(routine: routine, info: Int(job.info)) }
                        var work = [T](repeating: 0, count: Int(workQuery.pointee))
                        var iwork = [Int32](repeating: 0, count: Int(iworkQuery.pointee))
                        work.withUnsafeMutableBufferPointer { work in
                            iwork.withUnsafeMutableBufferPointer { iwork in
                                job.work = work.baseAddress!
                                job.iwork = iwork.baseAddress!
                                job.lwork = Int32(work.count)
                                job.liwork = Int32(iwork.count)
                                call(&job)
                            }
                        }
                        guard job.info == 0, Int(job.found) == count else {
                            throw LAPACKError(routine: routine, info: Int(job.info == 0 ? -1 : job.info))
                        }
                        // Ascending on output; column-major vectors read row-major are rows. Reverse both.
                        let descendingValues = (0..<count).map { values[count - 1 - $0] }
                        var descendingVectors = [T](repeating: 0, count: count * dimension)
                        for i in 0..<count {
                            for c in 0..<dimension { descendingVectors[i * dimension + c] = vectors[(count - 1 - i) * dimension + c] }
                        }
                        return (descendingValues, descendingVectors)
                    }
                }
            }
        }
    }
}
