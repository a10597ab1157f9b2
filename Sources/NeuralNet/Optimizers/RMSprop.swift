import Foundation
import TensorCore

/// RMSprop as PyTorch's `optim.RMSprop` (defaults α = 0.99, ε = 1e-8, no momentum):
/// `g = ∇ + λ·p; v = α·v + (1-α)·g²; p -= lr·g / (√v + ε)`.
/// (Keras' `rmsprop`, used by one seed, has α = 0.9 and ε = 1e-7: pass them to match it.)
public final class RMSprop: Optimizer {
    public var learningRate: Float
    public let alpha: Float
    public let epsilon: Float
    public let weightDecay: Float
    private var squares = StateBuffers()

    public init(learningRate: Float = 0.01, alpha: Float = 0.99, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.learningRate = learningRate
        self.alpha = alpha
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public var name: String { "rmsprop" }

    public func step(_ parameters: [Parameter]) {
        squares.prepare(parameters)
        let (lr, a, eps, decay) = (learningRate, alpha, epsilon, weightDecay)
        for (index, parameter) in parameters.enumerated() {
            parameter.gradient.withUnsafeBufferPointer { gradient in
                parameter.value.withUnsafeMutableBufferPointer { value in
                    squares.withBuffer(index) { v in
                        for i in 0..<value.count {
                            let g = gradient[i] + decay * value[i]
                            v[i] = a * v[i] + (1 - a) * g * g
                            value[i] -= lr * g / (v[i].squareRoot() + eps)
                        }
                    }
                }
            }
        }
    }
}
