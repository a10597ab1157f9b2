import TensorCore

/// An exponential moving average of a model's weights (Polyak averaging as in timm's
/// `ModelEmaV2`): after every optimizer step `average ← decay · average + (1 - decay) · weights`,
/// over the parameters and the buffers (BatchNorm's running statistics) alike.
///
/// Why: the weights at the end of an epoch sit wherever the last noisy steps left them; their
/// average over the last ~1/(1 - decay) steps usually scores better, so evaluation and the saved
/// checkpoint use it. Training itself continues from the raw weights.
public struct WeightAverage {
    public let decay: Float
    private(set) var average: [Tensor]

    /// Starts the average at the model's current weights.
    public init(of model: Sequential, decay: Float) {
        precondition(decay > 0 && decay < 1, "the weight average's decay must be in (0, 1), got \(decay)")
        self.decay = decay
        average = model.snapshot()
    }

    /// Moves the average towards the model's current weights.
    public mutating func update(from model: Sequential) {
        let current = model.parameters + model.buffers
        let (keep, take) = (decay, 1 - decay)
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
