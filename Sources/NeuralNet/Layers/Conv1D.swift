import TensorCore

/// A 1-D convolution over `[batch, channels, length]` (PyTorch's `nn.Conv1d`).
/// Weight `[out, in, kernel]`, bias `[out]`; output length `(length + 2·padding - kernel) / stride + 1`.
///
/// Runs on the same im2col + `sgemm` engine as `Conv2D`, with height 1.
public final class Conv1D: Layer {
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public let weight: Parameter
    public let bias: Parameter
    private var engine: ConvolutionEngine?
    private var inputSampleShape: [Int] = []

    public init(_ inputChannels: Int, _ outputChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0) {
        precondition(inputChannels > 0 && outputChannels > 0 && kernel > 0 && stride > 0 && padding >= 0,
                     "Conv1D sizes must be positive")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernel
        self.stride = stride
        self.padding = padding
        weight = Parameter(name: "weight", value: Tensor.zeros([outputChannels, inputChannels, kernel]))
        bias = Parameter(name: "bias", value: Tensor.zeros([outputChannels]))
        var generator = RandomGenerator(seed: 0)
        resetParameters(using: &generator)
    }

    public var kind: String { "Conv1D" }
    public var description: String {
        "Conv1D(\(inputChannels) -> \(outputChannels), kernel \(kernelSize)\(stride != 1 ? ", stride \(stride)" : "")\(padding != 0 ? ", padding \(padding)" : ""))"
    }
    public var parameters: [Parameter] { [weight, bias] }
    public var specification: LayerSpecification {
        .conv1D(inputChannels: inputChannels, outputChannels: outputChannels, kernel: kernelSize, stride: stride, padding: padding)
    }

    public func resetParameters(using generator: inout RandomGenerator) {
        let fanIn = inputChannels * kernelSize
        weight.value = Initialization.kaimingUniform(weight.value.shape, fanIn: fanIn, generator: &generator)
        bias.value = Initialization.kaimingUniform([outputChannels], fanIn: fanIn, generator: &generator)
    }

    func geometry(for shape: [Int]) -> WindowGeometry? {
        guard shape.count == 2, shape[0] == inputChannels else { return nil }
        let g = WindowGeometry(channels: inputChannels, inputHeight: 1, inputWidth: shape[1],
                               kernelHeight: 1, kernelWidth: kernelSize, strideHeight: 1, strideWidth: stride,
                               paddingHeight: 0, paddingWidth: padding)
        return g.isValid ? g : nil
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard let g = geometry(for: inputShape) else {
            throw NeuralNetError.shapeMismatch(layer: description,
                                               expected: "[\(inputChannels), L] with L >= \(kernelSize - 2 * padding)", found: inputShape)
        }
        return [outputChannels, g.outputWidth]
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        let sampleShape = Array(input.shape.dropFirst())
        guard let g = geometry(for: sampleShape) else { preconditionFailure("\(description): input shape \(input.shape)") }
        if engine?.geometry != g { engine = ConvolutionEngine(geometry: g, outputChannels: outputChannels) }
        if training { inputSampleShape = sampleShape }
        return engine!.forward(input, weight: weight.value, bias: bias.value, outputShape: [outputChannels, g.outputWidth], training: training)
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard let engine else { preconditionFailure("\(description): backward before forward") }
        return engine.backward(outputGradient, inputShape: inputSampleShape, weight: weight.value,
                               weightGradient: &weight.gradient, biasGradient: &bias.gradient,
                               needsInputGradient: needsInputGradient)
    }
}
