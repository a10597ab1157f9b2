import TensorCore

/// Rescales all gradients together so their global L2 norm is at most `maximumNorm`, as
/// PyTorch's `clip_grad_norm_`: `g ← g · min(1, maximumNorm / (‖g‖ + 1e-6))`.
///
/// Why: one unlucky batch (a large loss early in training, a learning-rate peak) can produce a
/// step large enough to undo what was learned; clipping bounds the step and keeps its direction.
public enum GradientClipping {
    /// Clips in place and returns the norm measured before clipping.
    @discardableResult
    public static func clip(_ parameters: [Parameter], maximumNorm: Double) -> Double {
        var squares = 0.0
        for parameter in parameters {
            parameter.gradient.withUnsafeBufferPointer { g in
                var partial: Float = 0
                for (i, v) in g.enumerated() {
                    partial += v * v
                    if i & 4095 == 4095 { squares += Double(partial); partial = 0 }
                }
                squares += Double(partial)
            }
        }
        let norm = squares.squareRoot()
        let coefficient = maximumNorm / (norm + 1e-6)
        guard coefficient < 1 else { return norm }
        let scale = Float(coefficient)
        for parameter in parameters {
            parameter.gradient.withUnsafeMutableBufferPointer { g in for i in g.indices { g[i] *= scale } }
        }
        return norm
    }
}
