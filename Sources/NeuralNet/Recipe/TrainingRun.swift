import Datasets
import Foundation
import TensorCore

/// Runs a `TrainingRecipe`: loads and splits the data, builds the model, trains it, scores the
/// test set once and writes checkpoint, history and metrics. The one entry point behind
/// `atelier train`, the CNN and autoencoder reports and the studies' objectives.
///
/// ```swift
/// let outcome = try TrainingRun(recipe).run(writingTo: "runs/lenet5")   // or nil: write nothing
/// print(outcome.testAccuracy ?? .nan, outcome.files)
/// ```
/// Order of work, so that bad input fails before any training: the recipe is validated, the
/// output folder is created and probed for writing, the data is loaded and checked against the
/// model; only then does training start. Files are written atomically at the end, so an
/// interrupted run leaves no half-written checkpoint.
public struct TrainingRun {
    public var recipe: TrainingRecipe
    /// Called with a line per epoch (and a few notes); nil: silent.
    public var log: ((String) -> Void)?
    /// The progress line on stderr (nil: when stderr is a terminal).
    public var showsProgress: Bool?
    /// Called after every epoch (after `log`) with the trainer's record: TensorBoard scalars, a
    /// study's intermediate values. It only watches: what the run computes is the same with or
    /// without it. An error it throws stops training at once and `train`/`run` rethrow it
    /// unchanged (a study's pruning signal passes through as the study expects); nothing is
    /// written then.
    public var onEpoch: ((EpochRecord) throws -> Void)?

    public init(_ recipe: TrainingRecipe, log: ((String) -> Void)? = nil, showsProgress: Bool? = nil,
                onEpoch: ((EpochRecord) throws -> Void)? = nil) {
        self.recipe = recipe
        self.log = log
        self.showsProgress = showsProgress
        self.onEpoch = onEpoch
    }

    /// Validates, checks `folder`, loads, trains, evaluates, and writes into `folder` (nil:
    /// nothing written).
    public func run(writingTo folder: String?) throws -> TrainingOutcome {
        try recipe.validate()
        if let folder { try TrainingRun.prepareOutput(folder) }
        let data = try prepareData()
        var outcome = try train(on: data)
        if let folder { outcome.files = try write(outcome, to: folder) }
        return outcome
    }

    /// The recipe's data, loaded and split.
    public func prepareData() throws -> PreparedData { try PreparedData.load(recipe) }

    /// The model the recipe describes for samples of `data`, before training: the zoo model
    /// with its regularization, behind a `Standardize` layer fitted on the fit split when asked,
    /// and behind a `Flatten` when a fully connected model reads augmented or standardized images.
    public func makeModel(for data: PreparedData) throws -> Sequential {
        let key = recipe.model.lowercased()
        let isAutoencoder = key == "autoencoder"
        if !data.isImage, ["lenet5", "cnn3", "conv1d"].contains(key) {
            throw NeuralNetError.invalidArgument("\(key) needs images; \(data.name) is a table of \(data.sampleShape[0]) features (use perceptron, shallow or mlp)")
        }
        if isAutoencoder, !data.isImage { throw NeuralNetError.invalidArgument("the autoencoder reconstructs images; \(data.name) is a table") }
        let outputs = data.classNames?.count ?? 1
        let imageModel = data.isImage && ["lenet5", "cnn3"].contains(key)
        var model = try ModelZoo.make(key, hidden: recipe.hidden, latent: recipe.latent, classCount: outputs,
                                      inputShape: imageModel ? data.sampleShape : [data.sampleShape.reduce(1, *)],
                                      batchNorm: recipe.batchNorm, dropout: recipe.dropout, seed: recipe.seed)
        let standardizes = recipe.standardize ?? !data.isImage
        var prefix: [any Layer] = []
        if standardizes {
            if isAutoencoder { throw NeuralNetError.invalidArgument("the autoencoder reconstructs its raw input; standardization does not apply") }
            prefix.append(Standardize(fittedTo: data.fit.inputs))
        }
        if data.isImage, !imageModel, !isAutoencoder, standardizes || recipe.augmentation != nil { prefix.append(Flatten()) }
        if !prefix.isEmpty {
            model = Sequential(name: model.name, inputShape: prefix.last is Flatten ? data.sampleShape : model.inputShape,
                               layers: prefix + model.layers)
        }
        if recipe.augmentation != nil, model.inputShape?.count != 3 {
            throw NeuralNetError.invalidArgument("augmentation needs a model that reads images; \(key) reads \(model.inputShape ?? [])")
        }
        return model
    }

    /// The training loss: cross-entropy (with the recipe's label smoothing) for classes, MSE
    /// for numbers and for the autoencoder.
    public func loss(for data: PreparedData) -> any Loss {
        recipe.model.lowercased() != "autoencoder" && data.isClassification
            ? CrossEntropy(labelSmoothing: Float(recipe.labelSmoothing)) : MeanSquaredError()
    }

    /// Builds the model, trains it on `data.fit` (validating on `data.validation`) and scores
    /// `data.test` once (an empty test split, as a study's objective passes, is not scored: NaN
    /// loss, no accuracy). Writes nothing.
    public func train(on data: PreparedData) throws -> TrainingOutcome {
        try recipe.validate()
        let model = try makeModel(for: data)
        let isAutoencoder = ModelZoo.isAutoencoder(model)
        let shape = model.inputShape ?? data.sampleShape
        func inputs(_ samples: PreparedData.Samples) -> Tensor { samples.inputs.reshaped([samples.count] + shape) }
        let loss = loss(for: data)
        let optimizer = try Optimizers.named(recipe.optimizer, learningRate: Float(recipe.learningRate), weightDecay: Float(recipe.weightDecay))
        var trainer = Trainer(epochs: recipe.epochs, batchSize: recipe.batchSize, loss: loss, optimizer: optimizer, seed: recipe.seed,
                              earlyStopping: recipe.earlyStopping, showsProgress: showsProgress) { [log, onEpoch] record in
            if let log { log(TrainingRun.line(for: record)) }
            try onEpoch?(record)
        }
        trainer.schedule = recipe.schedule == .constant ? nil : recipe.schedule
        trainer.clipNorm = recipe.clipNorm
        trainer.weightAverageDecay = recipe.weightAverageDecay.map(Float.init)
        trainer.keepsBestEpoch = recipe.keepsBestEpoch && data.validation != nil
        trainer.augmentation = recipe.augmentation
        trainer.timeLimit = recipe.timeLimit
        let fitInputs = inputs(data.fit)
        let validation = data.validation.map { (inputs($0), $0.targets(autoencoder: isAutoencoder)) }
        let start = DispatchTime.now().uptimeNanoseconds
        let history = try trainer.fit(model, inputs: fitInputs,
                                      targets: isAutoencoder ? fitInputs.reshaped([data.fit.count, -1]) : data.fit.targets(autoencoder: false),
                                      validation: validation)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        // The test loss is the plain criterion (no label smoothing), comparable across recipes.
        let testLoss: any Loss = loss is CrossEntropy ? CrossEntropy() : loss
        let testInputs = inputs(data.test)
        let measured = Trainer.evaluate(model, inputs: testInputs, targets: data.test.targets(autoencoder: isAutoencoder), loss: testLoss)
        let predictions = data.isClassification && !isAutoencoder && data.test.count > 0 ? model.predict(testInputs).argmax(axis: 1) : nil
        return TrainingOutcome(recipe: recipe, model: model, history: history, testLoss: measured.loss, testAccuracy: measured.accuracy,
                               testPredictions: predictions, trainingSamples: data.fit.count, validationSamples: data.validation?.count ?? 0,
                               testSamples: data.test.count, seconds: seconds, dataName: data.name, classNames: data.classNames)
    }

    /// The log line of one epoch: time, learning rate, losses and accuracies.
    static func line(for record: EpochRecord) -> String {
        var line = String(format: "epoch %d: %.2f s, lr %.3g, train loss %.4f", record.epoch, record.seconds, record.learningRate ?? .nan, record.trainingLoss)
        if let a = record.trainingAccuracy { line += String(format: ", train accuracy %.2f %%", a * 100) }
        if let l = record.validationLoss { line += String(format: ", validation loss %.4f", l) }
        if let a = record.validationAccuracy { line += String(format: ", validation accuracy %.2f %%", a * 100) }
        return line
    }

    /// Creates `folder` if needed and proves it writable (a probe file written and removed), so
    /// a run never trains for an hour and then fails to save.
    public static func prepareOutput(_ folder: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw NeuralNetError.invalidArgument("--out \(folder): a file is in the way; expected a folder (train writes checkpoint.atnn, history.csv, metrics.json into it)")
        }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let probe = (folder as NSString).appendingPathComponent(".atelier-write-probe-\(ProcessInfo.processInfo.processIdentifier)")
            try FileIO.writeAtomically(Data(), to: probe)
            try FileManager.default.removeItem(atPath: probe)
        } catch {
            throw NeuralNetError.invalidArgument("--out \(folder): the folder cannot be created or written (\(error.localizedDescription))")
        }
    }

    /// Writes checkpoint.atnn (with the recipe in its metadata), history.csv and metrics.json;
    /// returns their paths.
    public func write(_ outcome: TrainingOutcome, to folder: String) throws -> [String] {
        let paths = ["checkpoint.atnn", "history.csv", "metrics.json"].map { (folder as NSString).appendingPathComponent($0) }
        try Checkpoint(model: outcome.model, metadata: outcome.checkpointMetadata).write(to: paths[0])
        try outcome.history.writeCSV(to: paths[1])
        var metrics = outcome.metrics
        metrics.files = paths
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try FileIO.writeAtomically(try encoder.encode(metrics), to: paths[2])
        return paths
    }
}
