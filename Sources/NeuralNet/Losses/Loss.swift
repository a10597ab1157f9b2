import TensorCore

/// A training objective: the mean loss of a batch and its gradient with respect to the model's
/// output (already divided by the batch, so the optimizer's learning rate means what it means
/// in PyTorch with `reduction='mean'`).
public protocol Loss: Sendable {
    /// Short name for reports, e.g. "cross-entropy".
    var name: String { get }
    /// Mean loss (in Double) and dLoss/dPrediction.
    func evaluate(_ prediction: Tensor, _ target: Tensor) -> (value: Double, gradient: Tensor)
    /// Correct predictions in the batch, or nil when the loss is not a classification loss.
    func correctCount(_ prediction: Tensor, _ target: Tensor) -> Int?
    /// Checks that targets fit the loss and the model's per-sample output shape.
    func validate(targets: Tensor, outputShape: [Int]) throws
}

extension Loss {
    public func correctCount(_ prediction: Tensor, _ target: Tensor) -> Int? { nil }
}

extension Tensor {
    /// Class indices as a `[count]` tensor, the target form `CrossEntropy` expects
    /// (exact in Float32 below 2^24).
    public init(classIndices: [Int]) {
        self.init(shape: [classIndices.count], elements: classIndices.map(Float.init))
    }
}
