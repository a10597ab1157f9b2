import Datasets
import Foundation
import NeuralNet
import TensorCore

/// Issue 15's oracle experiment, Atelier side: the autoencoder trained on given random draws, to
/// tell the training arithmetic apart from the luck of the draws (Benchmarks/results/neuralnet.md).
///
/// `ATELIER_AE_ORACLE=DIR` holds PyTorch's draws from `Benchmarks/python/autoencoder_draws.py
/// draws`: initial weights `param0..7.bin` (Float32) and one permutation per epoch `order.bin`
/// (Int32). By default the model starts from those weights, steps through that order exactly as
/// `autoencoder_draws.py train` does and prints every step's loss (`ATELIER_AE_QUIET`: only the
/// test MSE after each epoch), for a step-by-step comparison. Other switches:
/// - `ATELIER_AE_OWN_INIT`: Atelier's initialisation for `ATELIER_NN_SEED` instead of the files';
/// - `ATELIER_AE_TRAINER`: the benchmark's path instead, `Trainer` with its own shuffles
///   (seed `ATELIER_AE_SHUFFLE_SEED`, default `ATELIER_NN_SEED`) for `ATELIER_NN_EPOCHS`;
/// - `ATELIER_AE_EXPORT=DIR`: write Atelier's own draws for the seed (weights and the Trainer's
///   first permutation) in the same format, for `autoencoder_draws.py train`, and stop.
enum AutoencoderOracle {
    static func run() {
        let environment = ProcessInfo.processInfo.environment
        let folder = environment["ATELIER_AE_ORACLE"] ?? "."
        let seed = NeuralNetBenchmark.seed
        let model = try! ModelZoo.make("autoencoder", seed: seed)
        if let export = environment["ATELIER_AE_EXPORT"] {
            try! FileManager.default.createDirectory(atPath: export, withIntermediateDirectories: true)
            for (k, parameter) in model.parameters.enumerated() {
                try! parameter.value.elements.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: "\(export)/param\(k).bin"))
            }
            var generator = RandomGenerator(seed: seed)
            let permutation = generator.permutation(60000).map(Int32.init)
            try! permutation.withUnsafeBytes { Data($0) }.write(to: URL(fileURLWithPath: "\(export)/order.bin"))
            return
        }
        if environment["ATELIER_AE_OWN_INIT"] == nil {
            for (k, parameter) in model.parameters.enumerated() {
                let data = try! Data(contentsOf: URL(fileURLWithPath: "\(folder)/param\(k).bin"))
                parameter.value.elements = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            }
        }
        let train = try! Dataset.named("mnist", split: .train), test = try! Dataset.named("mnist", split: .test)
        let x = train.images().reshaped([train.count, 784]), testX = test.images().reshaped([test.count, 784])
        let optimizer = Adam(learningRate: 1e-3)
        let loss = MeanSquaredError()
        if environment["ATELIER_AE_TRAINER"] != nil {
            let shuffleSeed = UInt64(environment["ATELIER_AE_SHUFFLE_SEED"] ?? "") ?? seed
            let trainer = Trainer(epochs: NeuralNetBenchmark.epochs, batchSize: 128, loss: loss, optimizer: optimizer,
                                  seed: shuffleSeed, showsProgress: false)
            let history = try! trainer.fit(model, inputs: x, targets: x, validation: (testX, testX))
            for record in history.records { print(String(format: "epoch %d test MSE %.6f", record.epoch, record.validationLoss ?? .nan)) }
            return
        }
        let orderData = try! Data(contentsOf: URL(fileURLWithPath: "\(folder)/order.bin"))
        let order = orderData.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)).map(Int.init) }
        let perEpoch = (train.count + 127) / 128
        let quiet = environment["ATELIER_AE_QUIET"] != nil
        for epoch in 0..<(order.count / train.count) {
            for batch in 0..<perEpoch {
                let start = epoch * train.count + batch * 128
                let images = x.rows(at: order[start..<min((epoch + 1) * train.count, start + 128)])
                let (value, gradient) = loss.evaluate(model.forward(images, training: true), images)
                _ = model.backward(gradient, needsInputGradient: false)
                optimizer.step(model.parameters)
                if !quiet { print(String(format: "step %d loss %.8f", epoch * perEpoch + batch, value)) }
            }
            let measured = Trainer.evaluate(model, inputs: testX, targets: testX, loss: loss)
            print(String(format: "epoch %d test MSE %.6f", epoch + 1, measured.loss))
        }
    }
}
