import TensorCore

/// Max pooling shared by `MaxPool2D` and `MaxPool1D`: each output is the largest input of its
/// window (no padding; sizes floor as in PyTorch); backward routes the gradient to that input
/// (the first one on ties). Work is split by channel plane over the cores.
final class MaxPoolingEngine {
    private var winners: [Int32] = []
    private var inputShape: [Int] = []

    func forward(_ input: Tensor, geometry g: WindowGeometry) -> Tensor {
        let batch = input.rowCount
        let planes = batch * g.channels
        inputShape = input.shape
        if winners.count != planes * g.outputPlane { winners = [Int32](repeating: 0, count: planes * g.outputPlane) }
        var outputShape = input.shape
        if outputShape.count == 4 { outputShape[2] = g.outputHeight; outputShape[3] = g.outputWidth } else { outputShape[2] = g.outputWidth }
        return Tensor.filled(outputShape) { out in
            input.withUnsafeBufferPointer { x in
                winners.withUnsafeMutableBufferPointer { w in
                    let source = SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!))
                    let target = SendablePointer(out)
                    let winner = SendablePointer(w.baseAddress!)
                    Parallel.forEachChunk(planes, minimumChunk: Swift.max(1, 4096 / Swift.max(1, g.inputPlane))) { range in
                        for plane in range {
                            let image = source.base + plane * g.inputPlane
                            let o = target.base + plane * g.outputPlane
                            let wi = winner.base + plane * g.outputPlane
                            if g.kernelHeight == 2 && g.kernelWidth == 2 && g.strideHeight == 2 && g.strideWidth == 2 {
                                // The common 2x2/2 window, unrolled (same first-maximum rule).
                                let width = g.inputWidth
                                for oh in 0..<g.outputHeight {
                                    for ow in 0..<g.outputWidth {
                                        let topLeft = 2 * oh * width + 2 * ow
                                        var bestIndex = topLeft
                                        var best = image[topLeft]
                                        if image[topLeft + 1] > best { best = image[topLeft + 1]; bestIndex = topLeft + 1 }
                                        if image[topLeft + width] > best { best = image[topLeft + width]; bestIndex = topLeft + width }
                                        if image[topLeft + width + 1] > best { best = image[topLeft + width + 1]; bestIndex = topLeft + width + 1 }
                                        o[oh * g.outputWidth + ow] = best
                                        wi[oh * g.outputWidth + ow] = Int32(bestIndex)
                                    }
                                }
                                continue
                            }
                            for oh in 0..<g.outputHeight {
                                for ow in 0..<g.outputWidth {
                                    var bestIndex = (oh * g.strideHeight) * g.inputWidth + ow * g.strideWidth
                                    var best = image[bestIndex]
                                    for i in 0..<g.kernelHeight {
                                        let rowStart = (oh * g.strideHeight + i) * g.inputWidth + ow * g.strideWidth
                                        for j in 0..<g.kernelWidth where image[rowStart + j] > best {
                                            best = image[rowStart + j]
                                            bestIndex = rowStart + j
                                        }
                                    }
                                    o[oh * g.outputWidth + ow] = best
                                    wi[oh * g.outputWidth + ow] = Int32(bestIndex)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    func backward(_ outputGradient: Tensor, geometry g: WindowGeometry) -> Tensor {
        let planes = inputShape[0] * g.channels
        precondition(outputGradient.count == planes * g.outputPlane, "max pooling gradient shape \(outputGradient.shape)")
        return Tensor.filled(inputShape) { dx in
            outputGradient.withUnsafeBufferPointer { dy in
                winners.withUnsafeBufferPointer { w in
                    let source = SendablePointer(UnsafeMutablePointer(mutating: dy.baseAddress!))
                    let target = SendablePointer(dx)
                    let winner = SendablePointer(UnsafeMutablePointer(mutating: w.baseAddress!))
                    Parallel.forEachChunk(planes, minimumChunk: Swift.max(1, 4096 / Swift.max(1, g.inputPlane))) { range in
                        for plane in range {
                            let d = target.base + plane * g.inputPlane
                            d.update(repeating: 0, count: g.inputPlane)
                            let s = source.base + plane * g.outputPlane
                            let wi = winner.base + plane * g.outputPlane
                            for k in 0..<g.outputPlane { d[Int(wi[k])] += s[k] }
                        }
                    }
                }
            }
        }
    }
}

/// 2-D max pooling over NCHW batches with a square window (`stride` defaults to the window).
public final class MaxPool2D: Layer {
    public let kernelSize: Int
    public let stride: Int
    private let engine = MaxPoolingEngine()
    private var geometry: WindowGeometry?

    public init(_ kernel: Int, stride: Int? = nil) {
        precondition(kernel > 0 && (stride ?? kernel) > 0, "MaxPool2D sizes must be positive")
        kernelSize = kernel
        self.stride = stride ?? kernel
    }

    public var kind: String { "MaxPool2D" }
    public var description: String { "MaxPool2D(\(kernelSize)\(stride != kernelSize ? ", stride \(stride)" : ""))" }
    public var specification: LayerSpecification { .maxPool2D(kernel: kernelSize, stride: stride) }

    func makeGeometry(_ shape: [Int]) -> WindowGeometry? {
        guard shape.count == 3, shape[1] >= kernelSize, shape[2] >= kernelSize else { return nil }
        return WindowGeometry(channels: shape[0], inputHeight: shape[1], inputWidth: shape[2],
                              kernelHeight: kernelSize, kernelWidth: kernelSize, strideHeight: stride, strideWidth: stride,
                              paddingHeight: 0, paddingWidth: 0)
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard let g = makeGeometry(inputShape) else {
            throw NeuralNetError.shapeMismatch(layer: description, expected: "[C, H, W] with H, W >= \(kernelSize)", found: inputShape)
        }
        return [g.channels, g.outputHeight, g.outputWidth]
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        guard let g = makeGeometry(Array(input.shape.dropFirst())) else { preconditionFailure("\(description): input shape \(input.shape)") }
        geometry = g
        return engine.forward(input, geometry: g)
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard needsInputGradient else { return .empty }
        return engine.backward(outputGradient, geometry: geometry!)
    }
}

/// 1-D max pooling over `[batch, channels, length]` (`stride` defaults to the window).
public final class MaxPool1D: Layer {
    public let kernelSize: Int
    public let stride: Int
    private let engine = MaxPoolingEngine()
    private var geometry: WindowGeometry?

    public init(_ kernel: Int, stride: Int? = nil) {
        precondition(kernel > 0 && (stride ?? kernel) > 0, "MaxPool1D sizes must be positive")
        kernelSize = kernel
        self.stride = stride ?? kernel
    }

    public var kind: String { "MaxPool1D" }
    public var description: String { "MaxPool1D(\(kernelSize)\(stride != kernelSize ? ", stride \(stride)" : ""))" }
    public var specification: LayerSpecification { .maxPool1D(kernel: kernelSize, stride: stride) }

    func makeGeometry(_ shape: [Int]) -> WindowGeometry? {
        guard shape.count == 2, shape[1] >= kernelSize else { return nil }
        return WindowGeometry(channels: shape[0], inputHeight: 1, inputWidth: shape[1],
                              kernelHeight: 1, kernelWidth: kernelSize, strideHeight: 1, strideWidth: stride,
                              paddingHeight: 0, paddingWidth: 0)
    }

    public func outputShape(for inputShape: [Int]) throws -> [Int] {
        guard let g = makeGeometry(inputShape) else {
            throw NeuralNetError.shapeMismatch(layer: description, expected: "[C, L] with L >= \(kernelSize)", found: inputShape)
        }
        return [g.channels, g.outputWidth]
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        guard let g = makeGeometry(Array(input.shape.dropFirst())) else { preconditionFailure("\(description): input shape \(input.shape)") }
        geometry = g
        return engine.forward(input, geometry: g)
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard needsInputGradient else { return .empty }
        return engine.backward(outputGradient, geometry: geometry!)
    }
}
