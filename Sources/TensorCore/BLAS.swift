import CBLAS

/// OpenBLAS entry points, and the one rule for its threads: OpenBLAS always runs on one thread,
/// and Atelier splits products large enough to gain from several cores itself (`splitGemm`).
///
/// Why: OpenBLAS' result depends on its thread count (with two threads it blocks the inner
/// dimension differently: about 12,000 of the 16,384 elements of a 128 x 784 x 128 product differ
/// in their last bits from the one-thread result), and that count is one setting for the whole
/// process. Training used to lower it to one for its own per-core products and raise it again
/// after; a report computed while another thread trained then took other paths and other
/// roundings, so the same seed did not always give the same numbers. With the count fixed and
/// the splits depending only on the shapes and `Parallel.workerCount`, a computation gives the
/// same bits whatever else the process runs. `splitGemm` splits along the output's longer side,
/// where single-threaded OpenBLAS already reaches its full per-core speed, so little is lost.
public enum BLAS {
    /// Sets OpenBLAS to one thread, once, before the first call through this enum or `LAPACK`.
    private static let singleThreaded: Void = openblas_set_num_threads(1)

    /// Makes sure OpenBLAS runs on one thread (cheap after the first call). Every BLAS or LAPACK
    /// call in Atelier goes through a function that calls this first.
    @inline(__always)
    public static func prepare() { _ = singleThreaded }

    /// Number of threads OpenBLAS itself uses for one call (1 once anything has called `prepare`).
    public static var threadCount: Int {
        prepare()
        return Int(openblas_get_num_threads())
    }

    /// The CPU kernel OpenBLAS dispatched to at run time (e.g. "SkylakeX").
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Row-major `c = alpha * op(a) * op(b) + beta * c` on raw pointers (`cblas_sgemm`), on the
    /// calling thread: for loops that already split their work over the cores.
    ///
    /// `op(a)` is `m x k`, `op(b)` is `k x n`, `c` is `m x n`; the leading dimensions are the row
    /// lengths as stored. No allocation and no checks beyond what the caller guarantees.
    @inline(__always)
    public static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                             alpha: Float = 1, a: UnsafePointer<Float>, leadingA: Int,
                             b: UnsafePointer<Float>, leadingB: Int,
                             beta: Float = 0, c: UnsafeMutablePointer<Float>, leadingC: Int) {
        if m == 0 || n == 0 { return }
        prepare()
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(leadingA), b, Int32(leadingB),
                    beta, c, Int32(leadingC))
    }

    /// `sgemm` with the arguments in the order of the distance computations
    /// (`c = alpha * op(a) * op(b) + beta * c`), on the calling thread.
    @inline(__always)
    public static func gemm(m: Int, n: Int, k: Int,
                            a: UnsafePointer<Float>, leadingA: Int, transposeA: Bool = false,
                            b: UnsafePointer<Float>, leadingB: Int, transposeB: Bool = false,
                            c: UnsafeMutablePointer<Float>, leadingC: Int,
                            alpha: Float = 1, beta: Float = 0) {
        sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, leadingA: leadingA,
              b: b, leadingB: leadingB, beta: beta, c: c, leadingC: leadingC)
    }

    /// Row-major symmetric rank-k update of the upper triangle: `c = alpha * aᵀ a + beta * c`
    /// for `a` of shape `[k, n]` and `c` of shape `[n, n]` (only the upper triangle is written),
    /// on the calling thread.
    public static func syrkTransposed(n: Int, k: Int, a: UnsafePointer<Float>, leadingA: Int,
                                      c: UnsafeMutablePointer<Float>, leadingC: Int,
                                      alpha: Float = 1, beta: Float = 0) {
        prepare()
        cblas_ssyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(k), alpha, a, Int32(leadingA),
                    beta, c, Int32(leadingC))
    }

    /// `syrkTransposed` split over the cores: the `k` rows of `a` are cut into
    /// `Parallel.workerCount` blocks, each block's `aᵀ a` is computed by one single-threaded
    /// `ssyrk` into a buffer of its own, and the blocks' results are added (in block order, so
    /// the result depends only on the shapes and the core count). Overwrites `c`'s upper triangle.
    public static func splitSyrkTransposed(n: Int, k: Int, a: UnsafePointer<Float>, leadingA: Int,
                                           c: UnsafeMutablePointer<Float>, leadingC: Int,
                                           minimumWork: Int = splitThreshold) {
        let workers = Parallel.workerCount
        guard workers > 1, n * n * k >= minimumWork, k >= 2 * workers else {
            syrkTransposed(n: n, k: k, a: a, leadingA: leadingA, c: c, leadingC: leadingC)
            return
        }
        let rowsPerPart = (k + workers - 1) / workers
        var partials = [Float](repeating: 0, count: (workers - 1) * n * n)
        let source = SendablePointer(UnsafeMutablePointer(mutating: a))
        let target = SendablePointer(c)
        partials.withUnsafeMutableBufferPointer { buffer in
            let extra = SendablePointer(buffer.baseAddress!)
            Parallel.forEachChunk(workers) { parts in
                for part in parts {
                    let start = part * rowsPerPart, end = min(k, start + rowsPerPart)
                    let output = part == 0 ? target.base : extra.base + (part - 1) * n * n
                    let leading = part == 0 ? leadingC : n
                    if start >= end {
                        for i in 0..<n { (output + i * leading + i).update(repeating: 0, count: n - i) }
                        continue
                    }
                    syrkTransposed(n: n, k: end - start, a: source.base + start * leadingA, leadingA: leadingA,
                                   c: output, leadingC: leading)
                }
            }
            for part in 1..<workers {
                let block = extra.base + (part - 1) * n * n
                for i in 0..<n {
                    let row = c + i * leadingC, blockRow = block + i * n
                    for j in i..<n { row[j] += blockRow[j] }
                }
            }
        }
    }

    /// Below this many multiply-adds a product runs on one core: splitting it costs more in
    /// waking workers (libdispatch parks them; tens of µs on this VM) than it saves.
    public static let splitThreshold = 1 << 23

    /// Runs `body(0) ... body(parts - 1)` concurrently and returns when all have finished.
    public typealias PartRunner = (_ parts: Int, _ body: @escaping @Sendable (Int) -> Void) -> Void

    /// `sgemm` split over the cores: products of at least `minimumWork` multiply-adds are cut
    /// along their longer output side into `Parallel.workerCount` blocks, each one
    /// single-threaded `sgemm` run by `runner` (by default `Parallel`). With `rowBias` (`n`
    /// values) every row of `c` is first set to the bias and the product added to it
    /// (`beta` is then ignored): the bias costs no extra pass over a block that is not in cache.
    ///
    /// The blocks depend only on the shapes and the core count, so the result does too.
    public static func splitGemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float = 1,
                                 a: UnsafePointer<Float>, leadingA: Int, b: UnsafePointer<Float>, leadingB: Int,
                                 beta: Float = 0, rowBias: UnsafePointer<Float>? = nil,
                                 c: UnsafeMutablePointer<Float>, leadingC: Int,
                                 minimumWork: Int = splitThreshold, runner: PartRunner? = nil) {
        if m == 0 || n == 0 { return }
        let effectiveBeta: Float = rowBias == nil ? beta : 1
        let workers = Parallel.workerCount
        guard workers > 1, m * n * k >= minimumWork, max(m, n) >= 2 * workers else {
            if let rowBias { fill(c, leadingC: leadingC, rows: 0..<m, columns: 0..<n, bias: rowBias) }
            sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha, a: a, leadingA: leadingA,
                  b: b, leadingB: leadingB, beta: effectiveBeta, c: c, leadingC: leadingC)
            return
        }
        let aPointer = SendablePointer(UnsafeMutablePointer(mutating: a))
        let bPointer = SendablePointer(UnsafeMutablePointer(mutating: b))
        let cPointer = SendablePointer(c)
        let biasPointer = rowBias.map { SendablePointer(UnsafeMutablePointer(mutating: $0)) }
        let splitRows = m >= n
        let extent = splitRows ? m : n
        let chunk = (extent + workers - 1) / workers
        let part: @Sendable (Int) -> Void = { part in
            let start = part * chunk
            let end = min(extent, start + chunk)
            guard start < end else { return }
            if splitRows {
                if let biasPointer {
                    fill(cPointer.base, leadingC: leadingC, rows: start..<end, columns: 0..<n, bias: biasPointer.base)
                }
                let aOffset = transposeA ? start : start * leadingA
                sgemm(transposeA: transposeA, transposeB: transposeB, m: end - start, n: n, k: k, alpha: alpha,
                      a: aPointer.base + aOffset, leadingA: leadingA, b: bPointer.base, leadingB: leadingB,
                      beta: effectiveBeta, c: cPointer.base + start * leadingC, leadingC: leadingC)
            } else {
                if let biasPointer {
                    fill(cPointer.base, leadingC: leadingC, rows: 0..<m, columns: start..<end, bias: biasPointer.base)
                }
                let bOffset = transposeB ? start * leadingB : start
                sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: end - start, k: k, alpha: alpha,
                      a: aPointer.base, leadingA: leadingA, b: bPointer.base + bOffset, leadingB: leadingB,
                      beta: effectiveBeta, c: cPointer.base + start, leadingC: leadingC)
            }
        }
        if let runner {
            runner(workers, part)
        } else {
            Parallel.forEachChunk(workers) { parts in for index in parts { part(index) } }
        }
    }

    /// `c[row, column] = bias[column]` over the block.
    private static func fill(_ c: UnsafeMutablePointer<Float>, leadingC: Int, rows: Range<Int>, columns: Range<Int>,
                             bias: UnsafePointer<Float>) {
        for row in rows {
            (c + row * leadingC + columns.lowerBound).update(from: bias + columns.lowerBound, count: columns.count)
        }
    }
}
