import Foundation
import TensorCore

/// "tensor-ops": element-wise arithmetic with broadcasting and reductions on a Float32
/// `[60000, 784]` matrix, median of 5, next to NumPy (`Benchmarks/python/tensor_ops.py`).
enum TensorOpsBenchmark {
    static func run() {
        var generator = RandomGenerator(seed: 0)
        let x = Tensor.uniform([60_000, 784], generator: &generator)
        let row = Tensor.uniform([784], generator: &generator)
        let column = Tensor.uniform([60_000, 1], generator: &generator)
        var sink: Float = 0
        let operations: [(String, () -> Void)] = [
            ("x+row", { sink += (x + row).elements[1] }),
            ("x/column", { sink += (x / column).elements[1] }),
            ("x*2", { sink += (x * 2).elements[1] }),
            ("sum", { sink += x.sum() }),
            ("sum(axis:0)", { sink += x.sum(axis: 0).elements[0] }),
            ("sum(axis:1)", { sink += x.sum(axis: 1).elements[0] }),
            ("max(axis:1)", { sink += x.max(axis: 1).elements[0] }),
            ("argmax(axis:1)", { sink += Float(x.argmax(axis: 1)[0]) }),
        ]
        let reference = ScalerBenchmark.python("tensor_ops.py", [])
        for (name, body) in operations {
            let seconds = medianSeconds(repetitions: 5, body)
            if let numpy = reference?[name] {
                report("tensor-ops \(name)", seconds, "s", String(format: "NumPy %.4f s, ratio %.2fx", numpy, seconds / numpy))
            } else {
                report("tensor-ops \(name)", seconds, "s", "NumPy reference unavailable")
            }
        }
        if sink.isNaN { print("") }  // keeps the results alive
    }
}
