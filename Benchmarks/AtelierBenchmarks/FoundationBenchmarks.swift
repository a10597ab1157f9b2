import Foundation
import TensorCore
import CBLAS
import Datasets

extension BenchmarkRegistry {
    static let foundation: [Benchmark] = [
        Benchmark(name: "sgemm") {
            let (n, a, b, flops) = SquareProduct.operands()
            var c = Tensor.zeros([n, n])
            // The reference: OpenBLAS called directly with its own threads, one per core (Atelier
            // keeps OpenBLAS on one thread and splits products itself, see `BLAS`; this benchmark
            // process runs nothing else meanwhile, so switching the count here is safe).
            func callDirectly() {
                openblas_set_num_threads(Int32(Parallel.workerCount))
                defer { openblas_set_num_threads(1) }
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
            // In blocks of five, with a pause after OpenBLAS' threaded calls (its idle threads keep
            // spinning for a while after a call and would take a core from the split product) and
            // three untimed products after the pause: on this VM the first few parallel sections
            // after an idle spell run at one core's speed (`sgemm-split` shows it), while
            // OpenBLAS' spinning threads never go idle between its timed calls.
            for _ in 0..<3 {
                for _ in 0..<3 { Tensor.gemm(a, b, into: &c) }
                for _ in 0..<5 { tensorTimes.append(seconds { Tensor.gemm(a, b, into: &c) }) }
                for _ in 0..<5 { directTimes.append(seconds { callDirectly() }) }
                usleep(500_000)
            }
            let viaTensor = tensorTimes.sorted()[7]
            let direct = directTimes.sorted()[7]
            report("sgemm 1024^3 via Tensor.gemm", flops / viaTensor / 1e9, "GFLOP/s",
                   "median of 15, split over \(Parallel.workerCount) cores, OpenBLAS 1 thread, core \(BLAS.coreName)")
            report("sgemm 1024^3 direct cblas_sgemm", flops / direct / 1e9, "GFLOP/s", "OpenBLAS \(Parallel.workerCount) threads")
            report("sgemm Tensor / direct", direct / viaTensor * 100, "%")
        },
        // Tensor.gemm alone (no threaded OpenBLAS call in the process): every run, in order.
        Benchmark(name: "sgemm-split") {
            let (n, a, b, flops) = SquareProduct.operands()
            var c = Tensor.zeros([n, n])
            let times = (0..<15).map { _ in seconds { Tensor.gemm(a, b, into: &c) } }
            report("sgemm 1024^3 via Tensor.gemm, alone", flops / times.sorted()[7] / 1e9, "GFLOP/s",
                   times.map { String(format: "%.0f", flops / $0 / 1e9) }.joined(separator: " "))
        },
        Benchmark(name: "mnist-load") { MNISTLoadBenchmark.run() },
        Benchmark(name: "scalers") { ScalerBenchmark.run() },
        Benchmark(name: "tensor-ops") { TensorOpsBenchmark.run() },
    ]
}

/// The 1024 x 1024 operands of the sgemm benchmarks and the flops of their product.
enum SquareProduct {
    static func operands() -> (n: Int, a: Tensor, b: Tensor, flops: Double) {
        let n = 1024
        var generator = RandomGenerator(seed: 0)
        let a = Tensor.uniform([n, n], generator: &generator)
        let b = Tensor.uniform([n, n], generator: &generator)
        return (n, a, b, 2.0 * Double(n * n * n))
    }
}
