import Foundation

/// Everything that defines a training run, as one value: model, data, split, optimizer,
/// schedule, regularization, augmentation, epochs, early stopping, seed.
///
/// ```swift
/// var recipe = TrainingRecipe(model: "lenet5", data: .dataset(name: "mnist"))
/// recipe.batchNorm = true; recipe.dropout = 0.25
/// recipe.optimizer = "adamw"; recipe.weightDecay = 1e-4
/// recipe.schedule = .oneCycle(maximumLearningRate: 3e-3)
/// recipe.augmentation = try Augmentation(parsing: "shift:2")
/// recipe.labelSmoothing = 0.1; recipe.batchSize = 128; recipe.epochs = 15
/// let outcome = try TrainingRun(recipe).run(writingTo: "runs/lenet5")
/// ```
/// `TrainingRun` runs it; `atelier train`, the CNN and autoencoder reports and the studies'
/// objectives all build one of these, so a recipe means the same wherever it is used. It is
/// Codable and stored as JSON in the checkpoint's metadata under `"recipe"`.
///
/// Defaults are the seeds' plain recipe (Adam 1e-3, batch 64, constant rate, no
/// regularization), so a recipe with only a model and data trains as `atelier train` always did.
public struct TrainingRecipe: Codable, Equatable, Sendable {
    // Model
    /// A `ModelZoo` name.
    public var model: String
    /// Hidden sizes (`shallow`, `mlp`, `autoencoder`).
    public var hidden: [Int]?
    /// The autoencoder's code size.
    public var latent = 32
    /// BatchNorm after every convolution / hidden layer (see `ModelZoo.make`).
    public var batchNorm = false
    /// Dropout probability before the fully connected layers (0: none).
    public var dropout = 0.0
    /// A per-channel `Standardize` first layer fitted on the training split; nil: on for
    /// tables, off for images (pixels are already in [0, 1]).
    public var standardize: Bool?

    // Data and split
    public var data: TrainingData
    /// Share of the training data held out (stratified for classes) to choose the best epoch
    /// and drive early stopping and reduce-on-plateau; 0: none.
    public var validationFraction = 0.0
    /// Share of a table held out as its test set (datasets have their own test split).
    public var testFraction = 0.2

    // Optimization
    /// An `Optimizers.names` entry.
    public var optimizer = "adam"
    public var learningRate = 1e-3
    /// L2 for `adam`/`sgd`/`rmsprop`, decoupled for `adamw`.
    public var weightDecay = 0.0
    public var schedule = LearningRateSchedule.constant
    public var batchSize = 64
    public var epochs = 3

    // Regularization and evaluation
    public var labelSmoothing = 0.0
    /// Global gradient-norm clipping (nil: none).
    public var clipNorm: Double?
    /// Decay of the weights' moving average used for evaluation (nil: none).
    public var weightAverageDecay: Double?
    public var augmentation: Augmentation?
    public var earlyStopping: EarlyStopping?
    /// End with the weights of the best validation epoch (needs a validation split).
    public var keepsBestEpoch = false
    /// Stop after the epoch in which this many seconds of training have passed (nil: none).
    public var timeLimit: Double?

    /// Seed of initialization, splits, shuffles, dropout masks and augmentation.
    public var seed: UInt64 = 0

    public init(model: String, data: TrainingData) {
        self.model = model
        self.data = data
    }

    /// The recipe's text form for metadata and reports (sorted-key JSON).
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "{}"
    }

    /// A one-line description: "lenet5, adamw 0.001 (wd 0.0001), onecycle(max 0.003), batch norm, dropout 0.25, ...".
    public var summary: String {
        var parts = [model, "\(optimizer) \(learningRate)" + (weightDecay > 0 ? " (wd \(weightDecay))" : ""), "batch \(batchSize)", "\(epochs) epochs"]
        if schedule != .constant { parts.append(schedule.summary) }
        if batchNorm { parts.append("batch norm") }
        if dropout > 0 { parts.append("dropout \(dropout)") }
        if let augmentation { parts.append("augment \(augmentation.summary)") }
        if labelSmoothing > 0 { parts.append("label smoothing \(labelSmoothing)") }
        if let clipNorm { parts.append("clip \(clipNorm)") }
        if let weightAverageDecay { parts.append("EMA \(weightAverageDecay)") }
        if keepsBestEpoch { parts.append("best epoch kept") }
        return parts.joined(separator: ", ")
    }

    /// Checks every value that does not need the data; `TrainingRun` checks the rest (shapes,
    /// labels) after loading and before training.
    /// - Throws: `NeuralNetError.invalidArgument` naming the value and what was expected.
    public func validate() throws {
        func fail(_ message: String) -> NeuralNetError { .invalidArgument(message) }
        guard ModelZoo.names.contains(model.lowercased()) else {
            throw NeuralNetError.unknownModel("unknown model '\(model)'; expected one of \(ModelZoo.names.joined(separator: ", "))")
        }
        guard epochs > 0 else { throw fail("epochs must be at least 1, got \(epochs)") }
        guard batchSize > 0 else { throw fail("batch size must be at least 1, got \(batchSize)") }
        guard learningRate > 0, learningRate.isFinite else { throw fail("the learning rate must be a positive number, got \(learningRate)") }
        guard weightDecay >= 0, weightDecay.isFinite else { throw fail("weight decay must be >= 0, got \(weightDecay)") }
        guard dropout >= 0 && dropout < 1 else { throw fail("dropout probability must be in [0, 1), got \(dropout)") }
        guard labelSmoothing >= 0 && labelSmoothing < 1 else { throw fail("label smoothing must be in [0, 1), got \(labelSmoothing)") }
        guard latent > 0 else { throw fail("the latent size must be positive, got \(latent)") }
        guard validationFraction >= 0 && validationFraction < 1 else { throw fail("the validation fraction must be in [0, 1), got \(validationFraction)") }
        guard testFraction >= 0 && testFraction < 1, validationFraction + testFraction < 1 else {
            throw fail("the test fraction must be in [0, 1) and leave training data beside the validation fraction, got \(testFraction)")
        }
        if let clipNorm, !(clipNorm > 0 && clipNorm.isFinite) { throw fail("the clipping norm must be positive, got \(clipNorm)") }
        if let timeLimit, !(timeLimit > 0) { throw fail("the time limit must be a positive number of seconds, got \(timeLimit)") }
        if let decay = weightAverageDecay, !(decay > 0 && decay < 1) { throw fail("the weight average's decay must be in (0, 1), got \(decay)") }
        guard Optimizers.names.contains(optimizer.lowercased()) else {
            throw fail("unknown optimizer '\(optimizer)'; expected \(Optimizers.names.joined(separator: ", "))")
        }
        try schedule.validate(epochs: epochs)
        if keepsBestEpoch, validationFraction == 0 { throw fail("keeping the best epoch needs a validation split (validation fraction > 0)") }
        if case .reduceOnPlateau = schedule, validationFraction == 0 {
            // Allowed: it then watches the training loss, as documented.
        }
        let isAutoencoder = model.lowercased() == "autoencoder"
        if isAutoencoder, labelSmoothing > 0 { throw fail("label smoothing applies to classifiers, not the autoencoder") }
        if let augmentation {
            if isAutoencoder { throw fail("augmentation applies to classifiers of images, not the autoencoder") }
            if case .table = data { throw fail("augmentation needs images; \(data.description) is a table (drop --augment)") }
            if augmentation.flips, case let .dataset(name, _, _) = data, TrainingData.digitDatasets.contains(name.lowercased()) {
                throw fail("horizontal flips change what a digit is (a mirrored 2 is no digit); use flip with fashion-mnist or CIFAR only")
            }
        }
        try data.validate()
    }
}
