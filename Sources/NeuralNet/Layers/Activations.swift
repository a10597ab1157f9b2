import Foundation
import TensorCore

// Element-wise and row-wise activations. Each keeps what its derivative needs from the last
// forward pass (its output, which is enough for all of them).

/// `max(0, x)`. The derivative at exactly 0 is taken as 0, as PyTorch does.
public final class ReLU: Layer {
    private var output = Tensor.empty
    /// Set when the max pooling after this layer applied the mask in its own backward (see
    /// `RectifiedPooling`): backward then returns the gradient it receives.
    private var gradientIsMasked = false
    /// Whether the last forward was done by the layers around it (`adoptMaskedByPooling`).
    var isMaskedByPooling: Bool { gradientIsMasked }
    public init() {}
    public var kind: String { "ReLU" }
    public var description: String { "ReLU" }
    public var specification: LayerSpecification { .relu }
    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        gradientIsMasked = false
        output = Tensor.filled(input.shape) { out in
            input.withUnsafeBufferPointer { x in
                for i in 0..<x.count { out[i] = Swift.max(x[i], 0) }
            }
        }
        return output
    }

    /// Takes `output` as this layer's forward result (computed by the layer before it, see
    /// `RectifyingLayer`), for `backward`.
    func adopt(output: Tensor) {
        self.output = output
        gradientIsMasked = false
    }

    /// Marks this layer's forward as done by the layers around it, the mask included: the
    /// layer before wrote `max(0, ·)`, the max pooling after applies `y > 0` in its backward.
    func adoptMaskedByPooling() {
        output = .empty
        gradientIsMasked = true
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard needsInputGradient else { return .empty }
        if gradientIsMasked { return outputGradient }
        return Tensor.filled(output.shape) { dx in
            output.withUnsafeBufferPointer { y in
                outputGradient.withUnsafeBufferPointer { dy in
                    for i in 0..<y.count { dx[i] = y[i] > 0 ? dy[i] : 0 }
                }
            }
        }
    }
}

/// The hyperbolic tangent; derivative `1 - y²`.
public final class Tanh: Layer {
    private var output = Tensor.empty
    public init() {}
    public var kind: String { "Tanh" }
    public var description: String { "Tanh" }
    public var specification: LayerSpecification { .tanh }
    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        output = input.map { Foundation.tanh($0) }
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard needsInputGradient else { return .empty }
        return Tensor.filled(output.shape) { dx in
            output.withUnsafeBufferPointer { y in
                outputGradient.withUnsafeBufferPointer { dy in
                    for i in 0..<y.count { dx[i] = dy[i] * (1 - y[i] * y[i]) }
                }
            }
        }
    }
}

/// The logistic function `1 / (1 + e^-x)`, computed without overflow for large |x|;
/// derivative `y (1 - y)`.
public final class Sigmoid: Layer {
    private var output = Tensor.empty
    public init() {}
    public var kind: String { "Sigmoid" }
    public var description: String { "Sigmoid" }
    public var specification: LayerSpecification { .sigmoid }
    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

    static func logistic(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
        let e = Foundation.exp(x)
        return e / (1 + e)
    }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        // One `expf` per element is not vectorised: for the autoencoder's 128x784 output that
        // is ~0.5 ms per batch on one core, so large tensors are split over the cores (the same
        // scalar function per element, so the same bits).
        output = Tensor.filled(input.shape) { out in
            input.withUnsafeBufferPointer { x in
                let (source, target) = (SendablePointer(UnsafeMutablePointer(mutating: x.baseAddress!)), SendablePointer(out))
                HotWorkers.shared.forEachChunk(x.count, minimumChunk: 1 << 14) { range in
                    VectorLogistic.apply(range, input: source.base, output: target.base)
                }
            }
        }
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard needsInputGradient else { return .empty }
        return Tensor.filled(output.shape) { dx in
            output.withUnsafeBufferPointer { y in
                outputGradient.withUnsafeBufferPointer { dy in
                    for i in 0..<y.count { dx[i] = dy[i] * y[i] * (1 - y[i]) }
                }
            }
        }
    }
}

/// Row-wise softmax over the features of each sample (max subtracted first, so it never
/// overflows). Backward: `dx = y ⊙ (dy - Σ dy·y)`.
public final class Softmax: Layer {
    private var output = Tensor.empty
    public init() {}
    public var kind: String { "Softmax" }
    public var description: String { "Softmax" }
    public var specification: LayerSpecification { .softmax }
    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        output = RowSoftmax.apply(input, logarithm: false)
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard needsInputGradient else { return .empty }
        let columns = output.rowLength
        return Tensor.filled(output.shape) { dx in
            output.withUnsafeBufferPointer { y in
                outputGradient.withUnsafeBufferPointer { dy in
                    for row in 0..<output.rowCount {
                        let base = row * columns
                        var dot: Float = 0
                        for j in 0..<columns { dot += dy[base + j] * y[base + j] }
                        for j in 0..<columns { dx[base + j] = y[base + j] * (dy[base + j] - dot) }
                    }
                }
            }
        }
    }
}

/// Row-wise `log softmax` (`x - max - log Σ e^(x - max)`, stable). Backward:
/// `dx = dy - softmax · Σ dy`.
public final class LogSoftmax: Layer {
    private var output = Tensor.empty
    public init() {}
    public var kind: String { "LogSoftmax" }
    public var description: String { "LogSoftmax" }
    public var specification: LayerSpecification { .logSoftmax }
    public func outputShape(for inputShape: [Int]) throws -> [Int] { inputShape }

    public func forward(_ input: Tensor, training: Bool) -> Tensor {
        output = RowSoftmax.apply(input, logarithm: true)
        return output
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        guard needsInputGradient else { return .empty }
        let columns = output.rowLength
        return Tensor.filled(output.shape) { dx in
            output.withUnsafeBufferPointer { y in
                outputGradient.withUnsafeBufferPointer { dy in
                    for row in 0..<output.rowCount {
                        let base = row * columns
                        var total: Float = 0
                        for j in 0..<columns { total += dy[base + j] }
                        for j in 0..<columns { dx[base + j] = dy[base + j] - Foundation.exp(y[base + j]) * total }
                    }
                }
            }
        }
    }
}

/// Shared stable softmax / log-softmax over the rows of a batch.
enum RowSoftmax {
    static func apply(_ input: Tensor, logarithm: Bool) -> Tensor {
        let columns = input.rowLength
        return Tensor.filled(input.shape) { out in
            input.withUnsafeBufferPointer { x in
                for row in 0..<input.rowCount {
                    let base = row * columns
                    var largest = -Float.infinity
                    for j in 0..<columns { largest = Swift.max(largest, x[base + j]) }
                    var total: Float = 0
                    for j in 0..<columns {
                        let e = Foundation.exp(x[base + j] - largest)
                        out[base + j] = e
                        total += e
                    }
                    if logarithm {
                        let logTotal = Foundation.log(total)
                        for j in 0..<columns { out[base + j] = x[base + j] - largest - logTotal }
                    } else {
                        let scale = 1 / total
                        for j in 0..<columns { out[base + j] *= scale }
                    }
                }
            }
        }
    }
}
