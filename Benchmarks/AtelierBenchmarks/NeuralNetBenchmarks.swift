import Datasets
import Foundation
import NeuralNet
import TensorCore

/// Training speed and accuracy of the seeds' models on MNIST, side by side with
/// `Benchmarks/python/torch_reference.py` (same models, batches, optimizers, PyTorch init).
/// `ATELIER_NN_EPOCHS` (default 1) sets the epochs; every epoch's seconds and the test metric
/// after it are printed. Threads: OpenBLAS' default (both cores) plus the layers' own split.
extension BenchmarkRegistry {
    static let neuralNet: [Benchmark] = [
        Benchmark(name: "nn-shallow") { NeuralNetBenchmark.train("shallow", batch: 32, optimizer: SGD(learningRate: 0.01)) },
        Benchmark(name: "nn-mlp") { NeuralNetBenchmark.train("mlp", batch: 100, optimizer: Adam(learningRate: 5e-4)) },
        Benchmark(name: "nn-lenet5") { NeuralNetBenchmark.train("lenet5", batch: 64, optimizer: Adam(learningRate: 1e-3)) },
        Benchmark(name: "nn-cnn3") { NeuralNetBenchmark.train("cnn3", batch: 64, optimizer: Adam(learningRate: 1e-3)) },
        Benchmark(name: "nn-autoencoder") { NeuralNetBenchmark.train("autoencoder", batch: 128, optimizer: Adam(learningRate: 1e-3)) },
        Benchmark(name: "nn-conv1d") { NeuralNetBenchmark.train("conv1d", batch: 64, optimizer: Adam(learningRate: 1e-3)) },
        Benchmark(name: "nn-lenet5-fashion") {
            NeuralNetBenchmark.train("lenet5", batch: 64, optimizer: Adam(learningRate: 1e-3), dataset: "fashion-mnist")
        },
        Benchmark(name: "nn-lenet5-inference") { NeuralNetBenchmark.inference() },
        Benchmark(name: "nn-autoencoder-oracle") { AutoencoderOracle.run() },
    ]
}

enum NeuralNetBenchmark {
    static var epochs: Int { Int(ProcessInfo.processInfo.environment["ATELIER_NN_EPOCHS"] ?? "") ?? 1 }
    /// `ATELIER_NN_LIMIT` trains on the first N images only (for profiling).
    static var limit: Int? { Int(ProcessInfo.processInfo.environment["ATELIER_NN_LIMIT"] ?? "") }
    /// `ATELIER_NN_SEED` (default 0) seeds the initialisation and the shuffles, as
    /// `torch_reference.py --seed`, for accuracy comparisons over several seeds.
    static var seed: UInt64 { UInt64(ProcessInfo.processInfo.environment["ATELIER_NN_SEED"] ?? "") ?? 0 }

    static func load(_ dataset: String, model: Sequential) -> (Tensor, [Int], Tensor, [Int]) {
        do {
            let train = try Dataset.named(dataset, split: .train).prefix(limit)
            let test = try Dataset.named(dataset, split: .test)
            let shape = model.inputShape ?? [train.featureCount]
            return (train.images().reshaped([train.count] + shape), train.labels,
                    test.images().reshaped([test.count] + shape), test.labels)
        } catch {
            fatalError("cannot load \(dataset): \(error)")
        }
    }

    static func train(_ name: String, batch: Int, optimizer: any Optimizer, dataset: String = "mnist") {
        do {
            let model = try ModelZoo.make(name, seed: seed)
            let (trainX, trainY, testX, testY) = load(dataset, model: model)
            let autoencoder = ModelZoo.isAutoencoder(model)
            let trainTargets = autoencoder ? trainX.reshaped([trainX.rowCount, -1]) : Tensor(classIndices: trainY)
            let testTargets = autoencoder ? testX.reshaped([testX.rowCount, -1]) : Tensor(classIndices: testY)
            let label = "\(name)\(dataset == "mnist" ? "" : " (\(dataset))") batch \(batch) \(optimizer.name)"
            let trainer = Trainer(epochs: epochs, batchSize: batch, loss: ModelZoo.defaultLoss(for: name),
                                  optimizer: optimizer, seed: seed, showsProgress: false) { record in
                let metric = record.validationAccuracy.map { String(format: "test accuracy %.2f %%", $0 * 100) }
                    ?? String(format: "test MSE %.4f", record.validationLoss ?? .nan)
                report("\(label) epoch \(record.epoch)", record.seconds, "s/epoch", metric)
            }
            let history = try trainer.fit(model, inputs: trainX, targets: trainTargets, validation: (testX, testTargets))
            let seconds = history.records.map(\.seconds)
            report("\(label) median", seconds.sorted()[seconds.count / 2], "s/epoch",
                   "products split over \(Parallel.workerCount) cores, OpenBLAS 1 thread")
        } catch {
            fatalError("\(name): \(error)")
        }
    }

    static func inference() {
        do {
            let model = try ModelZoo.make("lenet5", seed: 0)
            let (_, _, testX, _) = load("mnist", model: model)
            let time = medianSeconds(repetitions: 5) { _ = model.predict(testX, batchSize: 1000) }
            report("lenet5 inference, batch 1000", Double(testX.rowCount) / time, "images/s")
        } catch {
            fatalError("\(error)")
        }
    }
}
