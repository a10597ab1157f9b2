import ArgumentParser
import Datasets
import Foundation
import Metrics
import NeuralNet
import TensorCore

/// `atelier evaluate`: reloads a checkpoint and measures it on a dataset's test split.
struct EvaluateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Reload a checkpoint and report test accuracy and the confusion matrix (or the autoencoder's MSE).",
        discussion: """
        Examples:
          atelier evaluate --checkpoint runs/lenet5/checkpoint.atnn
          atelier evaluate --checkpoint runs/lenet5/checkpoint.atnn --dataset mnist \\
              --split train --limit 1000 --json
        """
    )

    @Option(help: "Checkpoint written by `atelier train` (.atnn).")
    var checkpoint: String

    @Option(help: "mnist, fashion-mnist, cifar10 or cifar100 (default: the dataset the model was trained on).")
    var dataset: String?

    @Option(help: "Folder holding the dataset's IDX files (default: see CONVENTIONS.md, data lookup).")
    var dataDir: String?

    @Option(help: "train or test.")
    var split = "test"

    @Option(help: "Use only the first N images.")
    var limit: Int?

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    func validate() throws {
        guard Split(rawValue: split) != nil else { throw ValidationError("--split must be train or test, got '\(split)'") }
        if let limit, limit <= 0 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        try CheckpointArgument.checkDataset(dataset)
    }

    struct Report: Codable {
        var checkpoint: String
        var model: String?
        var dataset: String
        var samples: Int
        var loss: Double
        var lossName: String
        var accuracy: Double?
        var confusionMatrix: [[Int]]?
        var precision: [Double]?
        var recall: [Double]?
        var classNames: [String]?
    }

    func run() throws {
        try CheckpointArgument.check(checkpoint)
        let loaded = try Checkpoint.load(checkpoint)
        let model = loaded.model
        let datasetName = dataset ?? loaded.metadata["dataset"] ?? "mnist"
        let (samples, classNames) = try PreparedData.images(datasetName, split: Split(rawValue: split)!, directory: dataDir, limit: limit)
        let images = (count: samples.count, labels: samples.labels ?? [], classNames: classNames, featureCount: samples.inputs.rowLength)
        let inputShape = model.inputShape ?? [images.featureCount]
        guard images.featureCount == inputShape.reduce(1, *) else {
            throw NeuralNetError.invalidData("\(datasetName) images have \(images.featureCount) values each; the checkpoint's model expects \(inputShape)")
        }
        let x = samples.inputs.reshaped([images.count] + inputShape)
        var report = Report(checkpoint: checkpoint, model: loaded.metadata["model"], dataset: datasetName,
                            samples: images.count, loss: 0, lossName: "")
        if ModelZoo.isAutoencoder(model) {
            let loss = MeanSquaredError()
            report.lossName = loss.name
            report.loss = Trainer.evaluate(model, inputs: x, targets: x.reshaped([images.count, -1]), loss: loss).loss
        } else {
            let loss = CrossEntropy()
            let targets = Tensor(classIndices: images.labels)
            let outputShape = try model.outputShape(for: inputShape)
            try loss.validate(targets: targets, outputShape: outputShape)
            let logits = model.predict(x)
            let predictions = logits.argmax(axis: 1)
            let matrix = try ConfusionMatrix(predictions: predictions, labels: images.labels, classCount: outputShape[0])
            report.lossName = loss.name
            report.loss = Trainer.evaluate(model, inputs: x, targets: targets, loss: loss).loss
            report.accuracy = matrix.accuracy
            report.confusionMatrix = matrix.counts
            report.precision = matrix.precisions
            report.recall = matrix.recalls
            report.classNames = images.classNames
            if !json {
                print(String(format: "%@ on %@ %@ (%d images): accuracy %.2f %%, %@ %.4f", checkpoint, datasetName, split,
                             images.count, matrix.accuracy * 100, loss.name, report.loss))
                print(matrix.table(classNames: images.classNames))
            }
        }
        if json {
            try Output.json(report)
        } else if report.accuracy == nil {
            print(String(format: "%@ on %@ %@ (%d images): %@ %.5f", checkpoint, datasetName, split, images.count, report.lossName, report.loss))
        }
    }
}
