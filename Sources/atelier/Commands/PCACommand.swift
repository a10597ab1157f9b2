import ArgumentParser
import Clustering
import Datasets
import Embedding
import Foundation
import TensorCore

/// `atelier pca`: principal components of a CSV or dataset.
struct PCACommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pca",
        abstract: "Principal component analysis (covariance eigen-decomposition): coordinates and explained variance.",
        discussion: """
        --out is a CSV file with columns pc1..pcK, plus label when labels are known. A CSV's label column (--label-column, default label when present) is never a feature.

        Examples:
          atelier pca --dataset mnist --split all --limit 5000 --components 50 \\
              --out runs/mnist-pca50.csv
          atelier pca --input runs/ae/latent.csv --components 2 \\
              --out runs/latent-pca2.csv --json
        """
    )

    @OptionGroup var data: AnalysisInputOptions

    @Option(help: "Number of components to keep.")
    var components: Int = 50

    @Option(help: "CSV file receiving the coordinates (pc1..pcK, and label when known).")
    var out: String?

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    func validate() throws {
        if components < 1 { throw ValidationError("--components must be at least 1, got \(components)") }
    }

    struct Report: Encodable {
        var source: String
        var samples: Int
        var features: Int
        var components: Int
        var explainedVarianceRatio: [Double]
        var cumulativeExplainedVarianceRatio: Double
        var seconds: Double
        var files: [String]
    }

    func run() throws {
        if let out { try OutputCheck.file(out) }
        let input = try data.load()
        let limit = min(input.features.rowLength, input.features.rowCount)
        if components > limit {
            let what = input.features.rowLength <= input.features.rowCount ? "\(input.features.rowLength) features" : "\(input.features.rowCount) samples"
            throw DatasetError.invalidArgument("--components \(components) is more than the \(what) of \(input.source); expected at most \(limit)")
        }
        let ((fitted, coordinates), seconds) = try timed { try PCA(componentCount: components).fitTransform(input.features) }
        if let out {
            var names = (1...components).map { "pc\($0)" }
            var table = coordinates
            if let labels = input.labels {
                names.append("label")
                var values = [Float](repeating: 0, count: coordinates.rowCount * (components + 1))
                for r in 0..<coordinates.rowCount {
                    for c in 0..<components { values[r * (components + 1) + c] = coordinates[r, c] }
                    values[r * (components + 1) + components] = Float(labels[r])
                }
                table = Tensor(shape: [coordinates.rowCount, components + 1], elements: values)
            }
            try CSV.write(NumericTable(columnNames: names, values: table), to: out)
        }
        let report = Report(source: input.source, samples: input.features.rowCount, features: input.features.rowLength,
                            components: components, explainedVarianceRatio: fitted.explainedVarianceRatio,
                            cumulativeExplainedVarianceRatio: fitted.explainedVarianceRatio.reduce(0, +),
                            seconds: seconds, files: out.map { [$0] } ?? [])
        if json { try Output.json(report); return }
        print("\(report.source): \(report.samples) samples x \(report.features) features -> \(components) components in \(String(format: "%.2f", seconds)) s")
        print(String(format: "explained variance: %.2f %% in total", report.cumulativeExplainedVarianceRatio * 100))
        print("first components: " + fitted.explainedVarianceRatio.prefix(10).enumerated()
            .map { String(format: "pc%d %.2f %%", $0.offset + 1, $0.element * 100) }.joined(separator: ", "))
        if let out { print("coordinates written to \(out)") }
    }
}
