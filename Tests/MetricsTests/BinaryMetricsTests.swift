import Metrics
import Testing

/// Binary metrics against values worked out by hand (ties included) and against scikit-learn.
@Suite struct BinaryMetricsTests {
    // Hand-worked: sorted scores 0.8(+) 0.4(-) 0.35(+) 0.1(-).
    // ROC points (0,0) (0,.5) (.5,.5) (.5,1) (1,1): area .75.
    // PR: thresholds .8 -> P 1, R .5; .4 -> P .5, R .5; .35 -> P 2/3, R 1; .1 -> P .5, R 1.
    // AP = .5 * 1 + 0 * .5 + .5 * 2/3 + 0 * .5 = 5/6.
    @Test func noTiesByHand() {
        let labels = [0, 0, 1, 1]
        let scores: [Float] = [0.1, 0.4, 0.35, 0.8]
        let roc = ROCCurve(labels: labels, scores: scores)
        #expect(abs(roc.area - 0.75) < 1e-12)
        #expect(roc.falsePositiveRates == [0, 0, 0.5, 0.5, 1])
        #expect(roc.truePositiveRates == [0, 0.5, 0.5, 1, 1])
        #expect(roc.thresholds.first == .infinity)
        let pr = PrecisionRecallCurve(labels: labels, scores: scores)
        #expect(abs(pr.averagePrecision - 5.0 / 6) < 1e-12)
        #expect(pr.recalls == [1, 1, 0.5, 0.5, 0])
        #expect(zip(pr.precisions, [0.5, 2.0 / 3, 0.5, 1, 1]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(pr.thresholds == [Double(Float(0.1)), Double(Float(0.35)), Double(Float(0.4)), Double(Float(0.8))])
    }

    // Ties: labels 1 0 1 0 1, scores .9 .9 .5 .5 .1 (P = 3, N = 2).
    // Sweep: >=.9 TP1 FP1; >=.5 TP2 FP2; >=.1 TP3 FP2.
    // ROC (0,0) (.5,1/3) (1,2/3) (1,1): area 1/12 + 1/4 = 1/3 (= Mann-Whitney with ties as 1/2).
    // PR: (P .5, R 1/3), (P .5, R 2/3), (P .6, R 1): AP = (.5 + .5 + .6) / 3 = 8/15.
    // F1: .4, 4/7, .75 -> best .75 at threshold .1.
    @Test func tiesByHand() {
        let labels = [1, 0, 1, 0, 1]
        let scores: [Float] = [0.9, 0.9, 0.5, 0.5, 0.1]
        #expect(abs(BinaryClassification.rocAUC(labels: labels, scores: scores) - 1.0 / 3) < 1e-12)
        #expect(abs(BinaryClassification.averagePrecision(labels: labels, scores: scores) - 8.0 / 15) < 1e-12)
        let best = BinaryClassification.bestF1Threshold(labels: labels, scores: scores)!
        #expect(abs(best.f1 - 0.75) < 1e-12)
        #expect(best.threshold == Double(Float(0.1)))
        let counts = BinaryOutcomeCounts(labels: labels, scores: scores, threshold: Double(Float(0.5)))
        #expect(counts == BinaryOutcomeCounts(truePositives: 2, falsePositives: 2, trueNegatives: 0, falseNegatives: 1))
        #expect(abs(counts.precision - 0.5) < 1e-12)
        #expect(abs(counts.recall - 2.0 / 3) < 1e-12)
        #expect(abs(counts.f1 - 4.0 / 7) < 1e-12)
    }

    @Test func zeroDivisionConventions() {
        let counts = BinaryOutcomeCounts(labels: [0, 0, 1], scores: [0.1, 0.2, 0.3], threshold: 0.9)
        #expect(counts.precision == 0)
        #expect(counts.recall == 0)
        #expect(counts.f1 == 0)
        #expect(BinaryClassification.rocAUC(labels: [0, 0], scores: [0.1, 0.2]).isNaN)
        #expect(BinaryClassification.averagePrecision(labels: [0, 0], scores: [0.1, 0.2]).isNaN)
        #expect(BinaryClassification.bestF1Threshold(labels: [0, 0], scores: [0.1, 0.2]) == nil)
    }

    /// Frozen from scikit-learn 1.9.1: `roc_auc_score` / `average_precision_score` on 30 samples
    /// with many ties (numpy default_rng(7), scores rounded to 0.1; see Benchmarks/python/fraud_fixtures.py).
    @Test func matchesScikitLearnWithTies() {
        let labels = [0, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0]
        let scores: [Float] = [0.5, 0.2, 0.0, 0.5, 1.0, 0.2, 0.7, 0.0, 0.8, 0.2, 0.6, 1.2, 0.8, 0.8, 0.6, 0.7, 0.1, 0.5, 0.5, 0.9,
                               0.7, 0.9, 0.1, 0.7, 0.6, 0.2, 0.8, 0.4, 1.0, 0.6]
        #expect(abs(BinaryClassification.rocAUC(labels: labels, scores: scores) - 0.7725) < 1e-12)
        #expect(abs(BinaryClassification.averagePrecision(labels: labels, scores: scores) - 0.5861509732097967) < 1e-12)
    }

    @Test func reportAgreesWithParts() {
        let labels = [0, 1, 0, 1, 1, 0, 0, 1]
        let scores: [Float] = [0.2, 0.8, 0.6, 0.4, 0.9, 0.1, 0.3, 0.7]
        let report = BinaryClassificationReport(labels: labels, scores: scores, threshold: 0.5)
        #expect(report.counts == BinaryOutcomeCounts(truePositives: 3, falsePositives: 1, trueNegatives: 3, falseNegatives: 1))
        #expect(abs(report.f1 - 0.75) < 1e-12)
        // Positives .8 .4 .9 .7 vs negatives .2 .6 .1 .3: 15 of 16 pairs ordered (only .4 < .6).
        #expect(abs(report.rocAUC - 15.0 / 16) < 1e-12)
    }
}
