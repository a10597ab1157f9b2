import Datasets
import FeatureSelection
import Metrics
import TensorCore
import Testing

/// Relevance scores against hand-worked values, scikit-learn, and rankings known by construction.
@Suite struct RelevanceScoreTests {
    // Class means 2 and 5, grand mean 3.5: SS_between = 6 * 1.5^2 = 13.5, SS_within = 4,
    // F = 13.5 / (4 / 4) = 13.5; r = 3 / sqrt(17.5 / 6) * sqrt(9 / 36) = 0.87831...
    @Test func anovaAndPointBiserialByHand() {
        let values: [Float] = [1, 2, 3, 4, 5, 6]
        let labels = [0, 0, 0, 1, 1, 1]
        #expect(abs(AnovaF.statistic(values: values, labels: labels) - 13.5) < 1e-9)
        let r = PointBiserialCorrelation.coefficient(values: values, labels: labels)
        #expect(abs(r - 3 / (17.5 / 6).squareRoot() * 0.5) < 1e-12)
        #expect(abs(r - (13.5 / (13.5 + 4)).squareRoot()) < 1e-12)   // F = (n - 2) r^2 / (1 - r^2)
        #expect(PointBiserialCorrelation.coefficient(values: [6, 5, 4, 3, 2, 1], labels: labels) < 0)
    }

    // x = 1 2 3 4 with classes 0 1 0 1: F0 - F1 after each value .5, 0, .5, 0 -> D = .5;
    // AUC: positives 2, 4 vs negatives 1, 3 -> 3 of 4 pairs -> .75.
    @Test func ksAndAUCByHand() {
        let values: [Float] = [1, 2, 3, 4]
        let labels = [0, 1, 0, 1]
        #expect(abs(KolmogorovSmirnov.statistic(values: values, labels: labels) - 0.5) < 1e-12)
        #expect(abs(SingleFeatureAUC.auc(values: values, labels: labels) - 0.75) < 1e-12)
        #expect(KolmogorovSmirnov.statistic(values: [1, 2, 10, 11], labels: [0, 0, 1, 1]) == 1)
        // Ties: equal values count one half, like roc_auc_score.
        let tied: [Float] = [1, 1, 2, 2, 3]
        let tiedLabels = [0, 1, 0, 1, 1]
        #expect(abs(SingleFeatureAUC.auc(values: tied, labels: tiedLabels) - BinaryClassification.rocAUC(labels: tiedLabels, scores: tied)) < 1e-12)
        #expect(abs(SingleFeatureAUC.auc(values: tied, labels: tiedLabels) - (0.5 + 0 + 1 + 0.5 + 1 + 1) / 6) < 1e-12)
    }

    /// Frozen from scikit-learn 1.9.1 (`mutual_info_classif(random_state=0)`, `f_classif`) on 60
    /// samples with distinct values (numpy default_rng(7); Benchmarks/python/fraud_fixtures.py).
    @Test func matchesScikitLearn() {
        let labels = [Int](repeating: 0, count: 40) + [Int](repeating: 1, count: 20)
        let x1: [Float] = [-0.6757, 0.2031, -0.4633, 0.1273, -1.1872, -0.5793, -0.1962, 0.8988, 1.1452, -1.3235, -0.7946, 0.6469, -1.9924,
                           -0.4632, -0.0973, 1.257, 0.6894, -0.3272, -0.3686, -0.2502, 1.5235, -0.428, -0.3037, 0.3526, -0.1208, -0.1973,
                           -1.1141, -0.0115, -0.4436, 1.1661, 0.6531, -0.0241, 0.6684, -0.3399, 1.0521, -0.0054, 0.5834, -1.2909, 0.3467,
                           -1.6882, -0.5353, 1.1955, 0.6001, 1.6641, 3.7448, 0.6683, 0.8761, 1.7054, 1.993, 1.3236, 1.2941, 2.2025, 2.0199,
                           0.4663, 1.4208, 1.5353, 0.4455, 1.7598, 0.642, 2.4721]
        let x2: [Float] = [0.1927, 0.0893, -0.591, -0.1186, -1.9977, -1.1314, 0.3628, -2.1286, 0.8466, -1.7461, 0.7567, -0.8455, 0.779,
                           0.131, -1.5368, 1.2491, 1.4417, -0.0658, -0.2739, -0.1599, -0.9752, 1.0986, -0.5429, -0.0512, -0.7933, -0.6261,
                           -1.2777, 1.2571, -0.1541, 0.9659, 0.0133, -0.6944, -0.3267, -0.5602, 0.008, -0.3753, -0.2999, -1.3786, -0.8068,
                           1.6541, -0.6712, -1.0541, 0.3373, 1.4073, -1.454, -0.2085, -0.6321, -1.761, 0.7349, -0.0234, 0.0714, -0.7523,
                           0.4548, -0.5393, -0.1429, -1.1083, -1.2161, 1.3355, -0.5071, 0.2917]
        let estimator = MutualInformation()
        #expect(abs(estimator.estimate(values: x1, labels: labels) - 0.32079247237801045) < 1e-6)
        #expect(estimator.estimate(values: x2, labels: labels) == 0)
        #expect(abs(AnovaF.statistic(values: x1, labels: labels) - 38.93019510363052) < 1e-4)
        #expect(abs(AnovaF.statistic(values: x2, labels: labels) - 0.050892525206620534) < 1e-6)
    }

    @Test func digammaKnownValues() {
        #expect(abs(MutualInformation.digamma(1) - -0.5772156649015329) < 1e-12)
        #expect(abs(MutualInformation.digamma(3) - (1.5 - 0.5772156649015329)) < 1e-12)
        #expect(abs(MutualInformation.digamma(100) - 4.600161852738087) < 1e-12)
    }

    /// Three features whose order is known by construction: a large class shift, a small one,
    /// and none. Every score must rank them strong > weak > noise.
    @Test func rankingKnownOnTinyData() throws {
        let n = 400
        var generator = RandomGenerator(seed: 3)
        var values: [Float] = []
        var labels: [Int] = []
        for i in 0..<n {
            let label = i % 4 == 0 ? 1 : 0
            labels.append(label)
            values.append(generator.normal(mean: label == 1 ? 3 : 0, standardDeviation: 1))    // strong
            values.append(generator.normal(mean: label == 1 ? 0.7 : 0, standardDeviation: 1))  // weak
            values.append(generator.normal(mean: 0, standardDeviation: 1))                       // noise
        }
        let table = NumericTable(columnNames: ["strong", "weak", "noise"], values: Tensor(shape: [n, 3], elements: values))
        let ranking = try FeatureRelevanceAnalysis().fit(table, labels: labels)
        for score in RelevanceScore.allCases {
            #expect(ranking.reranked(by: score).top(3) == ["strong", "weak", "noise"], "ranking by \(score)")
        }
        let selection = try SelectKBest(k: 2, score: .mutualInformation).fit(table, labels: labels)
        #expect(selection.names == ["strong", "weak"])
        #expect(try selection.transform(table).columnNames == ["strong", "weak"])
    }

    @Test func flagsNearConstantAndCorrelatedFeatures() throws {
        let n = 1000
        var generator = RandomGenerator(seed: 5)
        var values: [Float] = []
        var labels: [Int] = []
        for i in 0..<n {
            let a = generator.normal(mean: 0, standardDeviation: 1)
            labels.append(i % 10 == 0 ? 1 : 0)
            values += [a, 2 * a + generator.normal(mean: 0, standardDeviation: 0.05), i < 995 ? 0 : 1, generator.normal(mean: 0, standardDeviation: 1)]
        }
        let table = NumericTable(columnNames: ["a", "twiceA", "almostConstant", "free"], values: Tensor(shape: [n, 4], elements: values))
        let ranking = try FeatureRelevanceAnalysis().fit(table, labels: labels)
        let byName = Dictionary(uniqueKeysWithValues: ranking.features.map { ($0.name, $0) })
        #expect(byName["almostConstant"]!.isNearConstant)
        #expect(abs(byName["almostConstant"]!.mostFrequentShare - 0.995) < 1e-12)
        #expect(!byName["free"]!.isNearConstant)
        #expect(byName["a"]!.highlyCorrelatedWith == ["twiceA"])
        #expect(byName["twiceA"]!.highlyCorrelatedWith == ["a"])
        #expect(byName["free"]!.highlyCorrelatedWith.isEmpty)
    }

    @Test func badInputIsATypedError() {
        let table = NumericTable(columnNames: ["x"], values: Tensor(shape: [3, 1], elements: [1, 2, 3]))
        #expect(throws: FeatureSelectionError.labelNotBinary(index: 1, value: 2)) { try FeatureRelevanceAnalysis().fit(table, labels: [0, 2, 1]) }
        #expect(throws: FeatureSelectionError.lengthMismatch(values: 3, labels: 2)) { try FeatureRelevanceAnalysis().fit(table, labels: [0, 1]) }
        #expect(throws: FeatureSelectionError.singleClass(label: 0)) { try FeatureRelevanceAnalysis().fit(table, labels: [0, 0, 0]) }
        let withNaN = NumericTable(columnNames: ["x"], values: Tensor(shape: [3, 1], elements: [1, .nan, 3]))
        #expect(throws: FeatureSelectionError.notFinite(feature: "x", row: 1)) { try FeatureRelevanceAnalysis().fit(withNaN, labels: [0, 1, 1]) }
        #expect(throws: FeatureSelectionError.invalidK(k: 2, featureCount: 1)) { try SelectKBest(k: 2).fit(table, labels: [0, 1, 1]) }
        #expect(throws: FeatureSelectionError.unknownScore("gini")) { try RelevanceScore(name: "gini") }
    }
}
