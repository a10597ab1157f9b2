import TensorCore

/// Average pooling over `[batch, channels, height, width]` (PyTorch's `nn.AvgPool2d` without
/// padding): each output is the mean of its `kernel x kernel` window; sizes floor as in
/// PyTorch; backward spreads each gradient evenly over its window.
public final class AvgPool2D: Layer {
    public let kernel: Int
    public let stride: Int
    private var inputShape: [Int] = []

    /// - Parameters:
    ///   - kernel: window side.
    ///   - stride: step between windows (default: the kernel, non-overlapping windows).
    public init(_ kernel: Int, stride: Int? = nil) {
        precondition(kernel > 0 && (stride ?? kernel) > 0, "AvgPool2D needs a positive kernel and stride")
        self.kernel = kernel
        self.stride = stride ?? kernel
    }

    public var kind: String { "AvgPool2D" }
    public var description: String { stride == kernel ? "AvgPool2D(\(kernel))" : "AvgPool2D(\(kernel), stride: \(stride))" }
    public var specification: LayerSpecification { .avgPool2D(kernel: kernel, stride: stride) }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard inputShape.count == 3, inputShape[1] >= kernel, inputShape[2] >= kernel else {
            throw NeuralNetError.shapeMismatch(layer: description, expected: "[channels, height >= \(kernel), width >= \(kernel)]", found: inputShape)
        }
        return [inputShape[0], (inputShape[1] - kernel) / stride + 1, (inputShape[2] - kernel) / stride + 1]
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        inputShape = input.shape
        let (planes, height, width) = (input.shape[0] * input.shape[1], input.shape[2], input.shape[3])
        let (outputHeight, outputWidth) = ((height - kernel) / stride + 1, (width - kernel) / stride + 1)
        let (kernel, stride) = (self.kernel, self.stride)
        let scale = 1 / Float(kernel * kernel)
        return Tensor.filled([input.shape[0], input.shape[1], outputHeight, outputWidth]) { out in
            input.withUnsafeBufferPointer { x in
                let (source, target) = (SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!)), SendablePointer(out))
                HotWorkers.shared.forEachChunk(planes, minimumChunk: Swift.max(1, 4096 / (height * width))) { range in
                    for plane in range {
                        let image = source.base + plane * height * width
                        let o = target.base + plane * outputHeight * outputWidth
                        for oh in 0..<outputHeight {
                            for ow in 0..<outputWidth {
                                var total: Float = 0
                                for i in 0..<kernel {
                                    let row = image + (oh * stride + i) * width + ow * stride
                                    for j in 0..<kernel { total += row[j] }
                                }
                                o[oh * outputWidth + ow] = total * scale
                            }
                        }
                    }
                }
            }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard needsInputGradient else { return .empty }
        let (planes, height, width) = (inputShape[0] * inputShape[1], inputShape[2], inputShape[3])
        let (outputHeight, outputWidth) = (outputGradient.shape[2], outputGradient.shape[3])
        let (kernel, stride) = (self.kernel, self.stride)
        let scale = 1 / Float(kernel * kernel)
        return Tensor.filled(inputShape) { dx in
            outputGradient.withUnsafeBufferPointer { dy in
                let (source, target) = (SendablePointer(UnsafeMutablePointer(mutating: dy.baseAddress!)), SendablePointer(dx))
                HotWorkers.shared.forEachChunk(planes, minimumChunk: Swift.max(1, 4096 / (height * width))) { range in
                    for plane in range {
                        let d = target.base + plane * height * width
                        d.update(repeating: 0, count: height * width)
                        let g = source.base + plane * outputHeight * outputWidth
                        for oh in 0..<outputHeight {
                            for ow in 0..<outputWidth {
                                let share = g[oh * outputWidth + ow] * scale
                                for i in 0..<kernel {
                                    let row = d + (oh * stride + i) * width + ow * stride
                                    for j in 0..<kernel { row[j] += share }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
