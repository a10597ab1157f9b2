import Foundation
import TensorCore

/// Adam (Kingma & Ba) as PyTorch's `optim.Adam` (β₁ = 0.9, β₂ = 0.999, ε = 1e-8, L2 weight decay
/// added to the gradient): `m = β₁m + (1-β₁)g; v = β₂v + (1-β₂)g²;
/// p -= lr · (m / (1-β₁ᵗ)) / (√(v / (1-β₂ᵗ)) + ε)`.
public final class Adam: Optimizer {
    public var learningRate: Float
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    private var firstMoments = StateBuffers()
    private var secondMoments = StateBuffers()
    /// Steps taken so far (t in the bias corrections).
    public private(set) var stepCount = 0

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public var name: String { "adam" }

    public func step(_ parameters: [Parameter]) {
        firstMoments.prepare(parameters)
        secondMoments.prepare(parameters)
        stepCount += 1
        let t = Double(stepCount)
        let correction1 = Float(1 - Foundation.pow(Double(beta1), t))
        let correction2Root = Float((1 - Foundation.pow(Double(beta2), t)).squareRoot())
        // PyTorch's form: p -= (lr / c1) · m / (√v / √c2 + ε)
        let stepSize = learningRate / correction1
        let (b1, b2, eps, decay) = (beta1, beta2, epsilon, weightDecay)
        for (index, parameter) in parameters.enumerated() {
            parameter.gradient.withUnsafeBufferPointer { gradient in
                parameter.value.withUnsafeMutableBufferPointer { value in
                    firstMoments.withBuffer(index) { m in
                        secondMoments.withBuffer(index) { v in
                            let pointers = (g: SendablePointer(UnsafeMutablePointer(mutating: gradient.baseAddress!)),
                                            p: SendablePointer(value.baseAddress!), m: SendablePointer(m), v: SendablePointer(v))
                            // Element-wise and memory-bound: both cores for large tensors, SIMD
                            // lanes inside (division and square root are exact IEEE operations,
                            // so the vector form gives the same bits as the scalar one).
                            Parallel.forEachChunk(value.count, minimumChunk: 1 << 15) { range in
                                Adam.update(range, gradient: pointers.g.base, value: pointers.p.base, first: pointers.m.base,
                                            second: pointers.v.base, beta1: b1, beta2: b2, epsilon: eps, decay: decay,
                                            stepSize: stepSize, correction2Root: correction2Root)
                            }
                        }
                    }
                }
            }
        }
    }

    @inline(__always)
    static func update(_ range: Range<Int>, gradient: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>,
                       first m: UnsafeMutablePointer<Float>, second v: UnsafeMutablePointer<Float>,
                       beta1 b1: Float, beta2 b2: Float, epsilon eps: Float, decay: Float,
                       stepSize: Float, correction2Root: Float) {
        let (oneMinusB1, oneMinusB2) = (1 - b1, 1 - b2)
        // Eight lanes at a time with explicit SIMD (the compiler left the four-pointer loop
        // scalar); the same IEEE operations in the same order as the scalar tail, so every lane
        // gets the bits the scalar loop would give.
        typealias Lanes = SIMD8<Float>
        let width = Lanes.scalarCount
        var i = range.lowerBound
        while i + width <= range.upperBound {
            let offset = i &* MemoryLayout<Float>.stride
            let gi = UnsafeRawPointer(gradient).loadUnaligned(fromByteOffset: offset, as: Lanes.self)
            let pi = UnsafeRawPointer(value).loadUnaligned(fromByteOffset: offset, as: Lanes.self)
            let g = gi + decay * pi
            let mi = b1 * UnsafeRawPointer(m).loadUnaligned(fromByteOffset: offset, as: Lanes.self) + oneMinusB1 * g
            let vi = b2 * UnsafeRawPointer(v).loadUnaligned(fromByteOffset: offset, as: Lanes.self) + oneMinusB2 * g * g
            UnsafeMutableRawPointer(m).storeBytes(of: mi, toByteOffset: offset, as: Lanes.self)
            UnsafeMutableRawPointer(v).storeBytes(of: vi, toByteOffset: offset, as: Lanes.self)
            let updated = pi - stepSize * mi / (vi.squareRoot() / correction2Root + eps)
            UnsafeMutableRawPointer(value).storeBytes(of: updated, toByteOffset: offset, as: Lanes.self)
            i &+= width
        }
        while i < range.upperBound {
            let g = gradient[i] + decay * value[i]
            let mi = b1 * m[i] + oneMinusB1 * g
            let vi = b2 * v[i] + oneMinusB2 * g * g
            m[i] = mi
            v[i] = vi
            value[i] -= stepSize * mi / (vi.squareRoot() / correction2Root + eps)
            i &+= 1
        }
    }
}
