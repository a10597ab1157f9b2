import ArgumentParser
import Datasets
import Foundation
import NeuralNet
import TensorCore

/// `atelier encode`: runs an autoencoder's encoder alone and writes latent vectors with labels.
struct EncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Write an autoencoder's latent vectors (z0..zK-1, label) as CSV.",
        discussion: """
        --out is one CSV file: one row per image, the latent coordinates z0..zK-1 then the image's label. cluster, pca and tsne read it directly and keep label out of the features.

        Examples:
          atelier encode --checkpoint runs/ae/checkpoint.atnn --out runs/ae/latent.csv
          atelier encode --checkpoint runs/ae/checkpoint.atnn --split train \\
              --limit 5000 --out runs/ae/latent-train.csv --json
        """
    )

    @Option(help: "Autoencoder checkpoint written by `atelier train --model autoencoder`.")
    var checkpoint: String

    @Option(help: "mnist or fashion-mnist (default: the dataset the model was trained on).")
    var dataset: String?

    @Option(help: "Folder holding the dataset's IDX files (default: see CONVENTIONS.md, data lookup).")
    var dataDir: String?

    @Option(help: "train or test.")
    var split = "test"

    @Option(help: "Use only the first N images.")
    var limit: Int?

    @Option(help: "Output CSV file.")
    var out: String

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    func validate() throws {
        guard Split(rawValue: split) != nil else { throw ValidationError("--split must be train or test, got '\(split)'") }
        if let limit, limit <= 0 { throw ValidationError("--limit must be at least 1, got \(limit)") }
        try CheckpointArgument.checkDataset(dataset)
    }

    struct Report: Codable {
        var checkpoint: String
        var dataset: String
        var samples: Int
        var latentSize: Int
        var files: [String]
    }

    func run() throws {
        try CheckpointArgument.check(checkpoint)
        try OutputCheck.file(out)
        let loaded = try Checkpoint.load(checkpoint)
        guard let encoder = loaded.model.submodel(named: "encoder") else {
            throw NeuralNetError.invalidData("\(checkpoint): the model has no part named 'encoder'; train one with --model autoencoder")
        }
        let datasetName = dataset ?? loaded.metadata["dataset"] ?? "mnist"
        let images = try Dataset.named(datasetName, split: Split(rawValue: split)!, directory: dataDir).prefix(limit)
        let inputShape = encoder.inputShape ?? loaded.model.inputShape ?? [images.featureCount]
        guard images.featureCount == inputShape.reduce(1, *) else {
            throw NeuralNetError.invalidData("\(datasetName) images have \(images.featureCount) pixels; the encoder expects \(inputShape)")
        }
        let latent = encoder.predict(images.images().reshaped([images.count] + inputShape))
        let size = latent.rowLength
        var values = [Float](repeating: 0, count: images.count * (size + 1))
        latent.withUnsafeBufferPointer { z in
            for row in 0..<images.count {
                for k in 0..<size { values[row * (size + 1) + k] = z[row * size + k] }
                values[row * (size + 1) + size] = Float(images.labels[row])
            }
        }
        let table = NumericTable(columnNames: (0..<size).map { "z\($0)" } + ["label"],
                                 values: Tensor(shape: [images.count, size + 1], elements: values))
        try CSV.write(table, to: out)
        let report = Report(checkpoint: checkpoint, dataset: datasetName, samples: images.count, latentSize: size, files: [out])
        if json { try Output.json(report) } else { print("wrote \(images.count) latent vectors of size \(size) with labels to \(out)") }
    }
}
