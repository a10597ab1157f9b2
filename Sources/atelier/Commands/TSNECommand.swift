import ArgumentParser
import Clustering
import Datasets
import Embedding
import Foundation
import Plotting
import TensorCore

/// `atelier tsne`: a 2-D t-SNE embedding, optionally after PCA.
struct TSNECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tsne",
        abstract: "t-SNE embedding in 2-D (exact, Barnes-Hut or FFT-accelerated) with KL divergence and k-NN accuracy.",
        discussion: """
        --out is a CSV file with columns x, y (and label when labels are known); --plot a figure. A CSV's label column (--label-column, default label when present) colours the plot and is never a feature.

        Examples:
          atelier tsne --dataset mnist --limit 2000 --components 50 --perplexity 30 \\
              --seed 0 --out runs/tsne.csv --plot runs/tsne.png
          atelier tsne --input runs/ae/latent.csv --limit 2000 --components 0 \\
              --out runs/latent-tsne.csv
        """
    )

    @OptionGroup var data: AnalysisInputOptions

    @Option(help: "Reduce to this many principal components first (0 = no PCA).")
    var components: Int = 50

    @Option(help: "Perplexity (effective number of neighbours).")
    var perplexity: Double = 30

    @Option(help: "Repulsion: automatic, exact, barnes-hut or fft.")
    var method: String = "automatic"

    @Option(help: "Total iterations, including 250 of early exaggeration.")
    var iterations: Int = 1000

    @Option(help: "Initialisation: pca or random.")
    var initialization: String = "pca"

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: "Neighbours for the leave-one-out k-NN accuracy of the labels.")
    var accuracyNeighbors: Int = 10

    @Option(help: "CSV file receiving x, y (and label when known).")
    var out: String?

    @Option(help: "Draw the embedding, coloured by label when labels are known, to this .png, .svg or .pdf.")
    var plot: String?

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    func validate() throws {
        if TSNE.Method(rawValue: method) == nil {
            throw ValidationError("--method must be one of \(TSNE.Method.allCases.map(\.rawValue).joined(separator: ", ")), got '\(method)'")
        }
        if TSNE.Initialization(rawValue: initialization) == nil {
            throw ValidationError("--initialization must be pca or random, got '\(initialization)'")
        }
        if components < 0 { throw ValidationError("--components must be 0 (no PCA) or a number of components, got \(components)") }
        if iterations < 1 { throw ValidationError("--iterations must be at least 1, got \(iterations)") }
        if accuracyNeighbors < 1 { throw ValidationError("--accuracy-neighbors must be at least 1, got \(accuracyNeighbors)") }
        if !(perplexity > 0) { throw ValidationError("--perplexity must be positive, got \(perplexity)") }
        if let plot { do { _ = try OutputFormat(path: plot) } catch { throw ValidationError("--plot: \(error)") } }
    }

    struct Report: Encodable {
        var source: String
        var samples: Int
        var features: Int
        var pcaComponents: Int?
        var method: String
        var perplexity: Double
        var learningRate: Double
        var iterations: Int
        var klDivergence: Double
        var neighborAccuracy: Double?
        var accuracyNeighbors: Int?
        var seconds: Double
        var files: [String]
    }

    func run() throws {
        if let out { try OutputCheck.file(out) }
        if let plot { try OutputCheck.file(plot, flag: "--plot") }
        let input = try data.load()
        // t-SNE's perplexity is an effective neighbour count: it must stay below the sample count.
        guard perplexity < Double(input.features.rowCount) else {
            throw DatasetError.invalidArgument("--perplexity \(CSV.format(Float(perplexity))) is not below the \(input.features.rowCount) samples of \(input.source); expected a smaller perplexity or more samples")
        }
        let start = DispatchTime.now().uptimeNanoseconds
        var features = input.features
        var usedPCA: Int?
        if components > 0 && components < features.rowLength {
            features = try PCA(componentCount: min(components, features.rowCount)).fitTransform(features).1
            usedPCA = min(components, input.features.rowCount)
        }
        let tsne = TSNE(perplexity: perplexity, method: TSNE.Method(rawValue: method)!, iterations: iterations,
                        exaggerationIterations: min(250, iterations),
                        initialization: TSNE.Initialization(rawValue: initialization)!, seed: seed)
        let result = try tsne.fit(features)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var accuracy: Double?
        if let labels = input.labels, accuracyNeighbors < labels.count {
            accuracy = try NeighborAccuracy.score(result.embedding, labels: labels, neighborCount: accuracyNeighbors)
        }
        if let out {
            let n = result.embedding.rowCount
            var names = ["x", "y"], values = result.embedding.elements
            if let labels = input.labels {
                names.append("label")
                values = (0..<n).flatMap { [result.embedding[$0, 0], result.embedding[$0, 1], Float(labels[$0])] }
            }
            try CSV.write(NumericTable(columnNames: names, values: Tensor(shape: [n, names.count], elements: values)), to: out)
        }
        let report = Report(source: input.source, samples: input.features.rowCount, features: input.features.rowLength,
                            pcaComponents: usedPCA, method: result.method.rawValue, perplexity: perplexity,
                            learningRate: result.learningRate, iterations: result.iterations,
                            klDivergence: result.klDivergence, neighborAccuracy: accuracy,
                            accuracyNeighbors: accuracy == nil ? nil : accuracyNeighbors, seconds: seconds,
                            files: [out, plot].compactMap { $0 })
        if let plot { try drawPlot(result, input: input, to: plot) }
        if json { try Output.json(report); return }
        print("\(report.source): \(report.samples) samples x \(report.features) features"
              + (usedPCA.map { " -> PCA \($0)" } ?? "") + " -> t-SNE (\(report.method), perplexity \(perplexity))")
        print(String(format: "KL divergence %.4f after %d iterations, %.1f s", result.klDivergence, result.iterations, seconds))
        if let accuracy { print(String(format: "%d-NN accuracy of the labels: %.4f", accuracyNeighbors, accuracy)) }
        if let out { print("embedding written to \(out)") }
        if let plot { print("plot written to \(plot)") }
    }

    /// A square scatter of the embedding; one colour per label (tab10/tab20) with a legend.
    func drawPlot(_ result: TSNEResult, input: AnalysisInput, to path: String) throws {
        let n = result.embedding.rowCount
        let x = (0..<n).map { result.embedding[$0, 0] }, y = (0..<n).map { result.embedding[$0, 1] }
        var figure = Figure(width: 1500, height: 1300, dpi: 120,
                            title: String(format: "t-SNE of %@ (perplexity %g, KL %.3f)", input.source, perplexity, result.klDivergence))
        let markerSize = n > 20_000 ? 1.5 : (n > 3_000 ? 2.5 : 5)
        if let labels = input.labels, let low = labels.min(), low >= 0, let high = labels.max(), high < 20 {
            let names = input.classNames.flatMap { $0.count > high ? $0 : nil } ?? (0...high).map(String.init)
            try figure[0].scatter(x: x, y: y, categories: labels, names: names, size: markerSize, alpha: 0.8)
            figure[0].legend = .outsideRight
            figure[0].legendTitle = "label"
        } else {
            try figure[0].scatter(x: x, y: y, size: markerSize, alpha: 0.7)
        }
        figure[0].xLabel = "t-SNE 1"
        figure[0].yLabel = "t-SNE 2"
        try figure.save(path)
    }
}
