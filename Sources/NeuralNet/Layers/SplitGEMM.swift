import TensorCore

/// Matrix products for the layers: one `sgemm`, or two halves on the two cores.
///
/// OpenBLAS' own threads busy-wait (`sched_yield`) between calls, and in a training step the
/// calls alternate with im2col, pooling and activation loops that `Parallel` spreads over the
/// same two cores: profiles of cnn3 showed ~20 % of the time in the scheduler. So `Trainer.fit`
/// sets OpenBLAS to one thread and the layers split each large product themselves, along its
/// longer output side, into halves computed concurrently by single-threaded `sgemm` calls
/// (`hot: true` runs them on `HotWorkers`, otherwise on `Parallel`). When OpenBLAS runs several
/// threads (outside training), the product is left to it whole.
enum SplitGEMM {
    /// Below this many multiply-adds one call on one core is as fast as two, when the halves
    /// go through `Parallel` (libdispatch, whose parked workers take tens of µs to wake on this
    /// VM). Measured idle, one MNIST epoch: 2^18 -> 2^23 took the autoencoder (batch 128) from
    /// 1.14-1.20 s to 1.03-1.07 s. The convolution layers use this path.
    static let splitThreshold = 1 << 23
    /// The same on `HotWorkers` (the Linear layers): its helper is awake, so splitting pays
    /// from far smaller products. 2^20 splits shallow's 784x300 products at batch 32 (7.5 M):
    /// its epoch went 0.84-0.86 s -> 0.64-0.76 s against 2^23 in alternating runs.
    static let hotSplitThreshold = 1 << 20

    static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                      a: UnsafePointer<Float>, leadingA: Int, b: UnsafePointer<Float>, leadingB: Int,
                      beta: Float = 0, rowBias: UnsafePointer<Float>? = nil,
                      c: UnsafeMutablePointer<Float>, leadingC: Int, hot: Bool = false) {
        // With `rowBias` (n values), C = bias in every row + op(A) op(B): each block of C is
        // filled with the bias, then its product is added with beta = 1.
        let effectiveBeta: Float = rowBias == nil ? beta : 1
        let workers = Parallel.workerCount
        guard workers > 1, m * n * k >= (hot ? hotSplitThreshold : splitThreshold), BLAS.threadCount == 1,
              max(m, n) >= 2 * workers else {
            if let rowBias { fill(c, leadingC: leadingC, rows: 0..<m, columns: 0..<n, bias: rowBias) }
            BLAS.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, a: a, leadingA: leadingA,
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
                BLAS.sgemm(transposeA: transposeA, transposeB: transposeB, m: end - start, n: n, k: k,
                           a: aPointer.base + aOffset, leadingA: leadingA, b: bPointer.base, leadingB: leadingB,
                           beta: effectiveBeta, c: cPointer.base + start * leadingC, leadingC: leadingC)
            } else {
                if let biasPointer {
                    fill(cPointer.base, leadingC: leadingC, rows: 0..<m, columns: start..<end, bias: biasPointer.base)
                }
                let bOffset = transposeB ? start * leadingB : start
                BLAS.sgemm(transposeA: transposeA, transposeB: transposeB, m: m, n: end - start, k: k,
                           a: aPointer.base, leadingA: leadingA, b: bPointer.base + bOffset, leadingB: leadingB,
                           beta: effectiveBeta, c: cPointer.base + start, leadingC: leadingC)
            }
        }
        if hot {
            HotWorkers.shared.run(parts: workers, part)
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
