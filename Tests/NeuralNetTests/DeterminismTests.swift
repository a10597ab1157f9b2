import Foundation
import NeuralNet
import Synchronization
import TensorCore
import Testing

/// The same seed gives the same bits, whatever else the process runs at the time.
///
/// Why this is a test: OpenBLAS' results depend on its thread count, a process-wide setting.
/// Training used to lower it to one and restore it afterwards, so a model trained or evaluated
/// while another thread trained took other paths and roundings (a report batch run twice in one
/// process gave different figures). Now OpenBLAS stays on one thread and Atelier's own splits
/// depend only on shapes and the core count (see `BLAS`).
@Suite("Training: same seed, same bits under concurrent work")
struct DeterminismTests {
    /// A dense and a convolutional model large enough for every split path (hot split Linear
    /// products, blocked convolutions), small enough for a debug build.
    static func models() -> [(Sequential, Tensor, Tensor)] {
        var generator = RandomGenerator(seed: 3)
        let images = Tensor.uniform([96, 1, 12, 12], low: 0, high: 1, generator: &generator)
        let labels = Tensor(classIndices: (0..<96).map { $0 % 10 })
        let dense = Sequential(inputShape: [144], seed: 7) { Linear(144, 160); ReLU(); Linear(160, 10) }
        let convolutional = Sequential(inputShape: [1, 12, 12], seed: 7) {
            Conv2D(1, 8, kernel: 3, padding: 1); ReLU(); MaxPool2D(2)
            Conv2D(8, 16, kernel: 3, padding: 1); ReLU(); Flatten(); Linear(16 * 36, 10)
        }
        return [(dense, images.reshaped([96, 144]), labels), (convolutional, images, labels)]
    }

    /// Trains each model two epochs and returns its weights and its outputs at inference.
    static func trainAndPredict() throws -> [[Float]] {
        try models().map { model, x, y in
            let trainer = Trainer(epochs: 2, batchSize: 48, loss: CrossEntropy(), optimizer: Adam(learningRate: 1e-3),
                                  seed: 1, showsProgress: false)
            try trainer.fit(model, inputs: x, targets: y, validation: (x, y))
            return model.parameters.flatMap { $0.value.elements } + model.predict(x).elements
        }
    }

    @Test func sameBitsAloneAndBesideOtherTrainingAndProducts() throws {
        let alone = try Self.trainAndPredict()
        let stop = StopFlag()
        let background = Thread {
            var generator = RandomGenerator(seed: 9)
            let a = Tensor.uniform([128, 784], low: -1, high: 1, generator: &generator)
            let b = Tensor.uniform([784, 128], low: -1, high: 1, generator: &generator)
            while !stop.value.load(ordering: .relaxed) {
                _ = a.matmul(b)
                _ = try? Self.trainAndPredict()
            }
        }
        background.start()
        defer { stop.value.store(true, ordering: .relaxed) }
        for _ in 0..<2 {
            #expect(try Self.trainAndPredict() == alone)
        }
    }
}

private final class StopFlag: Sendable {
    let value = Atomic<Bool>(false)
}
