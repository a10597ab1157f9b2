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
        let (lr, mu, decay, first, isNesterov) = (learningRate, momentum, weightDecay, !started, nesterov)
        for (index, parameter) in parameters.enumerated() {
            parameter.gradient.withUnsafeBufferPointer { gradient in
                parameter.value.withUnsafeMutableBufferPointer { value in
                    velocity.withBuffer(index) { buffer in
                        let pointers = (g: SendablePointer(UnsafeMutablePointer(mutating: gradient.baseAddress!)),
                                        p: SendablePointer(value.baseAddress!), b: SendablePointer(buffer))
                        // Element-wise and memory-bound: both cores for large tensors. The
                        // branch-free loops per variant vectorise (the former single loop with
                        // the momentum branches inside stayed scalar: 12 % of a shallow epoch).
                        HotWorkers.shared.forEachChunk(value.count, minimumChunk: 1 << 15) { range in
                            SGD.update(range, gradient: pointers.g.base, value: pointers.p.base, velocity: pointers.b.base,
                                       learningRate: lr, momentum: mu, nesterov: isNesterov, decay: decay, first: first)
                        }
                    }
                }
            }
        }
        started = true
    }

    /// One step on `range`: the same IEEE operations in the same order as the textbook loop, so
    /// results are bit-identical to it; each variant is a separate loop the compiler vectorises.
    @inline(__always)
    static func update(_ range: Range<Int>, gradient: UnsafeMutablePointer<Float>, value: UnsafeMutablePointer<Float>,
                       velocity: UnsafeMutablePointer<Float>, learningRate lr: Float, momentum mu: Float,
                       nesterov: Bool, decay: Float, first: Bool) {
        if mu == 0 {
            if decay == 0 {
                for i in range { value[i] -= lr * gradient[i] }
            } else {
                for i in range { value[i] -= lr * (gradient[i] + decay * value[i]) }
            }
        } else if first {
            for i in range {
                let g = gradient[i] + decay * value[i]
                velocity[i] = g
                value[i] -= lr * (nesterov ? g + mu * g : g)
            }
        } else if nesterov {
            for i in range {
                let g = gradient[i] + decay * value[i]
                let b = mu * velocity[i] + g
                velocity[i] = b
                value[i] -= lr * (g + mu * b)
            }
        } else {
            for i in range {
                let b = mu * velocity[i] + (gradient[i] + decay * value[i])
                velocity[i] = b
                value[i] -= lr * b
            }
        }
    }
}
