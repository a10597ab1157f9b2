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

/// Inverted dropout: in training, zeroes each element with probability `probability` and
/// scales the rest by `1 / (1 - probability)` so the expected output is unchanged; at inference
/// it is the identity. The mask is drawn from the layer's own seeded generator.
public final class Dropout: Layer {
    public let probability: Double
    private var generator = RandomGenerator(seed: 0)
    private var mask: [Float] = []

    public init(_ probability: Double) {
        precondition(probability >= 0 && probability < 1, "Dropout probability must be in [0, 1)")
        self.probability = probability
    }

    public var kind: String { "Dropout" }
    public var description: String { "Dropout(\(probability))" }
    public var specification: LayerSpecification { .dropout(probability: probability) }
    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

    /// Reseeds the mask generator (from the model's generator, so equal seeds drop equally).
    public func resetParameters(using generator: inout RandomGenerator) {
        self.generator = RandomGenerator(seed: generator.next())
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        guard training, probability > 0 else { mask = []; return input }
        let keep = Float(1 - probability)
        let scale = 1 / keep
        if mask.count != input.count { mask = [Float](repeating: 0, count: input.count) }
        for i in 0..<mask.count { mask[i] = generator.uniform() < keep ? scale : 0 }
        return Tensor.filled(input.shape) { out in
            input.withUnsafeBufferPointer { x in
                mask.withUnsafeBufferPointer { m in for i in 0..<x.count { out[i] = x[i] * m[i] } }
            }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard needsInputGradient else { return .empty }
        guard !mask.isEmpty else { return outputGradient }
        return Tensor.filled(outputGradient.shape) { dx in
            outputGradient.withUnsafeBufferPointer { dy in
                mask.withUnsafeBufferPointer { m in for i in 0..<dy.count { dx[i] = dy[i] * m[i] } }
            }
        }
    }
}
