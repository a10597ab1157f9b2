import Testing
import TestSupport
@testable import TensorCore

/// `Tensor.gemm` (OpenBLAS `cblas_sgemm`) against a naive triple loop in Double.
@Suite("Matrix products")
struct MatmulTests {
    /// `alpha * op(a) * op(b) + beta * c` by definition, accumulated in Double.
    static func naive(_ a: Tensor, _ transposeA: Bool, _ b: Tensor, _ transposeB: Bool,
                      alpha: Double = 1, beta: Double = 0, c: Tensor? = nil) -> Tensor {
        let m = transposeA ? a.shape[1] : a.shape[0]
        let k = transposeA ? a.shape[0] : a.shape[1]
        let n = transposeB ? b.shape[0] : b.shape[1]
        var result = Tensor.zeros([m, n])
        for i in 0..<m {
            for j in 0..<n {
                var total = 0.0
                for p in 0..<k {
                    let x = transposeA ? a[p, i] : a[i, p]
                    let y = transposeB ? b[j, p] : b[p, j]
                    total += Double(x) * Double(y)
                }
                let previous = c.map { Double($0[i, j]) } ?? 0
                result[i, j] = Float(alpha * total + beta * previous)
            }
        }
        return result
    }

    @Test("random shapes, every transpose combination", arguments: [(false, false), (true, false), (false, true), (true, true)])
    func transposes(transposeA: Bool, transposeB: Bool) {
        var generator = RandomGenerator(seed: 11)
        for _ in 0..<6 {
            let m = 1 + generator.integer(below: 40), k = 1 + generator.integer(below: 40), n = 1 + generator.integer(below: 40)
            let a = Tensor.uniform(transposeA ? [k, m] : [m, k], low: -1, high: 1, generator: &generator)
            let b = Tensor.uniform(transposeB ? [n, k] : [k, n], low: -1, high: 1, generator: &generator)
            let product = a.matmul(b, transposeSelf: transposeA, transposeOther: transposeB)
            let expected = Self.naive(a, transposeA, b, transposeB)
            #expect(product.shape == [m, n])
            #expect(TestSupport.isClose(product, expected, tolerance: 1e-5), "m \(m) k \(k) n \(n)")
        }
    }

    @Test("alpha and beta accumulate into c")
    func accumulate() {
        var generator = RandomGenerator(seed: 12)
        let a = Tensor.uniform([5, 7], generator: &generator)
        let b = Tensor.uniform([5, 3], generator: &generator)
        let c0 = Tensor.uniform([7, 3], generator: &generator)
        var c = c0
        Tensor.gemm(a, transposeA: true, b, alpha: 0.5, beta: 2, into: &c)
        #expect(TestSupport.isClose(c, Self.naive(a, true, b, false, alpha: 0.5, beta: 2, c: c0), tolerance: 1e-5))
    }

    @Test("hand-worked 2x3 times 3x2, and a [batch, 1, 2, 2] operand read as [batch, 4]")
    func handWorked() {
        let a = Tensor(rows: [[1, 2, 3], [4, 5, 6]])
        let b = Tensor(rows: [[7, 8], [9, 10], [11, 12]])
        #expect(a.matmul(b) == Tensor(rows: [[58, 64], [139, 154]]))
        let images = Tensor(shape: [2, 1, 2, 2], elements: [1, 0, 0, 1, 2, 2, 2, 2])
        let weights = Tensor(shape: [4, 1], elements: [1, 2, 3, 4])
        #expect(images.matmul(weights) == Tensor(rows: [[5], [20]]))
    }

    @Test("an inner dimension of zero gives zeros (or beta * c)")
    func emptyInner() {
        var c = Tensor(shape: [2, 2], repeating: 3)
        Tensor.gemm(Tensor.zeros([2, 0]), Tensor.zeros([0, 2]), beta: 2, into: &c)
        #expect(c.elements == [6, 6, 6, 6])
    }

    /// Products Atelier splits over the cores (`BLAS.splitGemm`, by rows when m >= n, else by
    /// columns, with and without a row bias; `splitSyrkTransposed` by rows) against Double sums.
    /// OpenBLAS itself stays on one thread (its results depend on its thread count, see `BLAS`).
    @Test("split products equal the Double definition; OpenBLAS stays on one thread")
    func splitProducts() {
        var generator = RandomGenerator(seed: 5)
        for (m, n, k) in [(301, 45, 97), (13, 210, 50)] {
            let a = Tensor.uniform([m, k], low: -1, high: 1, generator: &generator)
            let b = Tensor.uniform([k, n], low: -1, high: 1, generator: &generator)
            let bias = (0..<n).map { Float($0) / 10 }
            for withBias in [false, true] {
                var c = [Float](repeating: 7, count: m * n)
                a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in bias.withUnsafeBufferPointer { pbias in
                    BLAS.splitGemm(transposeA: false, transposeB: false, m: m, n: n, k: k, a: pa.baseAddress!, leadingA: k,
                                   b: pb.baseAddress!, leadingB: n, rowBias: withBias ? pbias.baseAddress! : nil,
                                   c: &c, leadingC: n, minimumWork: 1)
                } } }
                var worst = 0.0
                for i in 0..<m {
                    for j in 0..<n {
                        var sum = withBias ? Double(bias[j]) : 0
                        for t in 0..<k { sum += Double(a[i, t]) * Double(b[t, j]) }
                        worst = max(worst, abs(sum - Double(c[i * n + j])))
                    }
                }
                #expect(worst < 1e-4, "\(m)x\(n)x\(k), bias \(withBias): \(worst)")
            }
        }
        let a = Tensor.uniform([301, 97], low: -1, high: 1, generator: &generator)
        var gram = [Float](repeating: 0, count: 97 * 97)
        a.withUnsafeBufferPointer { pa in
            BLAS.splitSyrkTransposed(n: 97, k: 301, a: pa.baseAddress!, leadingA: 97, c: &gram, leadingC: 97, minimumWork: 1)
        }
        var worstGram = 0.0
        for i in 0..<97 {
            for j in i..<97 {
                var sum = 0.0
                for r in 0..<301 { sum += Double(a[r, i]) * Double(a[r, j]) }
                worstGram = max(worstGram, abs(sum - Double(gram[i * 97 + j])))
            }
        }
        #expect(worstGram < 1e-3)
        #expect(BLAS.threadCount == 1)
    }
}
