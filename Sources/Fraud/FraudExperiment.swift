import Datasets
import Foundation
import LinearModels
import Metrics
import Preprocessing
import TensorCore

/// A named list of feature columns, e.g. "all 30" or "top 10 by ANOVA F".
public struct FeatureSet: Sendable, Codable, Equatable {
    public var name: String
    public var features: [String]
    public init(name: String, features: [String]) {
        self.name = name
        self.features = features
    }
}

/// One model trained on one feature set and judged on the test split.
public struct ModelEvaluation: Sendable, Codable {
    public var model: String
    public var featureSet: String
    public var features: [String]
    /// Decision-value threshold chosen on the validation split by maximum F1.
    public var threshold: Double
    /// The same threshold as a fraud probability.
    public var thresholdProbability: Double
    public var validationF1: Double
    public var validationAveragePrecision: Double
    /// Test metrics at `threshold`, plus ROC-AUC and AUPRC.
    public var test: BinaryClassificationReport
    public var trainingSeconds: Double
    public var trainingRows: Int
    /// Test scores (decision values), aligned with `FraudExperimentResult.testLabels`, for curves.
    public var testScores: [Float]
}

/// The outcome of `FraudExperiment.run`.
public struct FraudExperimentResult: Sendable, Codable {
    public var source: String
    public var isSynthetic: Bool
    public var balancing: String
    /// Rows and frauds in the train, validation and test splits.
    public var splitRows: [Int]
    public var splitFrauds: [Int]
    public var testLabels: [Int]
    public var evaluations: [ModelEvaluation]

    /// The comparison table: one line per model and feature set.
    public var table: String {
        func cell(_ text: String, _ width: Int, left: Bool = false) -> String {
            let padding = String(repeating: " ", count: max(0, width - text.count))
            return left ? text + padding : padding + text
        }
        var lines = [
            "Fraud detection on \(source)\(isSynthetic ? " — SYNTHETIC data drawn from published statistics, not real transactions" : "")",
            "splits train/validation/test: \(splitRows.map(String.init).joined(separator: "/")) rows, \(splitFrauds.map(String.init).joined(separator: "/")) frauds; balancing: \(balancing); threshold = max F1 on validation",
            cell("model", 22, left: true) + cell("features", 26, left: true) + cell("AUPRC", 8) + cell("ROC-AUC", 9) + cell("precision", 11)
                + cell("recall", 8) + cell("F1", 8) + cell("TP", 6) + cell("FP", 7) + cell("FN", 6) + cell("TN", 8),
        ]
        for e in evaluations {
            lines.append(cell(e.model, 22, left: true) + cell(e.featureSet, 26, left: true)
                         + cell(String(format: "%.4f", e.test.averagePrecision), 8) + cell(String(format: "%.4f", e.test.rocAUC), 9)
                         + cell(String(format: "%.4f", e.test.precision), 11) + cell(String(format: "%.4f", e.test.recall), 8)
                         + cell(String(format: "%.4f", e.test.f1), 8) + cell("\(e.test.counts.truePositives)", 6)
                         + cell("\(e.test.counts.falsePositives)", 7) + cell("\(e.test.counts.falseNegatives)", 6)
                         + cell("\(e.test.counts.trueNegatives)", 8))
        }
        lines.append("published AUPRC on the real data: logistic regression ~0.70-0.72, tree ensembles ~0.82-0.88")
        return lines.joined(separator: "\n")
    }
}

/// The fraud classifier workflow: a stratified train/validation/test split, standardisation
/// fitted on the training rows, a model per feature set with class balancing, the decision
/// threshold chosen on validation by maximum F1, and metrics on the untouched test split.
public struct FraudExperiment: Sendable {
    /// Train/validation/test fractions (default 0.6/0.2/0.2, stratified by class).
    public var fractions: [Double]
    public var seed: UInt64
    public var balancing: ClassBalancing
    /// The L2 penalty of logistic regression on the mean (weighted) training loss, default 1e-4.
    /// Each fit minimises `Σ_i s_i ℓ_i / Σ_i s_i + (l2Penalty / 2) |w|²` (`s_i` the balancing
    /// weights, the intercept not penalised): stated per mean loss, one value regularises a fit on
    /// every training row and one on an undersampled few thousand alike. 0 means no penalty.
    /// See `logisticRegression(totalWeight:)` for scikit-learn's `C`.
    public var l2Penalty: Double
    /// The MLP trained next to logistic regression on every feature set; nil skips it.
    public var mlp: MLPClassifier?

    public init(fractions: [Double] = [0.6, 0.2, 0.2], seed: UInt64 = 0, balancing: ClassBalancing = .balancedWeights,
                l2Penalty: Double = 1e-4, mlp: MLPClassifier? = MLPClassifier()) {
        self.fractions = fractions
        self.seed = seed
        self.balancing = balancing
        self.l2Penalty = l2Penalty
        self.mlp = mlp
    }

    /// LinearModels' logistic regression for training rows whose sample weights sum to
    /// `totalWeight`: `l2Penalty` per mean loss is scikit-learn's `C = 1 / (l2Penalty Σ_i s_i)`
    /// (`.infinity`, no penalty, when `l2Penalty` is 0). The solver is LinearModels' default
    /// (Newton's method for these few columns, to a gradient of 1e-10).
    public func logisticRegression(totalWeight: Double) -> LogisticRegression {
        LogisticRegression(inverseRegularization: l2Penalty == 0 ? .infinity : 1 / (l2Penalty * totalWeight))
    }

    /// The stratified split indices (train, validation, test) of `data`.
    public func split(_ data: CreditCardData) throws -> [[Int]] {
        guard fractions.count == 3 else { throw FraudError.invalidArgument("expected 3 split fractions (train, validation, test), got \(fractions.count)") }
        let parts = try Splitter(fractions: fractions, seed: seed, stratified: true).split(count: data.rowCount, labels: data.labels)
        for (name, part) in zip(["training", "validation", "test"], parts) where !part.contains(where: { data.labels[$0] == 1 }) {
            throw FraudError.notEnoughRows("the \(name) split holds no fraud (\(data.fraudCount) frauds in \(data.rowCount) rows); use more data")
        }
        return parts
    }

    /// Trains logistic regression (and the MLP unless nil) on each feature set and evaluates them.
    public func run(_ data: CreditCardData, featureSets: [FeatureSet]) throws -> FraudExperimentResult {
        guard l2Penalty >= 0, l2Penalty.isFinite else {
            throw FraudError.invalidArgument("the L2 penalty of logistic regression must be finite and at least 0, got \(l2Penalty)")
        }
        let parts = try split(data)
        let labelsOf = { (indices: [Int]) in indices.map { data.labels[$0] } }
        let (trainLabels, validationLabels, testLabels) = (labelsOf(parts[0]), labelsOf(parts[1]), labelsOf(parts[2]))
        var evaluations: [ModelEvaluation] = []
        for set in featureSets {
            let table = try data.features.selecting(set.features)
            // Standardisation fitted on the training rows only: nothing of validation or test leaks in.
            let scaler = try StandardScaler().fit(table.values.rows(at: parts[0]))
            let train = try scaler.transform(table.values.rows(at: parts[0]))
            let validation = try scaler.transform(table.values.rows(at: parts[1]))
            let test = try scaler.transform(table.values.rows(at: parts[2]))
            let balanced = try balancing.apply(labels: trainLabels, seed: seed &+ 1)
            let fitX = balanced.indices.count == trainLabels.count ? train : train.rows(at: balanced.indices)
            let fitLabels = balanced.indices.map { trainLabels[$0] }
            let sampleWeights = balanced.weights?.map(Double.init)
            let logistic = logisticRegression(totalWeight: sampleWeights?.reduce(0, +) ?? Double(fitLabels.count))
            var model: FittedLogisticRegression?
            let elapsed = try Self.seconds { model = try logistic.fit(fitX, labels: fitLabels, sampleWeights: sampleWeights) }
            // Decision values (log-odds of fraud: the labels are 0 and 1, so the one score row is class 1's).
            let scores = { (x: Tensor) in try model!.decisionFunction(x).map { Float($0[0]) } }
            evaluations.append(evaluate(model: "logistic regression", featureSet: set, trainingRows: fitLabels.count, seconds: elapsed,
                                        validationScores: try scores(validation), validationLabels: validationLabels,
                                        testScores: try scores(test), testLabels: testLabels))
            if let mlp {
                // Balanced weights enter the loss per class; undersampling already balanced the rows.
                var classWeights: [Float]?
                if balancing == .balancedWeights {
                    let frauds = Float(fitLabels.reduce(0, +)), n = Float(fitLabels.count)
                    classWeights = [n / (2 * (n - frauds)), n / (2 * frauds)]
                }
                var network: FittedMLPClassifier?
                let seconds = try Self.seconds { network = try mlp.fit(fitX, labels: fitLabels, classWeights: classWeights) }
                evaluations.append(evaluate(model: mlp.name(inputs: set.features.count), featureSet: set, trainingRows: fitLabels.count,
                                            seconds: seconds, validationScores: network!.decisionValues(validation),
                                            validationLabels: validationLabels, testScores: network!.decisionValues(test), testLabels: testLabels))
            }
        }
        return FraudExperimentResult(source: data.source.label, isSynthetic: data.source.isSynthetic, balancing: balancing.description,
                                     splitRows: parts.map(\.count), splitFrauds: [trainLabels, validationLabels, testLabels].map { $0.reduce(0, +) },
                                     testLabels: testLabels, evaluations: evaluations)
    }

    /// Chooses the max-F1 threshold on validation scores and reports test metrics there.
    /// Scores are decision values (log-odds), which do not saturate the way Float probabilities do.
    public func evaluate(model: String, featureSet: FeatureSet, trainingRows: Int, seconds: Double,
                         validationScores: [Float], validationLabels: [Int], testScores: [Float], testLabels: [Int]) -> ModelEvaluation {
        let validationCurve = PrecisionRecallCurve(labels: validationLabels, scores: validationScores)
        let best = validationCurve.bestF1 ?? (threshold: 0, precision: 0, recall: 0, f1: 0)
        return ModelEvaluation(model: model, featureSet: featureSet.name, features: featureSet.features, threshold: best.threshold,
                               thresholdProbability: 1 / (1 + Foundation.exp(-best.threshold)), validationF1: best.f1,
                               validationAveragePrecision: validationCurve.averagePrecision,
                               test: BinaryClassificationReport(labels: testLabels, scores: testScores, threshold: best.threshold),
                               trainingSeconds: seconds, trainingRows: trainingRows, testScores: testScores)
    }

    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}
