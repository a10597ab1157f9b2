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
                    BLAS.splitGemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                                   a: pa.baseAddress!, leadingA: aColumns, b: pb.baseAddress!, leadingB: bColumns,
                                   beta: beta, c: pc.baseAddress!, leadingC: n)
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
