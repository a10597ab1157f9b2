import Datasets
import Foundation
import Fraud
import LinearModels
import Metrics
import Plotting
import TensorCore
import TestSupport
import Testing

/// The experiment's logistic regression against scikit-learn, class balancing by hand, and the experiment end to end.
@Suite struct LogisticRegressionTests {
    /// Frozen from scikit-learn 1.9.1 `LogisticRegression(C=1, tol=1e-12)` on 20 rows
    /// (Benchmarks/python/fraud_fixtures.py). Its objective `0.5 |w|^2 + C sum loss` equals the
    /// experiment's per-mean-loss one times n with `l2Penalty = 1 / (C n) = 0.05`.
    @Test func penaltyPerMeanLossMatchesScikitLearn() throws {
        let x: [Float] = [-0.034, -0.441, -0.508, 0.63, -0.302, -0.151, 0.022, 1.177, 0.681, 0.383, -0.564, -1.382, 0.95, 0.966, -0.141,
                          0.542, 0.781, 0.831, 0.921, -0.456, 1.515, -1.247, 0.862, 0.494, 0.874, 1.879, 1.484, -1.145, -1.689, 0.817,
                          -1.015, -0.012, 0.84, -1.644, -2.11, 0.259, 0.044, -0.246, 0.039, -0.861]
        let y = [0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 1, 1]
        let logistic = FraudExperiment(l2Penalty: 0.05).logisticRegression(totalWeight: 20)
        #expect(abs(logistic.inverseRegularization - 1) < 1e-12)
        let model = try logistic.fit(Tensor(shape: [20, 2], elements: x), labels: y)
        #expect(model.classes == [0, 1])
        #expect(abs(model.coefficients[0][0] - 0.8965680030468748) < 1e-6)
        #expect(abs(model.coefficients[0][1] - -1.1975527800064134) < 1e-6)
        #expect(abs(model.intercepts[0] - 0.24747599960779906) < 1e-6)
        // 0 means no penalty (scikit-learn's C = infinity).
        #expect(FraudExperiment(l2Penalty: 0).logisticRegression(totalWeight: 20).inverseRegularization == .infinity)
    }

    @Test func balancedWeightsByHand() throws {
        // n / (2 n_c): 4 / 6 for the three 0s, 4 / 2 for the single 1.
        let weights = try ClassBalancing.balancedWeights([0, 0, 0, 1])
        #expect(zip(weights, [Float(2.0 / 3), 2 / 3, 2 / 3, 2]).allSatisfy { abs($0 - $1) < 1e-6 })
        let under = try ClassBalancing.undersample(legitPerFraud: 2).apply(labels: [0, 0, 0, 0, 0, 1, 0, 1], seed: 0)
        #expect(under.indices.filter { [5, 7].contains($0) }.count == 2)
        #expect(under.indices.count == 6)
        #expect(under.weights == nil)
    }

    /// End to end on small synthetic data: stratified splits, a threshold from validation,
    /// test metrics consistent with the confusion counts, and a table that says "SYNTHETIC".
    @Test func experimentOnSyntheticData() throws {
        let stats = try PublishedStatistics.load(TestSupport.repositoryRoot.appendingPathComponent("datasets/creditcard/creditcard_stats.csv").path)
        let data = try SyntheticCreditCard(rows: 6000, fraudRows: 300, seed: 2).generate(statistics: stats)
        let experiment = FraudExperiment(seed: 0, mlp: MLPClassifier(minimumSteps: 200))
        let result = try experiment.run(data, featureSets: [FeatureSet(name: "all 30", features: CreditCardSchema.featureNames),
                                                            FeatureSet(name: "four", features: ["V17", "V14", "V12", "V10"])])
        #expect(throws: FraudError.invalidArgument("the L2 penalty of logistic regression must be finite and at least 0, got -1.0")) {
            try FraudExperiment(l2Penalty: -1, mlp: nil).run(data, featureSets: [FeatureSet(name: "four", features: ["V17", "V14", "V12", "V10"])])
        }
        #expect(result.splitRows == [3600, 1200, 1200])
        #expect(result.splitFrauds == [180, 60, 60])
        #expect(result.isSynthetic)
        #expect(result.table.contains("SYNTHETIC"))
        for evaluation in result.evaluations {
            #expect(evaluation.test.averagePrecision > 0.5)
            #expect(evaluation.test.rocAUC > 0.9)
            #expect(evaluation.test.counts.total == 1200)
            #expect(evaluation.test.counts.truePositives + evaluation.test.counts.falseNegatives == 60)
            let recomputed = BinaryOutcomeCounts(labels: result.testLabels, scores: evaluation.testScores, threshold: evaluation.threshold)
            #expect(recomputed == evaluation.test.counts)
        }
    }
}

/// The figures render, say "SYNTHETIC" in their data, and colour what they should.
@Suite struct FraudFigureTests {
    @Test func explorationAndCurveFiguresRender() throws {
        let stats = try PublishedStatistics.load(TestSupport.repositoryRoot.appendingPathComponent("datasets/creditcard/creditcard_stats.csv").path)
        let data = try SyntheticCreditCard(rows: 2000, fraudRows: 100, seed: 3).generate(statistics: stats)
        let exploration = FraudExploration(data, binCount: 20)
        #expect(exploration.histograms.count == 30)
        for histogram in exploration.histograms {
            // Each class's density integrates to 1 over the shared bins.
            let width = histogram.edges[1] - histogram.edges[0]
            #expect(abs(histogram.legitDensity.reduce(0, +) * width - 1) < 1e-9)
            #expect(abs(histogram.fraudDensity.reduce(0, +) * width - 1) < 1e-9)
        }
        #expect(exploration.classBalanceCSV.contains("synthetic"))
        #expect(exploration.summary.csv.split(separator: "\n").count == 1 + 60)
        let directory = TestSupport.temporaryDirectory("fraud-figures").path
        let written = try FraudFigures.writeExploration(exploration, to: directory)
        #expect(written.count == 4)
        for path in written { #expect(FileManager.default.fileExists(atPath: path)) }
        let balance = try FraudFigures.classBalance(data).rasterized()
        #expect(balance.width == 1400 && balance.height == 700)
        // The legit bar (tab blue) fills the middle of the left half.
        let bar = balance.color(x: balance.width / 4, y: balance.height / 2)
        #expect(bar.blue > bar.red && bar.blue > 0.5)

        #expect(MLPClassifier(epochs: 2, batchSize: 100).effectiveEpochs(rows: 1000) == 100)   // 10 batches per epoch
        #expect(MLPClassifier(epochs: 12, batchSize: 512, minimumSteps: 1000).effectiveEpochs(rows: 170_000) == 12)
        let result = try FraudExperiment(seed: 0, mlp: MLPClassifier(epochs: 2, minimumSteps: 0)).run(data, featureSets: [FeatureSet(name: "four", features: ["V17", "V14", "V12", "V10"])])
        #expect(result.evaluations.map(\.model) == ["logistic regression", "MLP 4-32-16-1"])
        let curves = try FraudFigures.curves(result).rasterized()
        #expect(curves.width == 1800)
    }
}
