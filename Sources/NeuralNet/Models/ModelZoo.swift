import TensorCore

/// The seeds' models by name, ready to train on 28x28 images with 10 classes.
///
/// | name | architecture | input |
/// | --- | --- | --- |
/// | `perceptron` | Linear 784-10 | `[784]` |
/// | `shallow` | 784-H-10, ReLU (H = `hidden[0]`, default 300) | `[784]` |
/// | `mlp` | 784-h₁-…-hₙ-10, ReLU (default 977, 878) | `[784]` |
/// | `lenet5` | Conv 1→6 k5, ReLU, MaxPool 2, Conv 6→16 k5, ReLU, MaxPool 2, FC 256-120-84-10 | `[1, 28, 28]` |
/// | `cnn3` | Conv 32/64/128 3x3 padding 1, each ReLU + MaxPool 2, FC 1152-128-10 | `[1, 28, 28]` |
/// | `autoencoder` | encoder 784-128-latent (ReLU), decoder latent-128-784 (ReLU, Sigmoid) | `[784]` |
/// | `conv1d` | Conv1D 1→16 k5, ReLU, MaxPool 4, Conv1D 16→32 k5, ReLU, MaxPool 4, FC 1504-64-10 | `[1, 784]` |
///
/// Classifiers output logits (train them with `CrossEntropy`); the autoencoder outputs pixels
/// in (0, 1) (train with `MeanSquaredError` against its input) and holds two nested models named
/// "encoder" and "decoder", so `model.submodel(named: "encoder")` maps images to latent vectors.
public enum ModelZoo {
    public static let names = ["perceptron", "shallow", "mlp", "lenet5", "cnn3", "autoencoder", "conv1d"]

    /// Builds the model `name`, initialised from `seed`.
    /// - Parameters:
    ///   - hidden: hidden sizes for `shallow` (one), `mlp` (any number) and `autoencoder` (its
    ///     first is the 128-wide layer); other models reject them.
    ///   - latent: the autoencoder's code size.
    ///   - classCount: outputs of the classifiers.
    public static func make(_ name: String, hidden: [Int]? = nil, latent: Int = 32, classCount: Int = 10,
                            imageSide: Int = 28, seed: UInt64 = 0) throws -> Sequential {
        let pixels = imageSide * imageSide
        if let hidden, hidden.contains(where: { $0 <= 0 }) {
            throw NeuralNetError.invalidArgument("hidden sizes must be positive, got \(hidden)")
        }
        if hidden != nil, ["perceptron", "lenet5", "cnn3", "conv1d"].contains(name.lowercased()) {
            throw NeuralNetError.invalidArgument("\(name) has fixed layers; hidden sizes apply to shallow, mlp and autoencoder")
        }
        guard latent > 0, classCount > 0 else { throw NeuralNetError.invalidArgument("latent size and class count must be positive") }
        switch name.lowercased() {
        case "perceptron":
            return Sequential(name: "perceptron", inputShape: [pixels], seed: seed) { Linear(pixels, classCount) }
        case "shallow":
            let width = hidden?.first ?? 300
            guard (hidden?.count ?? 1) == 1 else { throw NeuralNetError.invalidArgument("shallow has one hidden layer; got \(hidden!)") }
            return Sequential(name: "shallow", inputShape: [pixels], seed: seed) {
                Linear(pixels, width); ReLU(); Linear(width, classCount)
            }
        case "mlp":
            let sizes = [pixels] + (hidden ?? [977, 878])
            return Sequential(name: "mlp", inputShape: [pixels], seed: seed) {
                for i in 0..<(sizes.count - 1) { Linear(sizes[i], sizes[i + 1]); ReLU() }
                Linear(sizes.last!, classCount)
            }
        case "lenet5":
            guard imageSide == 28 else { throw NeuralNetError.invalidArgument("lenet5 is defined for 28x28 images") }
            return Sequential(name: "lenet5", inputShape: [1, 28, 28], seed: seed) {
                Conv2D(1, 6, kernel: 5); ReLU(); MaxPool2D(2)
                Conv2D(6, 16, kernel: 5); ReLU(); MaxPool2D(2)
                Flatten()
                Linear(256, 120); ReLU()
                Linear(120, 84); ReLU()
                Linear(84, classCount)
            }
        case "cnn3":
            guard imageSide == 28 else { throw NeuralNetError.invalidArgument("cnn3 is defined for 28x28 images") }
            return Sequential(name: "cnn3", inputShape: [1, 28, 28], seed: seed) {
                Conv2D(1, 32, kernel: 3, padding: 1); ReLU(); MaxPool2D(2)
                Conv2D(32, 64, kernel: 3, padding: 1); ReLU(); MaxPool2D(2)
                Conv2D(64, 128, kernel: 3, padding: 1); ReLU(); MaxPool2D(2)
                Flatten()
                Linear(1152, 128); ReLU()
                Linear(128, classCount)
            }
        case "autoencoder":
            let width = hidden?.first ?? 128
            let model = Sequential(name: "autoencoder", inputShape: [pixels], layers: [
                Sequential(name: "encoder", inputShape: [pixels], layers: [Linear(pixels, width), ReLU(), Linear(width, latent)]),
                Sequential(name: "decoder", inputShape: [latent], layers: [Linear(latent, width), ReLU(), Linear(width, pixels), Sigmoid()]),
            ])
            var generator = RandomGenerator(seed: seed)
            model.resetParameters(using: &generator)
            return model
        case "conv1d":
            guard imageSide == 28 else { throw NeuralNetError.invalidArgument("conv1d is defined for 784-pixel images") }
            return Sequential(name: "conv1d", inputShape: [1, 784], seed: seed) {
                Conv1D(1, 16, kernel: 5); ReLU(); MaxPool1D(4)
                Conv1D(16, 32, kernel: 5); ReLU(); MaxPool1D(4)
                Flatten()
                Linear(32 * 47, 64); ReLU()
                Linear(64, classCount)
            }
        default:
            throw NeuralNetError.unknownModel("unknown model '\(name)'; expected one of \(names.joined(separator: ", "))")
        }
    }

    /// The loss a zoo model trains with: MSE for the autoencoder, cross-entropy otherwise.
    public static func defaultLoss(for name: String) -> any Loss {
        name.lowercased() == "autoencoder" ? MeanSquaredError() : CrossEntropy()
    }

    /// True for models trained to reproduce their input.
    public static func isAutoencoder(_ model: Sequential) -> Bool { model.submodel(named: "encoder") != nil && model.submodel(named: "decoder") != nil }
}
