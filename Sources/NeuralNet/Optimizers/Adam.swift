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
                            for i in 0..<value.count {
                                let g = gradient[i] + decay * value[i]
                                m[i] = b1 * m[i] + (1 - b1) * g
                                v[i] = b2 * v[i] + (1 - b2) * g * g
                                value[i] -= stepSize * m[i] / (v[i].squareRoot() / correction2Root + eps)
                            }
                        }
                    }
                }
            }
        }
    }
}
