import TensorCore

/// Channel-wise dropout for convolution maps (PyTorch's `nn.Dropout2d`): in training each whole
/// channel of each sample is zeroed with probability `probability` and the kept ones scaled by
/// `1 / (1 - probability)`; identity at inference.
///
/// Why whole channels: neighbouring pixels of a feature map are strongly correlated, so
/// dropping single elements barely regularizes a convolution (Tompson et al. 2015).
public final class Dropout2D: Layer {
    public let probability: Double
    private var generator = RandomGenerator(seed: 0)
    private var mask: [Float] = []
    private var planeSize = 1

    /// - Parameter probability: the share of channel maps zeroed, in [0, 1).
    public init(_ probability: Double) {
        precondition(probability >= 0 && probability < 1, "Dropout2D probability must be in [0, 1), got \(probability)")
        self.probability = probability
    }

    public var kind: String { "Dropout2D" }
    public var description: String { "Dropout2D(\(probability))" }
    public var specification: LayerSpecification { .dropout2D(probability: probability) }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count >= 2 else {
            throw NeuralNetError.shapeMismatch(layer: description, expected: "[channels, height, width]", found: inputShape)
        }
        return inputShape
    }

    public func resetParameters(using generator: inout RandomGenerator) {
        self.generator = RandomGenerator(seed: generator.next())
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        guard training, probability > 0, input.shape.count >= 3 else { mask = []; return input }
        planeSize = input.shape.dropFirst(2).reduce(1, *)
        DropoutMask.draw(&mask, count: input.shape[0] * input.shape[1], probability: probability, generator: &generator)
        return DropoutMask.apply(mask, to: input, groupSize: planeSize)
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard needsInputGradient else { return .empty }
        guard !mask.isEmpty else { return outputGradient }
        return DropoutMask.apply(mask, to: outputGradient, groupSize: planeSize)
    }
}
