import ArgumentParser
import Datasets
import Foundation
import TensorCore

/// `atelier dataset ...`: look at data files.
struct DatasetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dataset",
        abstract: "Inspect IDX and CSV data files.",
        subcommands: [Info.self]
    )

    /// `atelier dataset info PATH...`: format, records, shape, labels and value range of each file.
    struct Info: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Describe IDX, NumPy .npy or numeric CSV files (raw or gzip): format, records, shape, label histogram, value range."
        )

        @Argument(help: "IDX, NumPy .npy or CSV files (raw or gzip). Without any, the shipped MNIST files are described.")
        var paths: [String] = []

        @Option(help: "CSV column whose values are class labels (its histogram is printed).")
        var labelColumn: String?

        @Flag(help: "Print machine-readable JSON.")
        var json = false

        func run() throws {
            var files = paths
            if files.isEmpty {
                let directory = try Dataset.locateMNIST()
                files = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                         "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
                    .map { (directory as NSString).appendingPathComponent($0) }
            }
            let summaries = try files.map { try DataFileSummary.describe($0, labelColumn: labelColumn) }
            if json {
                try Output.json(summaries)
            } else {
                for summary in summaries { print(summary.text) }
            }
        }
    }
}
