import ArgumentParser
import Datasets
import FeatureSelection
import Foundation
import Fraud
import Metrics
import TensorCore

/// `atelier fraud ...`: the credit-card fraud workflow (synthetic data, exploration, feature
/// selection, classifiers judged by AUPRC). Everything computed from synthetic data says so.
struct FraudCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fraud",
        abstract: "Credit-card fraud: synthetic data, exploration, feature selection, classifiers.",
        discussion: """
        The real Kaggle creditcard.csv (ULB) is read when you have it; otherwise fraud synth draws a seeded synthetic file from the published per-class statistics compiled into atelier, and everything made from it says synthetic.

        Examples:
          atelier fraud synth --rows 20000 --seed 0 \\
              --out runs/creditcard-synthetic.csv
          atelier fraud explore --input runs/creditcard-synthetic.csv \\
              --out runs/fraud-explore
          atelier fraud select --input runs/creditcard-synthetic.csv --top 10 \\
              --out runs/fraud-select
          atelier fraud train --input runs/creditcard-synthetic.csv --top 10 \\
              --hidden 32,16 --out runs/fraud-train
        """,
        subcommands: [Synth.self, Explore.self, Select.self, Train.self]
    )

    /// `atelier fraud synth --rows 284807 --seed 0 --out FILE`.
    struct Synth: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a synthetic creditcard.csv drawn from the published per-class statistics (same schema, 0.1727 % fraud)."
        )

        @Option(help: "Rows to write.") var rows = PublishedStatistics.realRowCount
        @Option(help: "Fraud rows (default: 0.1727 % of the rows, 492 of 284,807).") var fraudRows: Int?
        @Option(help: "Random seed.") var seed: UInt64 = 0
        @Option(help: "Share of fraud rows whose V-features look legitimate, in [0, 1) (see FraudMixture).")
        var camouflage = SyntheticCreditCard.defaultCamouflageShare
        @Option(help: "Where camouflaged fraud rows sit between the legit (0) and fraud (1) means, in [0, 1).")
        var camouflageShift = SyntheticCreditCard.defaultCamouflageShift
        @Option(help: "Output CSV file (written atomically, with a .synthetic.json sidecar beside it).") var out: String
        @Option(help: "Published statistics CSV in the format of datasets/creditcard/creditcard_stats.csv (default: that file's copy built into atelier).") var stats: String?
        @Flag(help: "Print machine-readable JSON.") var json = false

        func validate() throws {
            guard rows >= 4 else { throw ValidationError("--rows must be at least 4, got \(rows)") }
            if let fraudRows, fraudRows < 2 || fraudRows > rows - 2 {
                throw ValidationError("--fraud-rows must be in 2...\(rows - 2), got \(fraudRows)")
            }
            let impliedFrauds = SyntheticCreditCard(rows: rows, fraudRows: fraudRows).fraudRows
            if fraudRows == nil && impliedFrauds < 2 {
                // 2 frauds need rows * 492 / 284,807 to round to 2, that is at least 1.5 / that share.
                let smallest = Int((1.5 * Double(PublishedStatistics.realRowCount) / Double(PublishedStatistics.realFraudCount)).rounded(.up))
                throw ValidationError("--rows \(rows) gives \(impliedFrauds) fraud rows at the real 0.1727 %; expected --rows of at least \(smallest), or --fraud-rows N (at least 2)")
            }
            guard camouflage >= 0, camouflage < 1 else { throw ValidationError("--camouflage must be in [0, 1), got \(camouflage)") }
            guard camouflageShift >= 0, camouflageShift < 1 else { throw ValidationError("--camouflage-shift must be in [0, 1), got \(camouflageShift)") }
        }

        func run() throws {
            try OutputCheck.file(out)
            let statistics = try PublishedStatistics.load(explicit: stats)
            let generator = SyntheticCreditCard(rows: rows, fraudRows: fraudRows, seed: seed, camouflageShare: camouflage, camouflageShift: camouflageShift)
            let start = Date()
            let data = try generator.write(to: out, statistics: statistics)
            let elapsed = Date().timeIntervalSince(start)
            struct Report: Encodable { var files: [String]; var rows: Int; var frauds: Int; var fraudPercent: Double; var seed: UInt64; var camouflageShare: Double; var camouflageShift: Double; var seconds: Double; var synthetic: Bool }
            let report = Report(files: [out, CreditCardData.provenancePath(for: out)], rows: data.rowCount, frauds: data.fraudCount,
                                fraudPercent: 100 * Double(data.fraudCount) / Double(data.rowCount), seed: seed,
                                camouflageShare: camouflage, camouflageShift: camouflageShift, seconds: elapsed, synthetic: true)
            if json { try Output.json(report) } else {
                print("wrote \(out): \(report.rows) rows, \(report.frauds) frauds (\(String(format: "%.4f", report.fraudPercent)) %), seed \(seed), \(String(format: "%.2f", elapsed)) s")
                print("SYNTHETIC data drawn from published per-class statistics (" + (stats.map { "read from \($0)" } ?? "built into atelier")
                      + "; sources in the repository's datasets/creditcard/README.md)")
            }
        }
    }

    /// `atelier fraud explore --input FILE --out DIR`.
    struct Explore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Class balance, per-class summary statistics, per-feature histograms and correlations: CSV files and PNG figures."
        )

        @Option(help: "creditcard.csv (real or synthetic).") var input: String
        @Option(help: "Output folder (CSV tables and PNG figures).") var out: String
        @Option(help: "Histogram bins per feature.") var bins = 40
        @Flag(help: "Print machine-readable JSON.") var json = false

        func validate() throws {
            guard bins >= 2 && bins <= 1000 else { throw ValidationError("--bins must be in 2...1000, got \(bins)") }
        }

        func run() throws {
            try OutputCheck.folder(out)
            let data = try CreditCardData.load(input)
            let exploration = FraudExploration(data, binCount: bins)
            let written = try exploration.write(to: out) + FraudFigures.writeExploration(exploration, to: out)
            struct Report: Encodable { var source: String; var synthetic: Bool; var rows: Int; var frauds: Int; var fraudPercent: Double; var files: [String] }
            let report = Report(source: data.source.label, synthetic: data.source.isSynthetic, rows: data.rowCount, frauds: data.fraudCount,
                                fraudPercent: 100 * Double(data.fraudCount) / Double(data.rowCount), files: written)
            if json { try Output.json(report) } else {
                print("\(data.source.label)\(data.source.isSynthetic ? " (SYNTHETIC data)" : ""): \(data.rowCount) rows, \(data.fraudCount) frauds (\(String(format: "%.4f", report.fraudPercent)) %)")
                for file in written { print("wrote \(file)") }
            }
        }
    }

    /// `atelier fraud select --input FILE --top 10 [--score anova-f] [--json]`.
    struct Select: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rank features by ANOVA F, mutual information, KS, single-feature ROC-AUC, point-biserial r; flag near-constant and correlated ones; keep the top N."
        )

        @Option(help: "creditcard.csv (real or synthetic).") var input: String
        @Option(help: "Number of features to keep.") var top = 10
        @Option(help: "Score to rank by: anova-f, mutual-information (mi), ks, roc-auc (auc), point-biserial (r).") var score = "anova-f"
        @Option(help: "Seed of the mutual-information tie-breaking noise.") var seed: UInt64 = 0
        @Option(help: "Output folder for ranking.csv and the score bar chart scores.png.") var out: String?
        @Flag(help: "Print machine-readable JSON.") var json = false

        func validate() throws {
            guard top >= 1 && top <= CreditCardSchema.featureNames.count else {
                throw ValidationError("--top must be in 1...\(CreditCardSchema.featureNames.count), got \(top)")
            }
            do { _ = try RelevanceScore(name: score) } catch { throw ValidationError("--score: \(error)") }
        }

        func run() throws {
            if let out { try OutputCheck.folder(out) }
            let data = try CreditCardData.load(input)
            let kind = try RelevanceScore(name: score)
            let selection = try SelectKBest(k: top, score: kind, analysis: FeatureRelevanceAnalysis(rankBy: kind, seed: seed))
                .fit(data.features, labels: data.labels)
            var files: [String] = []
            if let out {
                let csvPath = (out as NSString).appendingPathComponent("ranking.csv")
                try FileIO.writeAtomically(FraudExploration.rankingCSV(selection.ranking, source: data.source), to: csvPath)
                let pngPath = (out as NSString).appendingPathComponent("scores.png")
                try FraudFigures.scoreBars(selection.ranking, selected: selection.names, source: data.source).save(pngPath)
                files = [csvPath, pngPath]
            }
            struct Report: Encodable {
                var source: String; var synthetic: Bool; var rankedBy: String; var top: Int; var selected: [String]; var features: [FeatureRelevance]
                var files: [String]
            }
            if json {
                try Output.json(Report(source: data.source.label, synthetic: data.source.isSynthetic, rankedBy: kind.rawValue, top: top,
                                       selected: selection.names, features: selection.ranking.features, files: files))
            } else {
                let title = "Feature relevance for Class on \(data.source.label)\(data.source.isSynthetic ? " — SYNTHETIC data" : "")"
                print(selection.ranking.table(title: title))
                print("selected (top \(top) by \(kind.title)): \(selection.names.joined(separator: ","))")
                for file in files { print("wrote \(file)") }
            }
        }
    }

    /// `atelier fraud train --input FILE [--features V14,V17,...|--top 10] [--json]`.
    struct Train: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train fraud classifiers on all features and on selected ones; threshold by max F1 on validation; test precision, recall, F1, ROC-AUC, AUPRC."
        )

        @Option(help: "creditcard.csv (real or synthetic).") var input: String
        @Option(help: "Comma-separated features to compare against all 30 (e.g. V14,V17,V12,V10).") var features: String?
        @Option(help: "Without --features: keep the top N features by --score.") var top = 10
        @Option(help: "Score for --top: anova-f, mutual-information, ks, roc-auc, point-biserial.") var score = "anova-f"
        @Option(help: "Class balancing: weights (balanced class weights), undersample, none.") var balancing = "weights"
        @Option(help: "Legit rows per fraud kept by --balancing undersample.") var legitPerFraud = 10.0
        @Option(help: "L2 penalty of logistic regression on the mean training loss (scikit-learn's C = 1 / (l2 x training rows); 0: none).") var l2 = 1e-4
        @Option(help: "Seed of the split and undersampling.") var seed: UInt64 = 0
        @Option(help: "Epochs of the MLP, raised to make at least 1,000 Adam steps (0 skips the MLP).") var mlpEpochs = 10
        @Option(help: "Hidden layer widths of the MLP, comma-separated.") var hidden = "32,16"
        @Option(help: "Output folder for the ROC and precision-recall curves (CSV and curves.png) and the confusion matrices.") var out: String?
        @Flag(help: "Print machine-readable JSON.") var json = false

        func validate() throws {
            guard ["weights", "undersample", "none"].contains(balancing) else {
                throw ValidationError("--balancing must be weights, undersample or none, got '\(balancing)'")
            }
            guard legitPerFraud > 0 else { throw ValidationError("--legit-per-fraud must be positive, got \(legitPerFraud)") }
            guard l2 >= 0 else { throw ValidationError("--l2 must not be negative, got \(l2)") }
            guard mlpEpochs >= 0 else { throw ValidationError("--mlp-epochs must not be negative, got \(mlpEpochs)") }
            guard !hiddenSizes.isEmpty, hiddenSizes.allSatisfy({ $0 > 0 }) else {
                throw ValidationError("--hidden expects positive widths separated by commas, e.g. 32,16; got '\(hidden)'")
            }
            guard top >= 1 && top <= CreditCardSchema.featureNames.count else {
                throw ValidationError("--top must be in 1...\(CreditCardSchema.featureNames.count), got \(top)")
            }
            do { _ = try RelevanceScore(name: score) } catch { throw ValidationError("--score: \(error)") }
            if let features {
                let names = features.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let unknown = names.filter { !CreditCardSchema.featureNames.contains($0) }
                guard !names.isEmpty, unknown.isEmpty else {
                    throw ValidationError("unknown feature(s) \(unknown.joined(separator: ", ")) in --features; expected names among \(CreditCardSchema.featureNames.joined(separator: ","))")
                }
            }
        }

        func run() throws {
            if let out { try OutputCheck.folder(out) }
            let data = try CreditCardData.load(input)
            let mlp = mlpEpochs > 0 ? MLPClassifier(hiddenSizes: hiddenSizes, epochs: mlpEpochs, seed: seed) : nil
            let experiment = FraudExperiment(seed: seed, balancing: balancingChoice, l2Penalty: l2, mlp: mlp)
            let selected: FeatureSet
            if let features {
                let names = features.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                selected = FeatureSet(name: "selected \(names.count) (given)", features: names)
            } else {
                // Select on the training split only, so the test split stays unseen.
                let kind = try RelevanceScore(name: score)
                let trainRows = try experiment.split(data)[0]
                let training = data.rows(at: trainRows)
                let names = try SelectKBest(k: top, score: kind).fit(training.features, labels: training.labels).names
                selected = FeatureSet(name: "top \(top) by \(kind.rawValue)", features: names)
            }
            let all = FeatureSet(name: "all \(CreditCardSchema.featureNames.count)", features: CreditCardSchema.featureNames)
            let result = try experiment.run(data, featureSets: [all, selected])
            var files: [String] = []
            if let out {
                files = try FraudExploration.writeCurves(result, to: out)
                let png = (out as NSString).appendingPathComponent("curves.png")
                try FraudFigures.curves(result).save(png)
                let confusion = (out as NSString).appendingPathComponent("confusion_matrices.png")
                try FraudFigures.confusionMatrices(result).save(confusion)
                files += [png, confusion]
            }
            if json {
                try Output.json(TrainReport(result, files: files))
            } else {
                print(result.table)
                print("selected features: \(selected.features.joined(separator: ","))")
                for file in files { print("wrote \(file)") }
            }
        }

        var hiddenSizes: [Int] {
            hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) ?? -1 }
        }

        var balancingChoice: ClassBalancing {
            switch balancing {
            case "undersample": return .undersample(legitPerFraud: legitPerFraud)
            case "none": return ClassBalancing.none
            default: return .balancedWeights
            }
        }
    }

    /// The JSON of `fraud train` (curves go to files, not JSON).
    struct TrainReport: Encodable {
        struct Row: Encodable {
            var model: String; var featureSet: String; var features: [String]
            var threshold: Double; var thresholdProbability: Double; var validationF1: Double
            var averagePrecision: Double; var rocAUC: Double; var precision: Double; var recall: Double; var f1: Double
            var confusion: BinaryOutcomeCounts; var trainingSeconds: Double; var trainingRows: Int
        }
        var source: String; var synthetic: Bool; var balancing: String; var splitRows: [Int]; var splitFrauds: [Int]
        var results: [Row]; var files: [String]

        init(_ r: FraudExperimentResult, files: [String]) {
            source = r.source; synthetic = r.isSynthetic; balancing = r.balancing; splitRows = r.splitRows; splitFrauds = r.splitFrauds
            self.files = files
            results = r.evaluations.map { e in
                Row(model: e.model, featureSet: e.featureSet, features: e.features, threshold: e.threshold,
                    thresholdProbability: e.thresholdProbability, validationF1: e.validationF1,
                    averagePrecision: e.test.averagePrecision, rocAUC: e.test.rocAUC, precision: e.test.precision,
                    recall: e.test.recall, f1: e.test.f1, confusion: e.test.counts, trainingSeconds: e.trainingSeconds,
                    trainingRows: e.trainingRows)
            }
        }
    }
}
