import TensorCore

/// Batch normalization of the features of `[batch, features]` (PyTorch's `nn.BatchNorm1d`,
/// momentum 0.1, epsilon 1e-5); see `BatchNormalization` for the statistics and modes.
///
/// ```swift
/// Sequential(inputShape: [784], seed: 0) { Linear(784, 300); BatchNorm1D(300); ReLU(); Linear(300, 10) }
/// ```
public final class BatchNorm1D: BatchNormalization {
    public init(_ features: Int, momentum: Double = 0.1, epsilon: Double = 1e-5) {
        super.init(channels: features, spatialDimensions: 1, momentum: momentum, epsilon: epsilon)
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape == [channels] else {
            throw NeuralNetError.shapeMismatch(layer: description, expected: "[\(channels)]", found: inputShape)
        }
        return inputShape
    }
}
