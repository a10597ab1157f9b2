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

    /// Builds the model `name` for 28x28 single-channel images, initialised from `seed`.
    /// - Parameters:
    ///   - hidden: hidden sizes for `shallow` (one), `mlp` (any number) and `autoencoder` (its
    ///     first is the 128-wide layer); other models reject them.
    ///   - latent: the autoencoder's code size.
    ///   - classCount: outputs of the classifiers.
    public static func make(_ name: String, hidden: [Int]? = nil, latent: Int = 32, classCount: Int = 10,
                            imageSide: Int = 28, seed: UInt64 = 0) throws -> Sequential {
        try make(name, hidden: hidden, latent: latent, classCount: classCount, inputShape: [1, imageSide, imageSide], seed: seed)
    }

    /// Builds the model `name` for samples of `inputShape` (`[channels, height, width]` for
    /// images, e.g. `[3, 32, 32]` for CIFAR; `[features]` for a table, MLPs only), with the
    /// recipe's regularization:
    /// - `batchNorm`: BatchNorm2D after every convolution and BatchNorm1D after every hidden
    ///   fully connected layer, each before its ReLU (bias kept, as the PyTorch recipe does);
    /// - `dropout` p > 0: Dropout before every fully connected layer but the first of an MLP
    ///   (that is, after each hidden ReLU) and, in LeNet-5 and the CNN, on the flattened
    ///   features too, as in `../shared/anchors/torch/recipe_lenet5.py`.
    /// The autoencoder and the 1-D CNN take neither.
    public static func make(_ name: String, hidden: [Int]? = nil, latent: Int = 32, classCount: Int = 10,
                            inputShape: [Int], batchNorm: Bool = false, dropout: Double = 0, seed: UInt64 = 0) throws -> Sequential {
        let key = name.lowercased()
        let features = inputShape.reduce(1, *)
        if let hidden, hidden.contains(where: { $0 <= 0 }) {
            throw NeuralNetError.invalidArgument("hidden sizes must be positive, got \(hidden)")
        }
        if hidden != nil, ["perceptron", "lenet5", "cnn3", "conv1d"].contains(key) {
            throw NeuralNetError.invalidArgument("\(name) has fixed layers; hidden sizes apply to shallow, mlp and autoencoder")
        }
        guard latent > 0, classCount > 0 else { throw NeuralNetError.invalidArgument("latent size and class count must be positive") }
        guard !inputShape.isEmpty, inputShape.allSatisfy({ $0 > 0 }) else { throw NeuralNetError.invalidArgument("input shape must have positive sizes, got \(inputShape)") }
        guard dropout >= 0 && dropout < 1 else { throw NeuralNetError.invalidArgument("dropout probability must be in [0, 1), got \(dropout)") }
        if (batchNorm || dropout > 0), ["autoencoder", "conv1d"].contains(key) {
            throw NeuralNetError.invalidArgument("batch normalization and dropout apply to perceptron, shallow, mlp, lenet5 and cnn3, not \(key)")
        }
        let isImage = inputShape.count == 3
        let (channels, height, width) = isImage ? (inputShape[0], inputShape[1], inputShape[2]) : (1, 0, 0)
        /// Hidden fully connected layers: Linear, [BatchNorm1D], ReLU, [Dropout].
        func dense(_ sizes: [Int], dropoutBefore: Bool) -> [any Layer] {
            var layers: [any Layer] = []
            if dropoutBefore && dropout > 0 { layers.append(Dropout(dropout)) }
            for i in 0..<(sizes.count - 1) {
                layers.append(Linear(sizes[i], sizes[i + 1]))
                if batchNorm { layers.append(BatchNorm1D(sizes[i + 1])) }
                layers.append(ReLU())
                if dropout > 0 { layers.append(Dropout(dropout)) }
            }
            return layers
        }
        func convolution(_ input: Int, _ output: Int, kernel: Int, padding: Int = 0) -> [any Layer] {
            [Conv2D(input, output, kernel: kernel, padding: padding)] + (batchNorm ? [BatchNorm2D(output)] : []) + [ReLU(), MaxPool2D(2)]
        }
        let flatShape = [features]
        switch key {
        case "perceptron":
            return Sequential(name: "perceptron", inputShape: flatShape, seed: seed) { Linear(features, classCount) }
        case "shallow":
            let width = hidden?.first ?? 300
            guard (hidden?.count ?? 1) == 1 else { throw NeuralNetError.invalidArgument("shallow has one hidden layer; got \(hidden!)") }
            return Sequential(name: "shallow", inputShape: flatShape, seed: seed) {
                dense([features, width], dropoutBefore: false); Linear(width, classCount)
            }
        case "mlp":
            let sizes = [features] + (hidden ?? [977, 878])
            return Sequential(name: "mlp", inputShape: flatShape, seed: seed) {
                dense(sizes, dropoutBefore: false); Linear(sizes.last!, classCount)
            }
        case "lenet5":
            guard isImage, height >= 16, width >= 16 else { throw NeuralNetError.invalidArgument("lenet5 needs images [channels, height >= 16, width >= 16], got \(inputShape)") }
            let (h, w) = (((height - 4) / 2 - 4) / 2, ((width - 4) / 2 - 4) / 2)
            return Sequential(name: "lenet5", inputShape: inputShape, seed: seed) {
                convolution(channels, 6, kernel: 5)
                convolution(6, 16, kernel: 5)
                Flatten()
                // No dropout right before the output layer, as in the PyTorch recipe.
                Array(dense([16 * h * w, 120, 84], dropoutBefore: true).dropLast(dropout > 0 ? 1 : 0))
                Linear(84, classCount)
            }
        case "cnn3":
            guard isImage, height >= 8, width >= 8 else { throw NeuralNetError.invalidArgument("cnn3 needs images [channels, height >= 8, width >= 8], got \(inputShape)") }
            let (h, w) = (height / 8, width / 8)
            return Sequential(name: "cnn3", inputShape: inputShape, seed: seed) {
                convolution(channels, 32, kernel: 3, padding: 1)
                convolution(32, 64, kernel: 3, padding: 1)
                convolution(64, 128, kernel: 3, padding: 1)
                Flatten()
                dense([128 * h * w, 128], dropoutBefore: true)
                Linear(128, classCount)
            }
        case "autoencoder":
            let width = hidden?.first ?? 128
            let model = Sequential(name: "autoencoder", inputShape: flatShape, layers: [
                Sequential(name: "encoder", inputShape: flatShape, layers: [Linear(features, width), ReLU(), Linear(width, latent)]),
                Sequential(name: "decoder", inputShape: [latent], layers: [Linear(latent, width), ReLU(), Linear(width, features), Sigmoid()]),
            ])
            var generator = RandomGenerator(seed: seed)
            model.resetParameters(using: &generator)
            return model
        case "conv1d":
            guard features == 784 else { throw NeuralNetError.invalidArgument("conv1d is defined for 784-pixel images") }
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

