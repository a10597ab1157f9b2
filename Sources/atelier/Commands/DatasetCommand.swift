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
            abstract: "Describe IDX, NumPy .npy or numeric CSV files (raw or gzip): format, records, shape, label histogram, value range.",
            discussion: """
            A folder stands for the data files in it (IDX, .npy, .csv). Without any path, the MNIST files that the data lookup finds are described (--data-dir to choose the folder).

            Examples:
              atelier dataset info
              atelier dataset info /usr/share/datasets/fashion-mnist
              atelier dataset info runs/ae/latent.csv --label-column label --json
            """
        )

        @Argument(help: "IDX, NumPy .npy or CSV files (raw or gzip), or folders holding them.")
        var paths: [String] = []

        @Option(help: "Folder holding the MNIST files described when no path is given (default: see CONVENTIONS.md, data lookup).")
        var dataDir: String?

        @Option(help: "CSV column whose values are class labels (its histogram is printed).")
        var labelColumn: String?

        @Option(help: "Cell separator of CSV files: one character, or tab.")
        var delimiter: String = ","

        @Flag(help: "Print machine-readable JSON.")
        var json = false

        func validate() throws {
            if CSV.delimiter(named: delimiter) == nil {
                throw ValidationError("--delimiter must be one punctuation character or tab, got '\(delimiter)'")
            }
            if dataDir != nil && !paths.isEmpty { throw ValidationError("--data-dir applies when no path is given") }
        }

        /// What `--json` prints: one summary per file.
        struct Report: Encodable { var summaries: [DataFileSummary] }

        func run() throws {
            var files: [String] = []
            if paths.isEmpty {
                files = try DataFileSummary.dataFiles(in: try Dataset.locateMNIST(directory: dataDir))
            }
            for path in paths {
                var isFolder: ObjCBool = false
                if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                    files += try DataFileSummary.dataFiles(in: path)
                } else {
                    files.append(path)
                }
            }
            let separator = CSV.delimiter(named: delimiter)!
            let summaries = try files.map { try DataFileSummary.describe($0, labelColumn: labelColumn, delimiter: separator) }
            if json {
                try Output.json(Report(summaries: summaries))
            } else {
                for summary in summaries { print(summary.text) }
            }
        }
    }
}
