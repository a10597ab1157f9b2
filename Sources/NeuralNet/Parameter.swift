import TensorCore

/// A trainable tensor and its gradient, shared by the layer that owns it and the optimizer.
public final class Parameter {
    /// "weight" or "bias".
    public let name: String
    public var value: Tensor
    /// dLoss/dValue of the last backward pass; same shape as `value`.
    public var gradient: Tensor

    public init(name: String, value: Tensor) {
        self.name = name
        self.value = value
        self.gradient = Tensor.zeros(value.shape)
    }
}
