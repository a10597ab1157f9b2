import TensorCore

/// An exponential moving average of a model's weights (Polyak averaging as in timm's
/// `ModelEmaV2`): after every optimizer step `average ← d · average + (1 - d) · weights`, over
/// the parameters and the buffers (BatchNorm's running statistics) alike.
///
/// `d = min(decay, (1 + t) / (10 + t))` after t updates, TensorFlow's `ExponentialMovingAverage`
/// with `num_updates`: without that warm-up a decay of 0.999 would keep the average at the
/// random initial weights for the first thousand steps, longer than a small run lasts.
///
/// Why: the weights at the end of an epoch sit wherever the last noisy steps left them; their
/// average over the last ~1/(1 - decay) steps usually scores better, so evaluation and the saved
/// checkpoint use it. Training itself continues from the raw weights.
public struct WeightAverage {
    public let decay: Float
    private(set) var average: [Tensor]
    /// Updates so far (t).
    public private(set) var updates = 0

    /// Starts the average at the model's current weights.
    public init(of model: Sequential, decay: Float) {
        precondition(decay > 0 && decay < 1, "the weight average's decay must be in (0, 1), got \(decay)")
        self.decay = decay
        average = model.snapshot()
    }

    /// Moves the average towards the model's current weights.
    public mutating func update(from model: Sequential) {
        let current = model.parameters + model.buffers
        let effective = Swift.min(decay, Float(1 + updates) / Float(10 + updates))
        updates += 1
        let (keep, take) = (effective, 1 - effective)
        for index in average.indices {
            current[index].value.withUnsafeBufferPointer { w in
                average[index].withUnsafeMutableBufferPointer { a in
                    for i in a.indices { a[i] = keep * a[i] + take * w[i] }
                }
            }
        }
    }

    /// Runs `body` with the averaged weights in the model, then puts the raw weights back.
    public func withAverage<R>(in model: Sequential, _ body: () throws -> R) rethrows -> R {
        let raw = model.snapshot()
        model.restore(average)
        defer { model.restore(raw) }
        return try body()
    }

    /// The averaged weights, in `Sequential.snapshot()` order.
    public var weights: [Tensor] { average }
}
