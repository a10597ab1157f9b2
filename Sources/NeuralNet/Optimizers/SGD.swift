import TensorCore

/// Stochastic gradient descent as PyTorch's `optim.SGD` (dampening 0):
/// `g = ∇ + λ·p`; with momentum μ, `b = μ·b + g` (b = g on the first step) and
/// `g = g + μ·b` (Nesterov) or `g = b`; then `p -= lr·g`.
public final class SGD: Optimizer {
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    private var velocity = StateBuffers()
    private var started = false

    public init(learningRate: Float = 0.01, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        precondition(!nesterov || momentum > 0, "Nesterov momentum needs momentum > 0")
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }

    public var name: String { nesterov ? "sgd-nesterov" : (momentum > 0 ? "sgd-momentum" : "sgd") }

    public func step(_ parameters: [Parameter]) {
        velocity.prepare(parameters)
        let (lr, mu, decay, first) = (learningRate, momentum, weightDecay, !started)
        for (index, parameter) in parameters.enumerated() {
            parameter.gradient.withUnsafeBufferPointer { gradient in
                parameter.value.withUnsafeMutableBufferPointer { value in
                    velocity.withBuffer(index) { buffer in
                        for i in 0..<value.count {
                            var g = gradient[i] + decay * value[i]
                            if mu != 0 {
                                buffer[i] = first ? g : mu * buffer[i] + g
                                g = nesterov ? g + mu * buffer[i] : buffer[i]
                            }
                            value[i] -= lr * g
                        }
                    }
                }
            }
        }
        started = true
    }
}
