import TensorCore

/// `x` for positive inputs, `slope · x` otherwise (PyTorch's `nn.LeakyReLU`, default slope
/// 0.01): a unit never stops passing gradient, unlike ReLU. The derivative at 0 is `slope`,
/// as PyTorch takes it.
public final class LeakyReLU: Layer {
    public let slope: Double
    private var input = Tensor.empty

    public init(slope: Double = 0.01) {
        precondition(slope.isFinite, "LeakyReLU slope must be finite")
        self.slope = slope
    }

    public var kind: String { "LeakyReLU" }
    public var description: String { "LeakyReLU(\(slope))" }
    public var specification: LayerSpecification { .leakyReLU(slope: slope) }
    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        self.input = input
        let a = Float(slope)
        return Tensor.filled(input.shape) { out in
            input.withUnsafeBufferPointer { x in for i in 0..<x.count { out[i] = x[i] > 0 ? x[i] : a * x[i] } }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard needsInputGradient else { return .empty }
        let a = Float(slope)
        return Tensor.filled(input.shape) { dx in
            input.withUnsafeBufferPointer { x in
                outputGradient.withUnsafeBufferPointer { dy in for i in 0..<x.count { dx[i] = x[i] > 0 ? dy[i] : a * dy[i] } }
            }
        }
    }
}
