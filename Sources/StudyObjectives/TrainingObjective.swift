import Datasets
import Foundation
import NeuralNet
import Studies
import TensorCore

/// A built-in objective: train a model of the zoo on MNIST or Fashion-MNIST with the suggested
/// hyper-parameters and score it on a stratified validation split, reporting the validation
/// metric after every epoch so that pruners can stop a poor trial early (seed 002's searches).
///
/// The objective asks for parameters by name through `suggest`, so dependent spaces work: the
/// MLP first draws `layers`, then one width per layer (`units0`, `units1`, …). Names it knows:
/// `learningRate`, `batchSize`, `optimizer`, `weightDecay`, `hidden` (shallow, autoencoder),
/// `layers` + `unitsK` (mlp), `latent` (autoencoder), `epochs`. A parameter that the study's
/// space does not define keeps the fixed value of this configuration (see `fixed`).
///
/// Classifiers report validation accuracy (maximize); the autoencoder reports validation MSE
/// (minimize). Every trial trains from the same seed, so two trials with equal parameters give
/// equal values.
public struct TrainingObjective: @unchecked Sendable {
    public var model: String
    public var dataset: String
    public var dataDirectory: String?
    /// Use the first N training images only (quick studies, tests).
    public var limit: Int?
    public var validationFraction: Double
    /// Most epochs per trial; early stopping may end a trial sooner.
    public var maxEpochs: Int
    /// Early stopping on the validation loss (seed 002: patience 2, min_delta 0.001); nil: none.
    public var earlyStopping: (patience: Int, minimumDelta: Double)?
    public var seed: UInt64
    /// Values that override the space (and the defaults) for every trial.
    public var fixed: [String: ParameterValue]

    public init(model: String, dataset: String = "mnist", dataDirectory: String? = nil, limit: Int? = nil,
                validationFraction: Double = 0.1, maxEpochs: Int = 10,
                earlyStopping: (patience: Int, minimumDelta: Double)? = (2, 0.001),
                seed: UInt64 = 0, fixed: [String: ParameterValue] = [:]) throws {
        guard ModelZoo.names.contains(model.lowercased()) else {
            throw StudyError.invalidValue("unknown model '\(model)'; expected one of \(ModelZoo.names.joined(separator: ", "))")
        }
        guard validationFraction > 0, validationFraction < 1 else {
            throw StudyError.invalidValue("the validation fraction must be in (0, 1), got \(validationFraction)")
        }
        guard maxEpochs > 0 else { throw StudyError.invalidValue("epochs per trial must be positive, got \(maxEpochs)") }
        if let limit, limit < 20 { throw StudyError.invalidValue("--limit must be at least 20 images, got \(limit)") }
        self.model = model.lowercased()
        self.dataset = dataset
        self.dataDirectory = dataDirectory
        self.limit = limit
        self.validationFraction = validationFraction
        self.maxEpochs = maxEpochs
        self.earlyStopping = earlyStopping
        self.seed = seed
        self.fixed = fixed
    }

    /// The direction of the value this objective returns.
    public var direction: StudyDirection { model == "autoencoder" ? .minimize : .maximize }

    /// What the value is, for pages and progress lines.
    public var metricName: String { model == "autoencoder" ? "validation MSE" : "validation accuracy" }

    /// Loads and splits the data once per worker; `evaluate` then runs trial after trial on it.
    public func prepare() throws -> PreparedData {
        let train = try Dataset.named(dataset, split: .train, directory: dataDirectory).prefix(limit)
        let parts = try Splitter(fractions: [1 - validationFraction, validationFraction], seed: seed, stratified: true)
            .split(count: train.count, labels: train.labels)
        return PreparedData(fit: train.subset(parts[0], name: train.name + "-fit"),
                            validation: train.subset(parts[1], name: train.name + "-validation"))
    }

    /// The data a worker trains on: the fit and validation parts of the training set.
    public struct PreparedData: @unchecked Sendable {
        public let fit: ImageDataset
        public let validation: ImageDataset
    }

    /// Trains one configuration and returns its last epoch's validation metric.
    /// - Parameters:
    ///   - space: the study's search space (`TrainingConfiguration.defaultSpace` or a file's).
    ///   - suggest: draws a parameter (the trial's `suggest`).
    ///   - report: receives `(value, epoch)` after every epoch; throws to stop the trial (pruning).
    public func evaluate(_ data: PreparedData, space: [String: Distribution],
                         suggest: (String, Distribution) throws -> ParameterValue,
                         report: (Double, Int) throws -> Void) throws -> Double {
        let configuration = try TrainingConfiguration(model: model) { name in
            if let value = fixed[name] { return value }
            guard let distribution = TrainingConfiguration.distribution(for: name, in: space) else { return nil }
            return try suggest(name, distribution)
        }
        let shape = data.fit.count > 0 ? [1, data.fit.height, data.fit.width] : [1, 28, 28]
        let network = try ModelZoo.make(model, hidden: configuration.hidden, latent: configuration.latent, inputShape: shape,
                                        batchNorm: configuration.batchNorm, dropout: configuration.dropout, seed: seed)
        let inputShape = network.inputShape ?? [784]
        func inputs(_ set: ImageDataset) -> Tensor { set.images().reshaped([set.count] + inputShape) }
        let isAutoencoder = model == "autoencoder"
        func targets(_ set: ImageDataset, _ x: Tensor) -> Tensor {
            isAutoencoder ? x.reshaped([set.count, -1]) : Tensor(classIndices: set.labels)
        }
        let x = inputs(data.fit), y = targets(data.fit, x)
        let vx = inputs(data.validation), vy = targets(data.validation, vx)
        let loss = ModelZoo.defaultLoss(for: model)
        let optimizer = try Optimizers.named(configuration.optimizer, learningRate: Float(configuration.learningRate),
                                             weightDecay: Float(configuration.weightDecay))
        let epochs = configuration.epochs ?? maxEpochs
        var bestLoss = Double.infinity
        var waited = 0
        var last = Double.nan
        for epoch in 1...epochs {
            // One epoch at a time so that the trial can be pruned between epochs; each epoch's
            // shuffle has its own seed, the optimizer keeps its state across the calls.
            let trainer = Trainer(epochs: 1, batchSize: configuration.batchSize, loss: loss, optimizer: optimizer,
                                  seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15, showsProgress: false)
            do {
                try trainer.fit(network, inputs: x, targets: y)
            } catch NeuralNetError.nonFiniteLoss {
                // A diverging configuration is a result, not a crash: the trial fails with the reason.
                throw TrainingDiverged(epoch: epoch)
            }
            let measured = Trainer.evaluate(network, inputs: vx, targets: vy, loss: loss)
            last = isAutoencoder ? measured.loss : (measured.accuracy ?? 0)
            try report(last, epoch)
            if let (patience, minimumDelta) = earlyStopping {
                // Keras' rule, as seed 002 used it: an epoch improves when the validation loss
                // drops by more than minimumDelta; stop after `patience` epochs without one.
                if measured.loss < bestLoss - minimumDelta { bestLoss = measured.loss; waited = 0 } else { waited += 1 }
                if waited > patience { break }
            }
        }
        return last
    }
}

/// A configuration's training diverged (NaN or infinite loss): the trial fails with this reason.
public struct TrainingDiverged: Error, CustomStringConvertible {
    public let epoch: Int
    public var description: String { "the training loss became NaN or infinite in epoch \(epoch) (learning rate too large?)" }
}
