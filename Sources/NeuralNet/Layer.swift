import TensorCore

/// A differentiable building block of a network.
///
/// A layer maps a batch `[batch, ...sample shape]` to a batch. `forward` remembers what
/// `backward` needs (its input or output), so the contract is: call `backward` after the
/// `forward` of the same batch. `backward` receives dLoss/dOutput, **overwrites** the gradients
/// of the layer's parameters (it does not accumulate: every parameter is used once per step)
/// and returns dLoss/dInput.
///
/// Layers are reference types: an optimizer updates their `parameters` in place and a
/// `Sequential` owns them. They are not thread-safe; one model trains on one thread, and the
/// layers split their own work over the cores.
public protocol Layer: AnyObject, CustomStringConvertible {
    /// The kind of layer, e.g. "Linear" or "Conv2D".
    var kind: String { get }
    /// Trainable tensors with their gradients (empty for parameter-free layers).
    var parameters: [Parameter] { get }
    /// State that is learned but not trained by gradients (BatchNorm's running mean and
    /// variance, a standardization's mean and deviation): saved in checkpoints and in
    /// snapshots beside the parameters, never touched by an optimizer.
    var buffers: [Parameter] { get }
    /// The per-sample output shape for a per-sample input shape (batch dimension excluded).
    /// Throws `NeuralNetError.shapeMismatch` naming this layer when the input does not fit.
    func outputShape(for inputShape: [Int]) throws -> [Int]
    /// The output of a batch. `training` switches Dropout on and makes BatchNorm use (and
    /// update) the batch's statistics; other layers ignore it.
    func forward(_ input: Tensor, training: Bool) -> Tensor
    /// Gradients for the batch of the last `forward`. When `needsInputGradient` is false the
    /// returned tensor is empty (the first layer of a network skips that product).
    func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor
    /// Draws fresh initial parameters (PyTorch's default initialisation).
    func resetParameters(using generator: inout RandomGenerator)
    /// A value describing the architecture, stored in checkpoints to rebuild the layer.
    var specification: LayerSpecification { get }
}

extension Layer {
    public var parameters: [Parameter] { [] }
    public var buffers: [Parameter] { [] }
    public func resetParameters(using generator: inout RandomGenerator) {}
    /// Every parameter's gradient, in `parameters` order.
    public var gradients: [Tensor] { parameters.map(\.gradient) }
    /// Number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }
    /// Inference: `forward(input, training: false)`.
    public func callAsFunction(_ input: Tensor) -> Tensor { forward(input, training: false) }
    /// `backward` that also returns dLoss/dInput.
    public func backward(_ outputGradient: Tensor) -> Tensor {
        backward(outputGradient, needsInputGradient: true)
    }
}

extension Tensor {
    /// A tensor whose elements `body` must all write (no zero-fill, for hot paths).
    static func filled(_ shape: [Int], _ body: (UnsafeMutablePointer<Float>) -> Void) -> Tensor {
        let count = Tensor.count(of: shape)
        let elements = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 { body(buffer.baseAddress!) }
            initialized = count
        }
        return Tensor(shape: shape, elements: elements)
    }

    /// An empty tensor, returned as "no input gradient".
    static var empty: Tensor { Tensor(shape: [0], elements: []) }

    /// The shape with the batch dimension replaced.
    func batchShape(_ sampleShape: [Int]) -> [Int] { [rowCount] + sampleShape }
}

/// Fills `buffer` with at least `count` elements, reusing its storage when large enough.
@inline(__always)
func ensureCapacity(_ buffer: inout [Float], _ count: Int) {
    if buffer.count < count { buffer = [Float](repeating: 0, count: count) }
}
