import TensorCore

/// Inverted dropout (PyTorch's `nn.Dropout`): in training, zeroes each element with probability
/// `probability` and scales the rest by `1 / (1 - probability)` so the expected output is
/// unchanged and inference needs no rescaling; at inference it is the identity.
///
/// The mask comes from the layer's own generator, reseeded by `resetParameters` from the
/// model's seed, so two models built with the same seed drop the same elements.
public final class Dropout: Layer {
    public let probability: Double
    private var generator = RandomGenerator(seed: 0)
    private var mask: [Float] = []

    /// - Parameter probability: the share of elements zeroed, in [0, 1).
    public init(_ probability: Double) {
        precondition(probability >= 0 && probability < 1, "Dropout probability must be in [0, 1), got \(probability)")
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
        DropoutMask.draw(&mask, count: input.count, probability: probability, generator: &generator)
        return DropoutMask.apply(mask, to: input, groupSize: 1)
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard needsInputGradient else { return .empty }
        guard !mask.isEmpty else { return outputGradient }
        return DropoutMask.apply(mask, to: outputGradient, groupSize: 1)
    }
}

/// The keep/scale mask shared by `Dropout` (one entry per element) and `Dropout2D` (one per
/// channel map).
enum DropoutMask {
    /// Fills `mask` with `count` entries: `1 / (1 - p)` with probability `1 - p`, else 0.
    static func draw(_ mask: inout [Float], count: Int, probability: Double, generator: inout RandomGenerator) {
        let keep = Float(1 - probability)
        let scale = 1 / keep
        if mask.count != count { mask = [Float](repeating: 0, count: count) }
        for i in 0..<count { mask[i] = generator.uniform() < keep ? scale : 0 }
    }

    /// `x ⊙ mask`, each mask entry covering `groupSize` consecutive elements.
    static func apply(_ mask: [Float], to input: Tensor, groupSize: Int) -> Tensor {
        Tensor.filled(input.shape) { out in
            input.withUnsafeBufferPointer { x in
                mask.withUnsafeBufferPointer { m in
                    for group in 0..<m.count {
                        let scale = m[group]
                        let base = group * groupSize
                        for i in base..<(base + groupSize) { out[i] = x[i] * scale }
                    }
                }
            }
        }
    }
}
