import TensorCore

/// The mean of each channel map: `[batch, channels, height, width] -> [batch, channels]`
/// (PyTorch's `nn.AdaptiveAvgPool2d(1)` followed by `flatten(1)`), the head of modern CNNs that
/// replaces a large fully connected layer by one number per channel.
public final class GlobalAvgPool2D: Layer {
    private var inputShape: [Int] = []
    public init() {}
    public var kind: String { "GlobalAvgPool2D" }
    public var description: String { "GlobalAvgPool2D" }
    public var specification: LayerSpecification { .globalAvgPool2D }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3 else {
            throw NeuralNetError.shapeMismatch(layer: description, expected: "[channels, height, width]", found: inputShape)
        }
        return [inputShape[0]]
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        inputShape = input.shape
        let planes = input.shape[0] * input.shape[1], plane = input.shape[2] * input.shape[3]
        return Tensor.filled([input.shape[0], input.shape[1]]) { out in
            input.withUnsafeBufferPointer { x in
                for p in 0..<planes {
                    var total: Float = 0
                    for s in (p * plane)..<((p + 1) * plane) { total += x[s] }
                    out[p] = total / Float(plane)
                }
            }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard needsInputGradient else { return .empty }
        let planes = inputShape[0] * inputShape[1], plane = inputShape[2] * inputShape[3]
        return Tensor.filled(inputShape) { dx in
            outputGradient.withUnsafeBufferPointer { dy in
                for p in 0..<planes {
                    let share = dy[p] / Float(plane)
                    for s in (p * plane)..<((p + 1) * plane) { dx[s] = share }
                }
            }
        }
    }
}
