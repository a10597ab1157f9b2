import Datasets
import FeatureSelection
import Foundation
import Fraud
import Metrics
import Plotting
import TensorCore

/// The `fraud` report: the credit-card fraud workflow of seed 003 (plot the data, decide which
/// features to keep, train a detector), judged by precision-recall because frauds are 0.17 %.
///
/// Without `--fraud-input` it runs on a synthetic file drawn from the published per-class
/// statistics (the real one cannot be downloaded here) and says so on the page, in every figure
/// title and in `metrics.json`.
public enum FraudReport: ReportBuilder {
    public static let name = "fraud"
    public static let title = "Credit-card fraud: exploration, feature ranking, classifiers"

    /// Synthetic rows per profile (a real `--fraud-input` file is always used whole).
    static func syntheticRows(_ profile: ReportProfile) -> Int {
        switch profile {
        case .full: return PublishedStatistics.realRowCount
        case .quick: return 100_000
        case .tiny: return 30_000
        }
    }

    public static func build(_ writer: ReportWriter, context: ReportContext) throws {
        let data = try writer.step("load data") { () -> CreditCardData in
            if let path = context.fraudInput { return try CreditCardData.load(path) }
            let statistics = PublishedStatistics.builtIn
            return try SyntheticCreditCard(rows: syntheticRows(context.profile), seed: context.seed).generate(statistics: statistics)
        }
        let synthetic = data.source.isSynthetic
        let mark = synthetic ? " (synthetic data)" : ""
        writer.configure("data", data.source.label + (synthetic ? " — SYNTHETIC" : ""))
        writer.configure("rows", "\(ReportFormat.grouped(Double(data.rowCount))), of which \(data.fraudCount) frauds (\(ReportFormat.percent(Double(data.fraudCount) / Double(max(data.rowCount, 1)), 3)))")
        writer.metric("synthetic", .bool(synthetic))
        writer.metric("source", .string(data.source.label))
        writer.metric("rows", .number(Double(data.rowCount)))
        writer.metric("frauds", .number(Double(data.fraudCount)))
        if synthetic {
            writer.callout("SYNTHETIC DATA. These rows were drawn from the published per-class statistics of the Kaggle credit-card file (V1-V28 normal for legitimate rows and a two-component mixture for frauds, 30 % of them camouflaged near the legitimate distribution, keeping every published per-class mean and standard deviation; fitted distributions for Time and Amount), not from real transactions. The workflow is the real one; the numbers only show what it does. Run `atelier report fraud --fraud-input creditcard.csv` on the real file for real figures.")
        }
        writer.paragraph("Seed 003's exercise: plot the transactions, decide which of the 30 features to keep, and train a detector. Frauds are rare, so accuracy says nothing (always answering 'legit' scores 99.8 %); the classifiers are compared by the area under the precision-recall curve (AUPRC) and by precision and recall at a threshold chosen on a validation split.")

        writer.heading("Exploration")
        let exploration = try writer.step("exploration") { FraudExploration(data, binCount: 40) }
        try writer.step("class balance figure") {
            var figure = Figure(width: 1500, height: 560, dpi: 110, rows: 1, columns: 2, title: "Class balance\(mark)")
            let counts = [Double(data.rowCount - data.fraudCount), Double(data.fraudCount)]
            try figure[0].bar(categories: ["legit (0)", "fraud (1)"], values: counts, color: Color.cycle(0))
            figure[0].yScale = .logarithmic
            figure[0].title = "transactions per class (log scale)"
            figure[0].yLabel = "transactions"
            for (index, count) in counts.enumerated() { figure[0].text(ReportFormat.grouped(count), x: Double(index), y: count * 1.3) }
            if let amount = exploration.histograms.first(where: { $0.feature == "Amount" }) {
                let centers = zip(amount.edges, amount.edges.dropFirst()).map { ($0 + $1) / 2 }
                try figure[1].line(x: centers, y: amount.legitDensity, label: "legit", color: Color.cycle(0))
                try figure[1].line(x: centers, y: amount.fraudDensity, label: "fraud", color: Color.cycle(3))
                figure[1].xLabel = amount.axis
                figure[1].yLabel = "density"
                figure[1].title = "transaction amount by class"
            }
            try figure.save(writer.figurePath("class_balance.png"))
            writer.figure("class_balance.png", caption: "Left: \(ReportFormat.grouped(counts[0])) legitimate transactions against \(data.fraudCount) frauds. Right: the amount distribution of each class, each normalised to area 1.\(mark)")
        }
        let ranking = try writer.step("feature ranking") { try FeatureRelevanceAnalysis(rankBy: .anovaF, seed: context.seed).fit(data.features, labels: data.labels) }
        try writer.step("feature histograms") {
            let top = ranking.top(8)
            var figure = Figure(width: 1700, height: 820, dpi: 110, rows: 2, columns: 4, title: "The 8 features that separate the classes best (ANOVA F), density per class\(mark)")
            for (panel, feature) in top.enumerated() {
                guard let histogram = exploration.histograms.first(where: { $0.feature == feature }) else { continue }
                let centers = zip(histogram.edges, histogram.edges.dropFirst()).map { ($0 + $1) / 2 }
                try figure[panel].line(x: centers, y: histogram.legitDensity, label: "legit", color: Color.cycle(0))
                try figure[panel].line(x: centers, y: histogram.fraudDensity, label: "fraud", color: Color.cycle(3))
                figure[panel].title = feature
                figure[panel].xLabel = histogram.axis
                figure[panel].legend = panel == 0 ? .upperLeft : .hidden
            }
            try figure.save(writer.figurePath("feature_histograms.png"))
            writer.figure("feature_histograms.png", caption: "Per-class densities of the eight best-ranked features: where the red (fraud) and blue (legit) curves part, the feature helps a detector.\(mark)")
            var heatmap = Figure(width: 1300, height: 1150, dpi: 110, title: "Correlation between the 30 features\(mark)")
            let names = CreditCardSchema.featureNames
            let matrix = (0..<names.count).map { r in (0..<names.count).map { exploration.correlation[r * names.count + $0] } }
            try heatmap[0].heatmap(matrix, colormap: .coolwarm, range: -1...1, rowLabels: names, columnLabels: names, colorbarLabel: "Pearson r")
            try heatmap.save(writer.figurePath("correlation.png"))
            writer.figure("correlation.png", caption: "Pearson correlations of the features. In the real file V1-V28 are PCA components and so uncorrelated with each other; Time and Amount correlate with some of them.\(mark)")
        }

        writer.heading("Feature ranking")
        try writer.step("ranking figure") {
            let features = ranking.features
            var figure = Figure(width: 1500, height: 900, dpi: 110, rows: 1, columns: 2, title: "Relevance of each feature to Class\(mark)")
            try figure[0].bar(categories: features.map(\.name), values: features.map { max($0.anovaF, 1e-3) }, color: Color.cycle(0), horizontal: true)
            figure[0].xScale = .logarithmic
            figure[0].title = "ANOVA F (log scale)"
            try figure[1].bar(categories: features.map(\.name), values: features.map(\.rocAUCSeparation), color: Color.cycle(2), horizontal: true)
            figure[1].title = "single-feature ROC-AUC, max(AUC, 1 - AUC)"
            figure[1].xLimits = 0.5...1
            try figure.save(writer.figurePath("ranking.png"))
            writer.figure("ranking.png", caption: "All 30 features ordered by ANOVA F (left), with each feature's ROC-AUC as a detector on its own (right; 0.5 = no information, 1 = perfect, either direction).\(mark)")
            let rows = features.prefix(12).enumerated().map { index, f in
                [String(index + 1), f.name, ReportFormat.fixed(f.anovaF, 1), ReportFormat.fixed(f.mutualInformation, 4), ReportFormat.fixed(f.kolmogorovSmirnov, 3),
                 ReportFormat.fixed(f.rocAUC, 3), ReportFormat.fixed(f.pointBiserial, 3), f.highlyCorrelatedWith.isEmpty ? "" : f.highlyCorrelatedWith.joined(separator: ", ")]
            }
            writer.table(ReportTable(caption: "The 12 best features by ANOVA F, with the other relevance scores", header: ["rank", "feature", "ANOVA F", "mutual information", "KS statistic", "ROC-AUC", "point-biserial r", "highly correlated with"], rows: rows, numericColumns: [0, 2, 3, 4, 5, 6]))
            writer.metric("ranking", .array(features.map { .object(["feature": .string($0.name), "anovaF": .finite($0.anovaF), "rocAUC": .finite($0.rocAUC), "mutualInformation": .finite($0.mutualInformation)]) }))
        }

        writer.heading("Classifiers")
        try writer.step("classifiers") {
            let all = FeatureSet(name: "all 30", features: CreditCardSchema.featureNames)
            // Features are selected on the training split only, so the test split stays unseen.
            let base = FraudExperiment(seed: context.seed)
            let training = data.rows(at: try base.split(data)[0])
            let selectedNames = try SelectKBest(k: 10, score: .anovaF).fit(training.features, labels: training.labels).names
            let selected = FeatureSet(name: "top 10 (ANOVA F)", features: selectedNames)
            var evaluations: [(balancing: String, evaluation: ModelEvaluation)] = []
            var testLabels: [Int] = []
            var splitText = ""
            for balancing in [ClassBalancing.balancedWeights, .undersample(legitPerFraud: 10), .none] {
                let result = try FraudExperiment(seed: context.seed, balancing: balancing).run(data, featureSets: [all, selected])
                testLabels = result.testLabels
                splitText = "train \(ReportFormat.grouped(Double(result.splitRows[0]))) rows (\(result.splitFrauds[0]) frauds), validation \(ReportFormat.grouped(Double(result.splitRows[1]))) (\(result.splitFrauds[1])), test \(ReportFormat.grouped(Double(result.splitRows[2]))) (\(result.splitFrauds[2]))"
                evaluations += result.evaluations.map { (balancing.description, $0) }
            }
            writer.paragraph("Logistic regression (LinearModels, Newton's method, L2 penalty \(base.l2Penalty) on the mean loss) and a small MLP (Adam, weighted binary cross-entropy) on standardised features, each trained with each class-balancing strategy on all 30 features and on the 10 best by ANOVA F (\(selectedNames.joined(separator: ", ")), chosen on the training split). Stratified split: \(splitText). The threshold maximises F1 on the validation split; the test split is scored once.")
            var rows: [[String]] = []
            var metrics: [JSONValue] = []
            var figure = Figure(width: 1700, height: 720, dpi: 115, rows: 1, columns: 2, title: "Test-split curves of the classifiers\(mark)")
            let prevalence = Double(testLabels.reduce(0, +)) / Double(max(testLabels.count, 1))
            for (index, entry) in evaluations.enumerated() {
                let e = entry.evaluation
                rows.append([e.model, entry.balancing, e.featureSet, ReportFormat.fixed(e.test.averagePrecision, 4), ReportFormat.fixed(e.test.rocAUC, 4),
                             ReportFormat.percent(e.test.precision, 1), ReportFormat.percent(e.test.recall, 1), ReportFormat.fixed(e.test.f1, 3),
                             "\(e.test.counts.truePositives) / \(e.test.counts.falsePositives) / \(e.test.counts.falseNegatives)", ReportFormat.fixed(e.trainingSeconds, 2)])
                metrics.append(.object(["model": .string(e.model), "balancing": .string(entry.balancing), "features": .string(e.featureSet), "auprc": .finite(e.test.averagePrecision),
                                        "rocAUC": .finite(e.test.rocAUC), "precision": .finite(e.test.precision), "recall": .finite(e.test.recall),
                                        "f1": .finite(e.test.f1), "thresholdProbability": .finite(e.thresholdProbability)]))
                // The curves show the balanced-weights runs (the default); the table has every combination.
                guard index < evaluations.count, entry.balancing == ClassBalancing.balancedWeights.description else { continue }
                let color = Color.cycle(e.model.hasPrefix("logistic") ? 0 : 3)
                let dash: Dash = e.featureSet == all.name ? .solid : .dashed
                let label = "\(e.model), \(e.featureSet)"
                let pr = PrecisionRecallCurve(labels: testLabels, scores: e.testScores)
                try figure[0].line(x: pr.recalls, y: pr.precisions, label: label, color: color, dash: dash)
                let roc = ROCCurve(labels: testLabels, scores: e.testScores)
                try figure[1].line(x: roc.falsePositiveRates, y: roc.truePositiveRates, label: label, color: color, dash: dash)
            }
            try figure[0].horizontalLine(at: prevalence, label: "chance (fraud share)")
            figure[0].title = "precision-recall"
            figure[0].xLabel = "recall"
            figure[0].yLabel = "precision"
            figure[0].xLimits = 0...1
            figure[0].yLimits = 0...1.02
            figure[0].legend = .lowerLeft
            try figure[1].line(x: [0.0, 1.0], y: [0.0, 1.0], color: .gray, dash: .dotted)
            figure[1].title = "ROC"
            figure[1].xLabel = "false positive rate"
            figure[1].yLabel = "true positive rate"
            figure[1].legend = .hidden
            try figure.save(writer.figurePath("pr_roc.png"))
            writer.table(ReportTable(caption: "Classifiers on the test split\(mark): AUPRC (average precision), ROC-AUC, and precision / recall / F1 at the validation-chosen threshold",
                                     header: ["model", "balancing", "features", "AUPRC", "ROC-AUC", "precision", "recall", "F1", "TP / FP / FN", "training s"],
                                     rows: rows, numericColumns: [3, 4, 5, 6, 7, 9]))
            let balancedAUPRC = evaluations.filter { $0.balancing == ClassBalancing.balancedWeights.description }.map(\.evaluation.test.averagePrecision)
            let overlap = balancedAUPRC.allSatisfy { $0 > 0.99 } ? " Here every one of them separates the test frauds almost perfectly (AUPRC above 0.99), so the curves overlap in the top-right and top-left corners\(synthetic ? ": the synthetic classes differ by several standard deviations on many features, far more cleanly than real frauds do" : "")." : ""
            writer.figure("pr_roc.png", caption: "Precision-recall (left) and ROC (right) curves on the test split of the runs with balanced class weights; blue: logistic regression, red: the MLP; solid: all 30 features, dashed: the top 10. The grey line on the left is a detector that guesses (precision = fraud share \(ReportFormat.percent(prevalence, 3))). ROC curves flatter every model because legit transactions vastly outnumber frauds; precision-recall shows the differences.\(overlap)\(mark)")
            writer.metric("classifiers", .array(metrics))
        }
    }
}
