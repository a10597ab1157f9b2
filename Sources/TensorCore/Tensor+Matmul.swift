import CBLAS

/// Matrix products through OpenBLAS `cblas_sgemm`.
extension Tensor {
    /// `alpha * op(a) * op(b) + beta * c`, written into `c`, where `op` optionally transposes.
    ///
    /// `a` and `b` are read as matrices: their first dimension is the row count and the rest are
    /// flattened into columns, so a `[batch, 1, 28, 28]` tensor multiplies as `[batch, 784]`.
    /// - Precondition: inner dimensions agree and `c` has shape `[m, n]` when `beta != 0`.
    public static func gemm(_ a: Tensor, transposeA: Bool = false,
                            _ b: Tensor, transposeB: Bool = false,
                            alpha: Float = 1, beta: Float = 0, into c: inout Tensor) {
        let (aRows, aColumns) = (a.rowCount, a.rowLength)
        let (bRows, bColumns) = (b.rowCount, b.rowLength)
        let m = transposeA ? aColumns : aRows
        let k = transposeA ? aRows : aColumns
        let kB = transposeB ? bColumns : bRows
        let n = transposeB ? bRows : bColumns
        precondition(k == kB, "matmul inner dimensions differ: \(a.shape)\(transposeA ? "ᵀ" : "") x \(b.shape)\(transposeB ? "ᵀ" : "")")
        if c.count != m * n {
            precondition(beta == 0, "accumulating gemm needs c of shape [\(m), \(n)], got \(c.shape)")
            c = Tensor.zeros([m, n])
        } else if c.shape != [m, n] {
            c = c.reshaped([m, n])
        }
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { c.elements.withUnsafeMutableBufferPointer { $0.update(repeating: 0) } }
            else { c.elements.withUnsafeMutableBufferPointer { for i in $0.indices { $0[i] *= beta } } }
            return
        }
        a.elements.withUnsafeBufferPointer { pa in
            b.elements.withUnsafeBufferPointer { pb in
                c.elements.withUnsafeMutableBufferPointer { pc in
                    cblas_sgemm(CblasRowMajor,
                                transposeA ? CblasTrans : CblasNoTrans,
                                transposeB ? CblasTrans : CblasNoTrans,
                                Int32(m), Int32(n), Int32(k), alpha,
                                pa.baseAddress, Int32(aColumns),
                                pb.baseAddress, Int32(bColumns),
                                beta, pc.baseAddress, Int32(n))
                }
            }
        }
    }

    /// The matrix product `op(self) * op(other)`.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        var result = Tensor.zeros([0])
        Tensor.gemm(self, transposeA: transposeSelf, other, transposeB: transposeOther, into: &result)
        return result
    }
}

/// Thread control for OpenBLAS.
public enum BLAS {
    /// Number of threads OpenBLAS uses for one call.
    public static var threadCount: Int {
        get { Int(openblas_get_num_threads()) }
    }

    /// Sets the number of threads OpenBLAS uses (it defaults to every core).
    public static func setThreadCount(_ count: Int) {
        openblas_set_num_threads(Int32(max(1, count)))
    }

    /// The CPU kernel OpenBLAS dispatched to at run time (e.g. "SkylakeX").
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }
}

extension BLAS {
    /// Row-major `c = alpha * op(a) * op(b) + beta * c` on raw pointers (`cblas_sgemm`).
    ///
    /// For hot loops that keep their own reusable buffers (the neural-network layers): no
    /// allocation, no shape checks beyond what the caller guarantees. `op(a)` is `m x k`,
    /// `op(b)` is `k x n`, `c` is `m x n`; the leading dimensions are the row lengths as stored.
    public static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, leadingA: Int,
                             b: UnsafePointer<Float>, leadingB: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, leadingC: Int) {
        if m == 0 || n == 0 { return }
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(leadingA), b, Int32(leadingB),
                    beta, c, Int32(leadingC))
    }
}
