import TensorCore

/// Flattens every sample to one dimension: `[batch, ...] -> [batch, product]`. Never copies.
public final class Flatten: Layer {
    private var inputShape: [Int] = []
    public init() {}
    public var kind: String { "Flatten" }
    public var description: String { "Flatten" }
    public var specification: LayerSpecification { .flatten }
    public func outputShape(for inputShape: [Int]) throws -> [Int] { [inputShape.reduce(1, *)] }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        inputShape = input.shape
        return input.reshaped([input.rowCount, input.rowLength])
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        needsInputGradient ? outputGradient.reshaped(inputShape) : .empty
    }
}

/// Gives every sample a new shape of the same size, e.g. `[784] -> [1, 28, 28]`. Never copies.
public final class Reshape: Layer {
    /// Per-sample target shape.
    public let shape: [Int]
    private var inputShape: [Int] = []

    public init(_ shape: [Int]) {
        precondition(!shape.isEmpty && shape.allSatisfy { $0 > 0 }, "Reshape needs positive sizes")
        self.shape = shape
    }

    public var kind: String { "Reshape" }
    public var description: String { "Reshape(\(shape))" }
    public var specification: LayerSpecification { .reshape(shape) }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.reduce(1, *) == shape.reduce(1, *) else {
            throw NeuralNetError.shapeMismatch(layer: description, expected: "\(shape.reduce(1, *)) elements", found: inputShape)
        }
        return shape
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        inputShape = input.shape
        return input.reshaped([input.rowCount] + shape)
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        needsInputGradient ? outputGradient.reshaped(inputShape) : .empty
    }
}
