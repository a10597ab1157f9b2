import NeuralNet
import TensorCore

/// A small multilayer perceptron for fraud scores, built and trained with the NeuralNet
/// module: `Linear -> ReLU` per hidden layer, one logit out, `BinaryCrossEntropy` on logits
/// (optionally class-weighted), Adam, seeded mini-batches.
///
/// ```swift
/// let model = try MLPClassifier(hiddenSizes: [32, 16], epochs: 10).fit(x, labels: y, classWeights: [0.5, 289])
/// let logits = model.decisionValues(xTest)
/// ```
public struct MLPClassifier: Sendable {
    public var hiddenSizes: [Int]
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Float
    public var seed: UInt64

    /// Defaults: two hidden layers of 32 and 16, 10 epochs of batches of 512, Adam 1e-3.
    public init(hiddenSizes: [Int] = [32, 16], epochs: Int = 10, batchSize: Int = 512, learningRate: Float = 1e-3, seed: UInt64 = 0) {
        self.hiddenSizes = hiddenSizes
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.seed = seed
    }

    /// A short description, e.g. "MLP 30-32-16-1".
    public func name(inputs: Int) -> String { "MLP " + ([inputs] + hiddenSizes + [1]).map(String.init).joined(separator: "-") }

    /// Trains on `x` (`[n, p]`, standardised) and 0/1 `labels`; `classWeights` `[legit, fraud]`
    /// weight the loss per class (nil: unweighted).
    /// - Throws: `NeuralNetError` (e.g. a non-finite loss).
    public func fit(_ x: Tensor, labels: [Int], classWeights: [Float]? = nil) throws -> FittedMLPClassifier {
        let inputs = x.rowLength
        var layers: [any Layer] = []
        var width = inputs
        for hidden in hiddenSizes {
            layers.append(Linear(width, hidden))
            layers.append(ReLU())
            width = hidden
        }
        layers.append(Linear(width, 1))
        let model = Sequential(name: name(inputs: inputs), inputShape: [inputs], layers: layers)
        var generator = RandomGenerator(seed: seed)
        model.resetParameters(using: &generator)
        let trainer = Trainer(epochs: epochs, batchSize: batchSize, loss: BinaryCrossEntropy(classWeights: classWeights),
                              optimizer: Adam(learningRate: learningRate), seed: seed, showsProgress: false)
        let history = try trainer.fit(model, inputs: x, targets: Tensor(shape: [labels.count, 1], elements: labels.map { Float($0) }))
        return FittedMLPClassifier(model: model, finalLoss: history.records.last?.trainingLoss ?? .nan)
    }
}

/// A trained `MLPClassifier`.
public struct FittedMLPClassifier: @unchecked Sendable {
    /// The network (a reference type; not shared across threads by this module).
    public let model: Sequential
    public let finalLoss: Double

    /// The logits of the rows of `x` (monotone in the fraud probability; used as scores).
    public func decisionValues(_ x: Tensor) -> [Float] { model.predict(x, batchSize: 4096).elements }
}
