import ArgumentParser
import Clustering
import Datasets
import Foundation
import TensorCore

/// `atelier cluster`: k-means with its scores, or the scores of an existing clustering.
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "k-means clustering (greedy k-means++, Lloyd) with inertia, silhouette, purity, ARI and NMI.",
        discussion: """
        A CSV's label column (--label-column, default label when present) is used for purity, ARI and NMI and is never a feature. With --assignment-column the clustering in that column is scored and k-means is not run. --out is a CSV file with one row per sample (cluster, and label when known).

        Examples:
          atelier cluster --dataset mnist --limit 2000 --k 10 --n-init 3 --seed 0 \\
              --out runs/assignments.csv
          atelier cluster --input runs/ae/latent.csv --k 10
          atelier cluster --input runs/tsne.csv --k 10 --json
        """
    )

    @OptionGroup var data: AnalysisInputOptions

    @Option(name: .customLong("k"), help: "Number of clusters.")
    var clusterCount: Int = 10

    @Option(help: "Independent k-means++ seedings; the lowest inertia wins.")
    var nInit: Int = 10

    @Option(help: "Maximum Lloyd iterations per run.")
    var maxIterations: Int = 300

    @Option(help: "Relative tolerance on the centre shift (scikit-learn's tol).")
    var tolerance: Double = 1e-4

    @Option(help: "Random seed.")
    var seed: UInt64 = 0

    @Option(help: "k-means iterations: elkan (distance bounds, default) or lloyd (every distance); same result.")
    var algorithm: String = KMeans.Algorithm.elkan.rawValue

    @Option(help: "CSV column holding an existing clustering to score instead of running k-means.")
    var assignmentColumn: String?

    @Option(help: "Compute the silhouette on N randomly chosen samples (default: all; O(n^2)).")
    var silhouetteSample: Int?

    @Option(help: "CSV file receiving one row per sample: cluster, and label when known.")
    var out: String?

    @Flag(help: "Print machine-readable JSON.")
    var json = false

    func validate() throws {
        if clusterCount < 1 { throw ValidationError("--k must be at least 1, got \(clusterCount)") }
        if KMeans.Algorithm(rawValue: algorithm) == nil {
            throw ValidationError("--algorithm must be one of \(KMeans.Algorithm.allCases.map(\.rawValue).joined(separator: ", ")), got '\(algorithm)'")
        }
        if nInit < 1 { throw ValidationError("--n-init must be at least 1, got \(nInit)") }
        if maxIterations < 1 { throw ValidationError("--max-iterations must be at least 1, got \(maxIterations)") }
        if let silhouetteSample, silhouetteSample < 2 { throw ValidationError("--silhouette-sample must be at least 2, got \(silhouetteSample)") }
        if assignmentColumn != nil && data.input == nil {
            throw ValidationError("--assignment-column needs --input FILE.csv")
        }
    }

    struct Report: Encodable {
        var source: String
        var samples: Int
        var features: Int
        var clusters: Int
        var inertia: Double?
        var iterations: Int?
        var converged: Bool?
        var silhouette: Double?
        var silhouetteSampleSize: Int?
        var purity: ClusterPurity?
        var adjustedRandIndex: Double?
        var normalizedMutualInformation: Double?
        var clusterSizes: [Int]
        var seconds: Double
        var files: [String]
    }

    func run() throws {
        if let out { try OutputCheck.file(out) }
        let input = try data.load(extraColumn: assignmentColumn)
        if input.extra == nil && clusterCount > input.features.rowCount {
            throw DatasetError.invalidArgument("--k \(clusterCount) is more than the \(input.features.rowCount) samples of \(input.source); expected at most \(input.features.rowCount)")
        }
        let start = DispatchTime.now().uptimeNanoseconds
        var report = Report(source: input.source, samples: input.features.rowCount, features: input.features.rowLength,
                            clusters: 0, clusterSizes: [], seconds: 0, files: out.map { [$0] } ?? [])
        let assignments: [Int]
        if let existing = input.extra {
            assignments = existing
        } else {
            let result = try KMeans(clusterCount: clusterCount, initializationCount: nInit, maximumIterations: maxIterations,
                                    tolerance: tolerance, seed: seed, algorithm: KMeans.Algorithm(rawValue: algorithm)!).fit(input.features)
            assignments = result.labels
            report.inertia = result.inertia
            report.iterations = result.iterations
            report.converged = result.converged
        }
        let distinct = Set(assignments)
        report.clusters = distinct.count
        let table = try ContingencyTable(clusters: assignments, classes: input.labels ?? assignments)
        report.clusterSizes = table.clusterSizes
        if distinct.count >= 2 && distinct.count < assignments.count {
            report.silhouette = try Silhouette.score(input.features, labels: assignments, sampleSize: silhouetteSample, seed: seed)
            report.silhouetteSampleSize = min(silhouetteSample ?? assignments.count, assignments.count)
        } else {
            Output.note("note: silhouette skipped: it needs between 2 and n - 1 clusters, found \(distinct.count)")
        }
        if let labels = input.labels {
            let contingency = try ContingencyTable(clusters: assignments, classes: labels)
            report.purity = ClusterPurity(contingency)
            report.adjustedRandIndex = AdjustedRandIndex.score(contingency)
            report.normalizedMutualInformation = NormalizedMutualInformation.score(contingency)
        }
        report.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        if let out {
            var names = ["cluster"]
            var values = assignments.map(Float.init)
            if let labels = input.labels {
                names.append("label")
                values = zip(assignments, labels).flatMap { [Float($0), Float($1)] }
            }
            try CSV.write(NumericTable(columnNames: names, values: Tensor(shape: [assignments.count, names.count], elements: values)), to: out)
        }
        if json { try Output.json(report); return }
        print("\(report.source): \(report.samples) samples x \(report.features) features, \(report.clusters) clusters")
        if let inertia = report.inertia, let iterations = report.iterations {
            print(String(format: "k-means: inertia %.6g, %d iterations%@ (n-init %d, seed %llu)", inertia, iterations,
                         report.converged == true ? "" : " (iteration limit)", nInit, seed))
        }
        if let silhouette = report.silhouette {
            print(String(format: "silhouette: %.4f", silhouette)
                  + (report.silhouetteSampleSize! < report.samples ? " (on \(report.silhouetteSampleSize!) samples)" : ""))
        }
        if let purity = report.purity {
            print(String(format: "purity: %.4f   ARI: %.4f   NMI: %.4f", purity.overall, report.adjustedRandIndex!,
                         report.normalizedMutualInformation!))
            print("cluster    size  majority label  share")
            for row in purity.clusters {
                print(String(format: "%7d %7d %15d %6.1f %%", row.cluster, row.size, row.majorityLabel, row.share * 100))
            }
        } else {
            print("cluster sizes: " + zip(table.clusters, report.clusterSizes).map { "\($0): \($1)" }.joined(separator: ", "))
        }
        if let out { print("assignments written to \(out)") }
    }
}
