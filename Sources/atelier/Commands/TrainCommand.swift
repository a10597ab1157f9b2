import ArgumentParser
import Datasets
import Foundation
import Metrics
import NeuralNet
import TensorCore

/// `atelier train`: trains one of the seeds' models on MNIST or Fashion-MNIST and writes the
/// checkpoint, the per-epoch history and the test metrics into `--out`.
struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model (perceptron, shallow, mlp, lenet5, cnn3, autoencoder, conv1d) on MNIST or Fashion-MNIST.",
        discussion: """
        --out is a folder: it receives checkpoint.atnn, history.csv and metrics.json, and is checked before training starts. Classifiers train with cross-entropy, the autoencoder with MSE against its input. With --patience, a stratified --validation-fraction (default 0.1) of the training set is held out and early stopping restores the best epoch's weights.

        Examples:
          atelier train --model lenet5 --dataset mnist --epochs 3 --batch 64 \\
              --optimizer adam --lr 1e-3 --out runs/lenet5
          atelier train --model autoencoder --latent 32 --epochs 5 --batch 128 \\
              --out runs/ae
          atelier train --model mlp --hidden 256,128 --epochs 10 --patience 2 \\
              --limit 10000 --out runs/mlp
        """
    )

    @Option(help: "Model name: \(ModelZoo.names.joined(separator: ", ")).")
    var model: String

    @Option(help: "mnist or fashion-mnist.")
    var dataset = "mnist"

    @Option(help: "Folder holding the dataset's IDX files (default: see CONVENTIONS.md, data lookup).")
    var dataDir: String?

    @Option(help: "Number of epochs.")
    var epochs = 3

    @Option(help: "Mini-batch size.")
    var batch = 64

    @Option(help: "sgd, momentum, nesterov, rmsprop or adam.")
    var optimizer = "adam"

    @Option(help: "Learning rate.")
    var lr: Float = 1e-3

    @Option(help: "L2 weight decay added to the gradients.")
    var weightDecay: Float = 0

    @Option(help: "Seed of initialisation, shuffles and splits.")
    var seed: UInt64 = 0

    @Option(help: "Hidden sizes, comma-separated (shallow: one, mlp: any; e.g. 977,878).")
    var hidden: String?

    @Option(help: "Latent size of the autoencoder.")
    var latent = 32

    @Option(help: "Early stopping: epochs without improvement tolerated.")
    var patience: Int?

    @Option(help: "Early stopping: smallest loss decrease that counts as improvement.")
    var minDelta: Double = 0

    @Option(help: "Fraction of the training set held out for validation (default 0.1 with --patience, else 0).")
    var validationFraction: Double?

    @Option(help: "Use only the first N training and test images.")
    var limit: Int?

    @Option(help: "Output folder.")
    var out: String

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    func hiddenSizes() throws -> [Int]? {
        guard let hidden else { return nil }
        let parts = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
            throw ValidationError("--hidden expects positive sizes separated by commas, e.g. 977,878; got '\(hidden)'")
        }
        return parts.map { $0! }
    }

    func validate() throws {
        guard ModelZoo.names.contains(model.lowercased()) else {
            throw ValidationError("unknown model '\(model)'; expected one of \(ModelZoo.names.joined(separator: ", "))")
        }
        guard epochs > 0 else { throw ValidationError("--epochs must be positive") }
        guard batch > 0 else { throw ValidationError("--batch must be positive") }
        guard lr > 0, lr.isFinite else { throw ValidationError("--lr must be a positive number") }
        guard latent > 0 else { throw ValidationError("--latent must be positive") }
        if let patience, patience < 0 { throw ValidationError("--patience must be >= 0") }
        guard minDelta >= 0 else { throw ValidationError("--min-delta must be >= 0") }
        if let validationFraction, !(validationFraction >= 0 && validationFraction < 1) {
            throw ValidationError("--validation-fraction must be in [0, 1)")
        }
        if let limit, limit <= 0 { throw ValidationError("--limit must be positive") }
        try CheckpointArgument.checkDataset(dataset)
        _ = try hiddenSizes()
        do { _ = try Optimizers.named(optimizer, learningRate: lr) } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        try OutputCheck.folder(out)
        let network = try ModelZoo.make(model, hidden: try hiddenSizes(), latent: latent, seed: seed)
        let isAutoencoder = ModelZoo.isAutoencoder(network)
        let inputShape = network.inputShape ?? [784]
        let trainSet = try Dataset.named(dataset, split: .train, directory: dataDir).prefix(limit)
        let testSet = try Dataset.named(dataset, split: .test, directory: dataDir).prefix(limit)
        guard trainSet.featureCount == inputShape.reduce(1, *) else {
            throw NeuralNetError.invalidData("\(dataset) images have \(trainSet.featureCount) pixels; \(model) expects \(inputShape)")
        }
        func inputs(_ set: ImageDataset) -> Tensor { set.images().reshaped([set.count] + inputShape) }
        func targets(_ set: ImageDataset, _ x: Tensor) -> Tensor {
            isAutoencoder ? x.reshaped([set.count, -1]) : Tensor(classIndices: set.labels)
        }

        var fitSet = trainSet
        var validationSet: ImageDataset?
        let fraction = validationFraction ?? (patience == nil ? 0 : 0.1)
        if fraction > 0 {
            let parts = try Splitter(fractions: [1 - fraction, fraction], seed: seed, stratified: true)
                .split(count: trainSet.count, labels: trainSet.labels)
            fitSet = trainSet.subset(parts[0], name: trainSet.name + "-fit")
            validationSet = trainSet.subset(parts[1], name: trainSet.name + "-validation")
        }
        let x = inputs(fitSet)
        let validation = validationSet.map { set -> (inputs: Tensor, targets: Tensor) in
            let vx = inputs(set)
            return (vx, targets(set, vx))
        }
        let loss = ModelZoo.defaultLoss(for: model)
        let trainer = Trainer(
            epochs: epochs, batchSize: batch, loss: loss,
            optimizer: try Optimizers.named(optimizer, learningRate: lr, weightDecay: weightDecay), seed: seed,
            earlyStopping: patience.map { EarlyStopping(patience: $0, minimumDelta: minDelta, restoreBest: true) }
        ) { record in
            var line = String(format: "epoch %d: %.2f s, train loss %.4f", record.epoch, record.seconds, record.trainingLoss)
            if let a = record.trainingAccuracy { line += String(format: ", train accuracy %.2f %%", a * 100) }
            if let l = record.validationLoss { line += String(format: ", validation loss %.4f", l) }
            if let a = record.validationAccuracy { line += String(format: ", validation accuracy %.2f %%", a * 100) }
            Output.note(line)
        }
        if !json { print(network); print("") }
        let history = try trainer.fit(network, inputs: x, targets: targets(fitSet, x), validation: validation)

        let testX = inputs(testSet)
        let test = Trainer.evaluate(network, inputs: testX, targets: targets(testSet, testX), loss: loss)
        var metadata = ["model": model.lowercased(), "dataset": dataset, "epochs": String(history.records.count),
                        "optimizer": optimizer, "learningRate": String(lr), "batch": String(batch), "seed": String(seed),
                        "latent": String(latent)]
        if let hidden { metadata["hidden"] = hidden }
        let checkpointPath = (out as NSString).appendingPathComponent("checkpoint.atnn")
        let historyPath = (out as NSString).appendingPathComponent("history.csv")
        let metricsPath = (out as NSString).appendingPathComponent("metrics.json")
        try Checkpoint(model: network, metadata: metadata).write(to: checkpointPath)
        try history.writeCSV(to: historyPath)
        let report = TrainReport(
            model: model.lowercased(), dataset: dataset, trainingSamples: fitSet.count,
            validationSamples: validationSet?.count ?? 0, testSamples: testSet.count,
            epochsRun: history.records.count, bestEpoch: history.bestEpoch, stoppedEarly: history.stoppedEarly,
            secondsPerEpoch: history.records.map(\.seconds), testLoss: test.loss, testAccuracy: test.accuracy,
            parameters: network.parameterCount, files: [checkpointPath, historyPath, metricsPath], epochs: history.records)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try FileIO.writeAtomically(try encoder.encode(report), to: metricsPath)
        if json {
            try Output.json(report)
        } else {
            if let accuracy = test.accuracy {
                print(String(format: "test accuracy %.2f %% (%d images), test loss %.4f", accuracy * 100, testSet.count, test.loss))
            } else {
                print(String(format: "test %@ %.5f (%d images)", loss.name, test.loss, testSet.count))
            }
            if history.stoppedEarly { print("stopped early after epoch \(history.records.count); kept epoch \(history.bestEpoch ?? 0)") }
            print("wrote \(checkpointPath), \(historyPath), \(metricsPath)")
        }
    }
}

/// What `atelier train` reports and writes to metrics.json.
struct TrainReport: Codable {
    var model: String
    var dataset: String
    var trainingSamples: Int
    var validationSamples: Int
    var testSamples: Int
    var epochsRun: Int
    var bestEpoch: Int?
    var stoppedEarly: Bool
    var secondsPerEpoch: [Double]
    var testLoss: Double
    var testAccuracy: Double?
    var parameters: Int
    /// The files the run wrote: checkpoint, history.csv, metrics.json.
    var files: [String]
    /// Every epoch's record.
    var epochs: [EpochRecord]
}
