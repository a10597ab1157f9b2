import TensorCore

/// Batch normalization of the channels of `[batch, channels, height, width]` (PyTorch's
/// `nn.BatchNorm2d`, momentum 0.1, epsilon 1e-5): one mean and variance per channel over the
/// batch and every position; see `BatchNormalization`.
///
/// ```swift
/// Sequential(inputShape: [1, 28, 28], seed: 0) { Conv2D(1, 6, kernel: 5); BatchNorm2D(6); ReLU(); MaxPool2D(2) }
/// ```
public final class BatchNorm2D: BatchNormalization {
    public init(_ channels: Int, momentum: Double = 0.1, epsilon: Double = 1e-5) {
        super.init(channels: channels, spatialDimensions: 2, momentum: momentum, epsilon: epsilon)
    }

    public override func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3, inputShape[0] == channels else {
            throw NeuralNetError.shapeMismatch(layer: description, expected: "[\(channels), height, width]", found: inputShape)
        }
        return inputShape
    }
}
