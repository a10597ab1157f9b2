import Foundation
import TensorCore
import CBLAS
import Datasets

extension BenchmarkRegistry {
    static let foundation: [Benchmark] = [
        Benchmark(name: "sgemm") {
            let n = 1024
            var generator = RandomGenerator(seed: 0)
            let a = Tensor.uniform([n, n], generator: &generator)
            let b = Tensor.uniform([n, n], generator: &generator)
            var c = Tensor.zeros([n, n])
            let flops = 2.0 * Double(n * n * n)
            let viaTensor = medianSeconds(repetitions: 9) { Tensor.gemm(a, b, into: &c) }
            let direct = medianSeconds(repetitions: 9) {
                a.elements.withUnsafeBufferPointer { pa in
                    b.elements.withUnsafeBufferPointer { pb in
                        c.elements.withUnsafeMutableBufferPointer { pc in
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n),
                                        1, pa.baseAddress, Int32(n), pb.baseAddress, Int32(n), 0, pc.baseAddress, Int32(n))
                        }
                    }
                }
            }
            report("sgemm 1024^3 via Tensor.gemm", flops / viaTensor / 1e9, "GFLOP/s", "threads \(BLAS.threadCount), core \(BLAS.coreName)")
            report("sgemm 1024^3 direct cblas_sgemm", flops / direct / 1e9, "GFLOP/s")
            report("sgemm Tensor / direct", direct / viaTensor * 100, "%")
        },
        Benchmark(name: "mnist-load") { MNISTLoadBenchmark.run() },
    ]
}
