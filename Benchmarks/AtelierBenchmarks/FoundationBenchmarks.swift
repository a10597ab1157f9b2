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
            func callDirectly() {
                a.elements.withUnsafeBufferPointer { pa in
                    b.elements.withUnsafeBufferPointer { pb in
                        c.elements.withUnsafeMutableBufferPointer { pc in
                            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n),
                                        1, pa.baseAddress, Int32(n), pb.baseAddress, Int32(n), 0, pc.baseAddress, Int32(n))
                        }
                    }
                }
            }
            // Alternate the two so that a change in machine load hits both alike.
            Tensor.gemm(a, b, into: &c)
            callDirectly()
            var tensorTimes: [Double] = [], directTimes: [Double] = []
            for _ in 0..<15 {
                tensorTimes.append(seconds { Tensor.gemm(a, b, into: &c) })
                directTimes.append(seconds { callDirectly() })
            }
            let viaTensor = tensorTimes.sorted()[7]
            let direct = directTimes.sorted()[7]
            report("sgemm 1024^3 via Tensor.gemm", flops / viaTensor / 1e9, "GFLOP/s", "median of 15, threads \(BLAS.threadCount), core \(BLAS.coreName)")
            report("sgemm 1024^3 direct cblas_sgemm", flops / direct / 1e9, "GFLOP/s")
            report("sgemm Tensor / direct", direct / viaTensor * 100, "%")
        },
        Benchmark(name: "mnist-load") { MNISTLoadBenchmark.run() },
        Benchmark(name: "scalers") { ScalerBenchmark.run() },
        Benchmark(name: "tensor-ops") { TensorOpsBenchmark.run() },
    ]
}
