import TensorCore

/// Max pooling shared by `MaxPool2D` and `MaxPool1D`: each output is the largest input of its
/// window (no padding; sizes floor as in PyTorch); backward routes the gradient to that input
/// (the first one on ties). Work is split by channel plane over the cores.
final class MaxPoolingEngine {
    private var winners: [Int32] = []
    private var inputShape: [Int] = []
    /// Set when the input was the output of a `ReLU` whose backward this engine takes over
    /// (see `RectifiedPooling`): backward then passes a window's gradient only where its
    /// maximum is positive, and the ReLU passes the result through unchanged.
    private(set) var masksRectifiedGradient = false
    /// The last output, kept while `masksRectifiedGradient` (the window maxima are the ReLU's
    /// outputs at the winners, so `output > 0` is the ReLU's mask there).
    private var output = Tensor.empty

    /// The pooled output of `input` (a standalone pooling: its input is not taken as rectified).
    func forward(_ input: Tensor, geometry g: WindowGeometry) -> Tensor {
        forward(inputShape: input.shape, geometry: g, masksRectifiedGradient: false) { pooler in
            input.withUnsafeBufferPointer { x in
                let source = SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!))
                Parallel.forEachChunk(pooler.planes, minimumChunk: Swift.max(1, 4096 / Swift.max(1, g.inputPlane))) { range in
                    for plane in range { pooler.pool(plane: plane, from: source.base + plane * g.inputPlane) }
                }
            }
        }
    }

    /// A pooling whose input planes are handed over one by one by `body` through the
    /// `PlanePooler` (every plane exactly once, from any thread), so a fused producer never
    /// writes the whole input. `masksRectifiedGradient`: the planes are a ReLU's outputs.
    func forward(inputShape shape: [Int], geometry g: WindowGeometry, masksRectifiedGradient masks: Bool,
                 _ body: (PlanePooler) -> Void) -> Tensor {
        let planes = shape[0] * g.channels
        inputShape = shape
        masksRectifiedGradient = masks
        if winners.count != planes * g.outputPlane { winners = [Int32](repeating: 0, count: planes * g.outputPlane) }
        var outputShape = shape
        if outputShape.count == 4 { outputShape[2] = g.outputHeight; outputShape[3] = g.outputWidth } else { outputShape[2] = g.outputWidth }
        let result = Tensor.filled(outputShape) { out in
            winners.withUnsafeMutableBufferPointer { w in
                body(PlanePooler(geometry: g, planes: planes, output: SendablePointer(out), winners: SendablePointer(w.baseAddress!)))
            }
        }
        output = masks ? result : .empty
        return result
    }

    func backward(_ outputGradient: Tensor, geometry g: WindowGeometry) -> Tensor {
        Tensor.filled(inputShape) { dx in
            withGradientPlanes(outputGradient, geometry: g) { planes in
                let target = SendablePointer(dx)
                Parallel.forEachChunk(planes.planes, minimumChunk: Swift.max(1, 4096 / Swift.max(1, g.inputPlane))) { range in
                    for plane in range { planes.expand(plane: plane, into: target.base + plane * g.inputPlane) }
                }
            }
        }
    }

    /// Runs `body` with the input gradient of the last forward available plane by plane (for a
    /// fused consumer that never needs the whole of it, see `RectifiedPooling`).
    func withGradientPlanes<R>(_ outputGradient: Tensor, geometry g: WindowGeometry, _ body: (PlaneGradients) -> R) -> R {
        let planes = inputShape[0] * g.channels
        precondition(outputGradient.count == planes * g.outputPlane, "max pooling gradient shape \(outputGradient.shape)")
        let masks = masksRectifiedGradient
        return outputGradient.withUnsafeBufferPointer { dy in
            winners.withUnsafeBufferPointer { w in
                output.withUnsafeBufferPointer { y in
                    body(PlaneGradients(geometry: g, planes: planes,
                                        gradient: SendablePointer(UnsafeMutablePointer(mutating: dy.baseAddress!)),
                                        winners: SendablePointer(UnsafeMutablePointer(mutating: w.baseAddress!)),
                                        maxima: masks ? SendablePointer(UnsafeMutablePointer(mutating: y.baseAddress!)) : nil))
                }
            }
        }
    }

    /// The common 2×2 window with stride 2 (every 2-D pooling of the seeds' models).
    static func isPairWindow(_ g: WindowGeometry) -> Bool {
        g.kernelHeight == 2 && g.kernelWidth == 2 && g.strideHeight == 2 && g.strideWidth == 2
    }

    /// 2×2/2 max pooling of one plane (`PairWindows`): the winner is stored as its flat input
    /// index like the general path, and ties are resolved as there.
    @inline(__always)
    static func forwardPairs(_ image: UnsafePointer<Float>, inputWidth: Int, outputHeight: Int, outputWidth: Int,
                             output: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>) {
        PairWindows.pool(image, inputWidth: inputWidth, outputHeight: outputHeight, outputWidth: outputWidth,
                         output: output, winners: winners, wide: { $0 }, narrow: { $0 }, single: { $0 })
    }
}

/// Writes the pooled output and winners of single input planes (`MaxPoolingEngine`'s fused
/// forward). Planes are independent, so any thread may pool any plane.
struct PlanePooler: @unchecked Sendable {
    let geometry: WindowGeometry
    /// Input planes in the batch (`batch × channels`).
    let planes: Int
    let output: SendablePointer<Float>
    let winners: SendablePointer<Int32>

    /// The 2×2 window with stride 2 (`MaxPoolingEngine.isPairWindow`).
    var isPairWindow: Bool { MaxPoolingEngine.isPairWindow(geometry) }

    /// Where the pooled values and winners of input plane number `plane` go.
    @inline(__always)
    func destination(plane: Int) -> (output: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>) {
        (output.base + plane * geometry.outputPlane, winners.base + plane * geometry.outputPlane)
    }

    /// Pools input plane number `plane` (batch-major: `n · channels + c`) read from `image`.
    @inline(__always)
    func pool(plane: Int, from image: UnsafePointer<Float>) {
        let g = geometry
        let o = output.base + plane * g.outputPlane
        let wi = winners.base + plane * g.outputPlane
        if MaxPoolingEngine.isPairWindow(g) {
            MaxPoolingEngine.forwardPairs(image, inputWidth: g.inputWidth, outputHeight: g.outputHeight,
                                          outputWidth: g.outputWidth, output: o, winners: wi)
            return
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

/// The input gradient of a max pooling, one plane at a time: zeros, and each window's output
/// gradient added at its winner (masked by the ReLU before the pooling when `maxima` is set).
struct PlaneGradients: @unchecked Sendable {
    let geometry: WindowGeometry
    /// Input planes in the batch (`batch × channels`).
    let planes: Int
    let gradient: SendablePointer<Float>
    let winners: SendablePointer<Int32>
    /// The pooled outputs, when the input was a ReLU's output whose backward the pooling does.
    let maxima: SendablePointer<Float>?

    /// Writes the gradient of input plane number `plane` (`inputPlane` floats) at `d`.
    @inline(__always)
    func expand(plane: Int, into d: UnsafeMutablePointer<Float>) {
        let g = geometry
        d.update(repeating: 0, count: g.inputPlane)
        let s = gradient.base + plane * g.outputPlane
        let wi = winners.base + plane * g.outputPlane
        if let maxima {
            // The ReLU's `y > 0 ? dy : 0` applied to each addition: a position's mask is the
            // same for every window that reaches it, so the sums are bitwise the unfused ReLU's
            // output (its `y` at a winner is the window's maximum).
            let m = maxima.base + plane * g.outputPlane
            for k in 0..<g.outputPlane { d[Int(wi[k])] += m[k] > 0 ? s[k] : 0 }
        } else {
            for k in 0..<g.outputPlane { d[Int(wi[k])] += s[k] }
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

    /// The pooling of a batch of shape `inputShape` whose planes `body` hands over one at a
    /// time, each a `ReLU`'s output: backward applies that ReLU's mask (see `RectifiedPooling`).
    func forwardRectified(inputShape: [Int], _ body: (PlanePooler) -> Void) -> Tensor {
        guard let g = makeGeometry(Array(inputShape.dropFirst())) else { preconditionFailure("\(description): input shape \(inputShape)") }
        geometry = g
        return engine.forward(inputShape: inputShape, geometry: g, masksRectifiedGradient: true, body)
    }

    /// `forward` of a `ReLU`'s output whose backward this layer takes over.
    func forwardRectified(_ input: Tensor) -> Tensor {
        let plane = input.shape.dropFirst(2).reduce(1, *)
        return forwardRectified(inputShape: input.shape) { pooler in
            input.withUnsafeBufferPointer { x in
                let source = SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!))
                Parallel.forEachChunk(pooler.planes, minimumChunk: Swift.max(1, 4096 / Swift.max(1, plane))) { range in
                    for index in range { pooler.pool(plane: index, from: source.base + index * plane) }
                }
            }
        }
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard needsInputGradient else { return .empty }
        return engine.backward(outputGradient, geometry: geometry!)
    }

    /// Whether the last forward pooled a ReLU's output and masks its gradient.
    var masksRectifiedGradient: Bool { engine.masksRectifiedGradient }

    /// `backward`'s result plane by plane, for `body` (see `MaxPoolingEngine.withGradientPlanes`).
    func withGradientPlanes<R>(_ outputGradient: Tensor, _ body: (PlaneGradients) -> R) -> R {
        engine.withGradientPlanes(outputGradient, geometry: geometry!, body)
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
