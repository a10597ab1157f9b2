import TensorCore

/// Adam with decoupled weight decay (Loshchilov & Hutter 2019), PyTorch's `optim.AdamW`:
/// every step first shrinks each value, `p ← p · (1 - lr·λ)`, then takes the Adam step with the
/// plain gradient. Unlike `Adam(weightDecay:)`, which adds λ·p to the gradient and so lets
/// Adam's per-weight scaling weaken the decay of weights with large gradients, every weight
/// decays at the same relative rate.
///
/// Defaults as PyTorch: β₁ 0.9, β₂ 0.999, ε 1e-8, λ 0.01.
public final class AdamW: Optimizer {
    private let core: Adam
    /// λ, the decoupled decay rate.
    public let weightDecay: Float

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
        core = Adam(learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: 0)
        self.weightDecay = weightDecay
    }

    public var name: String { "adamw" }

    public var learningRate: Float {
        get { core.learningRate }
        set { core.learningRate = newValue }
    }

    /// β₁ (moved by a one-cycle schedule).
    public var beta1: Float {
        get { core.beta1 }
        set { core.beta1 = newValue }
    }

    /// Steps taken so far.
    public var stepCount: Int { core.stepCount }

    public func step(_ parameters: [Parameter]) {
        core.shrink = 1 - learningRate * weightDecay
        core.step(parameters)
    }
}
