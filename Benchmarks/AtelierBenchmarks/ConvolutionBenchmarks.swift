import Foundation
import NeuralNet
import TensorCore

/// Per-layer cost of one training step (forward + backward, input gradient included except for
/// first layers) of the convolution and pooling layers of cnn3 and LeNet-5, batch 64, OpenBLAS
/// single-threaded as in `Trainer.fit`. Minimum and median milliseconds over 40 repetitions:
/// the minimum is what the code costs; on a shared machine the median also carries the noise.
extension BenchmarkRegistry {
    static let convolution: [Benchmark] = [
        Benchmark(name: "nn-conv-layers") { ConvolutionBenchmark.run() },
    ]
}

enum ConvolutionBenchmark {
    struct Case {
        let label: String
        let layer: any Layer
        let inputShape: [Int]
        let needsInputGradient: Bool
    }

    static func run() {
        let cases = [
            Case(label: "cnn3 conv1 1->32 28x28 k3 p1", layer: Conv2D(1, 32, kernel: 3, padding: 1), inputShape: [1, 28, 28], needsInputGradient: false),
            Case(label: "cnn3 conv2 32->64 14x14 k3 p1", layer: Conv2D(32, 64, kernel: 3, padding: 1), inputShape: [32, 14, 14], needsInputGradient: true),
            Case(label: "cnn3 conv3 64->128 7x7 k3 p1", layer: Conv2D(64, 128, kernel: 3, padding: 1), inputShape: [64, 7, 7], needsInputGradient: true),
            Case(label: "cnn3 pool1 32x28x28", layer: MaxPool2D(2), inputShape: [32, 28, 28], needsInputGradient: true),
            Case(label: "cnn3 pool2 64x14x14", layer: MaxPool2D(2), inputShape: [64, 14, 14], needsInputGradient: true),
            Case(label: "cnn3 pool3 128x7x7", layer: MaxPool2D(2), inputShape: [128, 7, 7], needsInputGradient: true),
            Case(label: "lenet5 conv2 6->16 12x12 k5", layer: Conv2D(6, 16, kernel: 5), inputShape: [6, 12, 12], needsInputGradient: true),
        ]
        let batch = 64
        var generator = RandomGenerator(seed: 1)
        for item in cases {
            let shape = [batch] + item.inputShape
            let input = Tensor(shape: shape, elements: (0..<Tensor.count(of: shape)).map { _ in generator.uniform(-1, 1) })
            let output = item.layer.forward(input, training: true)
            let upstream = Tensor(shape: output.shape, elements: (0..<output.count).map { _ in generator.uniform(-1, 1) })
            var times: [Double] = []
            for _ in 0..<41 {
                times.append(seconds {
                    _ = item.layer.forward(input, training: true)
                    _ = item.layer.backward(upstream, needsInputGradient: item.needsInputGradient)
                })
            }
            times = Array(times.dropFirst()).sorted()
            report(item.label + " step", times[0] * 1000, "ms min", String(format: "median %.3f ms", times[times.count / 2] * 1000))
        }
    }
}

/// Every layer of cnn3 as the modern recipe builds it (batch norm, dropout 0.25), batch 128:
/// forward + backward of each layer on the activations the model itself passes along, minimum
/// and median of 20 steps. Where an epoch of the recipe goes, layer by layer (the optimizer
/// step, augmentation and batch gathering are not in it).
extension BenchmarkRegistry {
    static let recipeLayers: [Benchmark] = [
        Benchmark(name: "nn-cnn3-recipe-layers") { RecipeLayerBenchmark.run(batch: 128, batchNorm: true, dropout: 0.25) },
        Benchmark(name: "nn-cnn3-plain-layers") { RecipeLayerBenchmark.run(batch: 64, batchNorm: false, dropout: 0) },
    ]
}

enum RecipeLayerBenchmark {
    static func run(batch: Int, batchNorm: Bool, dropout: Double) {
        do {
            let model = try ModelZoo.make("cnn3", inputShape: [1, 28, 28], batchNorm: batchNorm, dropout: dropout, seed: 0)
            var generator = RandomGenerator(seed: 1)
            var input = Tensor(shape: [batch, 1, 28, 28], elements: (0..<(batch * 784)).map { _ in generator.uniform(0, 1) })
            var total = 0.0
            for (index, layer) in model.layers.enumerated() {
                let output = layer.forward(input, training: true)
                let upstream = Tensor(shape: output.shape, elements: (0..<output.count).map { _ in generator.uniform(-1, 1) })
                var times: [Double] = []
                for _ in 0..<21 {
                    times.append(seconds {
                        _ = layer.forward(input, training: true)
                        _ = layer.backward(upstream, needsInputGradient: index > 0)
                    })
                }
                times = Array(times.dropFirst()).sorted()
                total += times[0]
                report("\(index) \(layer.description) step", times[0] * 1000, "ms min", String(format: "median %.3f ms", times[times.count / 2] * 1000))
                input = output
            }
            report("cnn3 batch \(batch) all layers", total * 1000, "ms min (sum)", String(format: "%.1f s per 55,000 images", total * 55_000 / Double(batch)))
        } catch {
            fatalError("\(error)")
        }
    }
}
