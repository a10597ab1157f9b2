import TensorCore

/// A 2-D convolution over `[batch, channels, height, width]` (NCHW, as PyTorch), square kernel,
/// equal stride and zero padding on both axes. Weight `[out, in, k, k]`, bias `[out]`.
///
/// Output size per axis: `(size + 2·padding - kernel) / stride + 1` (floor). Computed by
/// `ConvolutionEngine`: 3×3 stride-1 padding-1 layers with 16 or more input channels by
/// Winograd F(2×2, 3×3) (`WinogradConvolution`), the others by cache-sized groups of samples per
/// core (`BlockedConvolution`), in training and at inference alike.
public final class Conv2D: Layer, RectifyingLayer {
    public let inputChannels: Int
    public let outputChannels: Int
    public let kernelSize: Int
    public let stride: Int
    public let padding: Int
    public let weight: Parameter
    public let bias: Parameter
    private(set) var engine: ConvolutionEngine?
    /// The path the engine takes (`.automatic` but in tests comparing Winograd with im2col);
    /// read when the engine is made, at the first forward.
    var convolutionStrategy = ConvolutionStrategy.automatic
    private var inputSampleShape: [Int] = []

    public init(_ inputChannels: Int, _ outputChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0) {
        precondition(inputChannels > 0 && outputChannels > 0 && kernel > 0 && stride > 0 && padding >= 0,
                     "Conv2D sizes must be positive")
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.kernelSize = kernel
        self.stride = stride
        self.padding = padding
        weight = Parameter(name: "weight", value: Tensor.zeros([outputChannels, inputChannels, kernel, kernel]))
        bias = Parameter(name: "bias", value: Tensor.zeros([outputChannels]))
        var generator = RandomGenerator(seed: 0)
        resetParameters(using: &generator)
    }

    public var kind: String { "Conv2D" }
    public var description: String {
        "Conv2D(\(inputChannels) -> \(outputChannels), kernel \(kernelSize)\(stride != 1 ? ", stride \(stride)" : "")\(padding != 0 ? ", padding \(padding)" : ""))"
    }
    public var parameters: [Parameter] { [weight, bias] }
    public var specification: LayerSpecification {
        .conv2D(inputChannels: inputChannels, outputChannels: outputChannels, kernel: kernelSize, stride: stride, padding: padding)
    }

    public func resetParameters(using generator: inout RandomGenerator) {
        let fanIn = inputChannels * kernelSize * kernelSize
        weight.value = Initialization.kaimingUniform(weight.value.shape, fanIn: fanIn, generator: &generator)
        bias.value = Initialization.kaimingUniform([outputChannels], fanIn: fanIn, generator: &generator)
    }

    func geometry(for shape: [Int]) -> WindowGeometry? {
        guard shape.count == 3, shape[0] == inputChannels else { return nil }
        let g = WindowGeometry(channels: inputChannels, inputHeight: shape[1], inputWidth: shape[2],
                               kernelHeight: kernelSize, kernelWidth: kernelSize, strideHeight: stride, strideWidth: stride,
                               paddingHeight: padding, paddingWidth: padding)
        return g.isValid ? g : nil
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard let g = geometry(for: inputShape) else {
            throw NeuralNetError.shapeMismatch(layer: description,
                                               expected: "[\(inputChannels), H, W] with H, W >= \(kernelSize - 2 * padding)", found: inputShape)
        }
        return [outputChannels, g.outputHeight, g.outputWidth]
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        forward(input, training: training, rectified: false)
    }

    /// The blocked path applies the ReLU as it adds the bias; the other paths in a pass after.
    func forwardRectified(_ input: Tensor, training: Bool) -> Tensor {
        forward(input, training: training, rectified: true)
    }

    private func forward(_ input: Tensor, training: Bool, rectified: Bool) -> Tensor {
        let sampleShape = Array(input.shape.dropFirst())
        guard let g = geometry(for: sampleShape) else { preconditionFailure("\(description): input shape \(input.shape)") }
        if engine?.geometry != g { engine = ConvolutionEngine(geometry: g, outputChannels: outputChannels, strategy: convolutionStrategy) }
        if training { inputSampleShape = sampleShape }
        return engine!.forward(input, weight: weight.value, bias: bias.value,
                               outputShape: [outputChannels, g.outputHeight, g.outputWidth], training: training, rectified: rectified)
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard let engine else { preconditionFailure("\(description): backward before forward") }
        return engine.backward(outputGradient, inputShape: inputSampleShape, weight: weight.value,
                               weightGradient: &weight.gradient, biasGradient: &bias.gradient,
                               needsInputGradient: needsInputGradient)
    }
}
