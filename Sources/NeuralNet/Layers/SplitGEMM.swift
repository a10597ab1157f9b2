import TensorCore

/// Matrix products for the layers: one `sgemm`, or blocks on the cores (`BLAS.splitGemm`).
///
/// OpenBLAS runs on one thread in Atelier (see `BLAS`), so the layers split each large product
/// themselves, along its longer output side, into blocks computed concurrently by
/// single-threaded `sgemm` calls. `hot: true` runs them on `HotWorkers` (whose helper is awake
/// during a training step), otherwise on `Parallel`. Training and inference take the same
/// path, so a model gives the same outputs in `fit`'s validation and in `predict`.
enum SplitGEMM {
    /// Below this many multiply-adds one call on one core is as fast as two, when the halves
    /// go through `Parallel` (libdispatch, whose parked workers take tens of µs to wake on this
    /// VM). Measured idle, one MNIST epoch: 2^18 -> 2^23 took the autoencoder (batch 128) from
    /// 1.14-1.20 s to 1.03-1.07 s. The convolution layers use this path.
    static let splitThreshold = BLAS.splitThreshold
    /// The same on `HotWorkers` (the Linear layers): its helper is awake, so splitting pays
    /// from far smaller products. 2^20 splits shallow's 784x300 products at batch 32 (7.5 M):
    /// its epoch went 0.84-0.86 s -> 0.64-0.76 s against 2^23 in alternating runs.
    static let hotSplitThreshold = 1 << 20

    static func sgemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                      a: UnsafePointer<Float>, leadingA: Int, b: UnsafePointer<Float>, leadingB: Int,
                      beta: Float = 0, rowBias: UnsafePointer<Float>? = nil,
                      c: UnsafeMutablePointer<Float>, leadingC: Int, hot: Bool = false) {
        BLAS.splitGemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                       a: a, leadingA: leadingA, b: b, leadingB: leadingB, beta: beta, rowBias: rowBias,
                       c: c, leadingC: leadingC, minimumWork: hot ? hotSplitThreshold : splitThreshold,
                       runner: hot ? { parts, body in HotWorkers.shared.run(parts: parts, body) } : nil)
    }
}
