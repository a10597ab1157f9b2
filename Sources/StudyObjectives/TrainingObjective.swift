import Datasets
import Foundation
import NeuralNet
import Studies
import TensorCore

/// A built-in objective: train a model of the zoo on MNIST or Fashion-MNIST with the suggested
/// hyper-parameters and score it on a stratified validation split, reporting the validation
/// metric after every epoch so that pruners can stop a poor trial early (seed 002's searches).
/// Each trial is a `TrainingRecipe` run by `TrainingRun`, as `atelier train` runs one, so a
/// trial's configuration retrains the same way from the command line.
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

        /// As `TrainingRun` takes it, with an empty test split: trials are scored on validation.
        var samples: NeuralNet.PreparedData {
            let noTest = ImageDataset(name: fit.name, pixels: [], labels: [], height: fit.height, width: fit.width, classNames: fit.classNames)
            return NeuralNet.PreparedData(fit: fit, validation: validation, test: noTest, name: fit.name)
        }
    }

    /// The recipe `configuration` means for this objective: `atelier train`'s recipe with the
    /// trial's values, the objective's seed and validation share, and early stopping on the
    /// validation loss that keeps the last weights (the trial's value is its last epoch's metric).
    public func recipe(for configuration: TrainingConfiguration) -> TrainingRecipe {
        var recipe = TrainingRecipe(model: model, data: .provided(name: dataset))
        recipe.hidden = configuration.hidden
        recipe.latent = configuration.latent
        recipe.batchNorm = configuration.batchNorm
        recipe.dropout = configuration.dropout
        recipe.optimizer = configuration.optimizer
        recipe.learningRate = configuration.learningRate
        recipe.weightDecay = configuration.weightDecay
        recipe.batchSize = configuration.batchSize
        recipe.epochs = configuration.epochs ?? maxEpochs
        recipe.validationFraction = validationFraction
        // Keras' rule, as seed 002 used it: an epoch improves when the validation loss drops by
        // more than minimumDelta; stop after `patience` epochs without one.
        recipe.earlyStopping = earlyStopping.map { EarlyStopping(patience: $0.patience, minimumDelta: $0.minimumDelta, restoreBest: false) }
        recipe.seed = seed
        return recipe
    }

    /// Trains one configuration through `TrainingRun` (the entry point of `atelier train`) and
    /// returns its last epoch's validation metric.
    /// - Parameters:
    ///   - space: the study's search space (`TrainingConfiguration.defaultSpace` or a file's).
    ///   - suggest: draws a parameter (the trial's `suggest`).
    ///   - report: receives `(value, epoch)` after every epoch; throws to stop the trial (pruning).
    ///   - onEpoch: sees every epoch's full record before `report` (TensorBoard scalars); an error
    ///     it throws fails the trial. nil: none.
    public func evaluate(_ data: PreparedData, space: [String: Distribution],
                         suggest: (String, Distribution) throws -> ParameterValue,
                         report: (Double, Int) throws -> Void,
                         onEpoch: ((EpochRecord) throws -> Void)? = nil) throws -> Double {
        let configuration = try TrainingConfiguration(model: model) { name in
            if let value = fixed[name] { return value }
            guard let distribution = TrainingConfiguration.distribution(for: name, in: space) else { return nil }
            return try suggest(name, distribution)
        }
        let isAutoencoder = model == "autoencoder"
        func metric(_ record: EpochRecord) -> Double {
            isAutoencoder ? (record.validationLoss ?? .nan) : (record.validationAccuracy ?? 0)
        }
        let recipe = recipe(for: configuration)
        let outcome = try withoutActuallyEscaping(report) { report in
            let run = TrainingRun(recipe, showsProgress: false) { record in
                try onEpoch?(record)
                try report(metric(record), record.epoch)
            }
            do {
                return try run.train(on: data.samples)
            } catch NeuralNetError.nonFiniteLoss(let epoch, _, _) {
                // A diverging configuration is a result, not a crash: the trial fails with the reason.
                throw TrainingDiverged(epoch: epoch)
            }
        }
        return outcome.history.records.last.map(metric) ?? .nan
    }
}

/// A configuration's training diverged (NaN or infinite loss): the trial fails with this reason.
public struct TrainingDiverged: Error, CustomStringConvertible {
    public let epoch: Int
    public var description: String { "the training loss became NaN or infinite in epoch \(epoch) (learning rate too large?)" }
}
