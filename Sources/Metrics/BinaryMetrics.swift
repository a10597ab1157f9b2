/// Metrics of a binary classifier (labels 0 = negative, 1 = positive).
///
/// Conventions follow scikit-learn: a sample is predicted positive when its score is at least
/// the threshold; precision is 0 when nothing is predicted positive and recall is 0 when there
/// is no positive sample (scikit-learn's `zero_division=0`).
public enum BinaryClassification {}

/// The four outcome counts of binary predictions at one threshold.
public struct BinaryOutcomeCounts: Sendable, Equatable, Codable {
    public var truePositives: Int
    public var falsePositives: Int
    public var trueNegatives: Int
    public var falseNegatives: Int

    public init(truePositives: Int, falsePositives: Int, trueNegatives: Int, falseNegatives: Int) {
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.trueNegatives = trueNegatives
        self.falseNegatives = falseNegatives
    }

    /// Counts of `score >= threshold` against `labels`.
    /// - Precondition: equal lengths; labels are 0 or 1.
    public init(labels: [Int], scores: [Float], threshold: Double) {
        precondition(labels.count == scores.count, "\(labels.count) labels but \(scores.count) scores")
        var tp = 0, fp = 0, tn = 0, fn = 0
        labels.withUnsafeBufferPointer { y in
            scores.withUnsafeBufferPointer { s in
                for i in 0..<y.count {
                    precondition(y[i] == 0 || y[i] == 1, "label \(y[i]) is not 0 or 1")
                    let positive = Double(s[i]) >= threshold
                    switch (y[i] == 1, positive) {
                    case (true, true): tp += 1
                    case (false, true): fp += 1
                    case (false, false): tn += 1
                    case (true, false): fn += 1
                    }
                }
            }
        }
        self.init(truePositives: tp, falsePositives: fp, trueNegatives: tn, falseNegatives: fn)
    }

    public var total: Int { truePositives + falsePositives + trueNegatives + falseNegatives }

    /// TP / (TP + FP); 0 when nothing is predicted positive.
    public var precision: Double {
        truePositives + falsePositives == 0 ? 0 : Double(truePositives) / Double(truePositives + falsePositives)
    }

    /// TP / (TP + FN); 0 when there is no positive sample.
    public var recall: Double {
        truePositives + falseNegatives == 0 ? 0 : Double(truePositives) / Double(truePositives + falseNegatives)
    }

    /// Harmonic mean of precision and recall, `2 TP / (2 TP + FP + FN)`; 0 when both are 0.
    public var f1: Double {
        let denominator = 2 * truePositives + falsePositives + falseNegatives
        return denominator == 0 ? 0 : Double(2 * truePositives) / Double(denominator)
    }

    /// TN / (TN + FP); 0 when there is no negative sample.
    public var specificity: Double {
        trueNegatives + falsePositives == 0 ? 0 : Double(trueNegatives) / Double(trueNegatives + falsePositives)
    }
}

/// Everything the fraud literature reports for one scored test set: threshold metrics plus the
/// threshold-free ROC-AUC and average precision (AUPRC).
public struct BinaryClassificationReport: Sendable, Equatable, Codable {
    public var threshold: Double
    public var counts: BinaryOutcomeCounts
    public var precision: Double
    public var recall: Double
    public var f1: Double
    public var rocAUC: Double
    public var averagePrecision: Double

    /// Evaluates `scores` against `labels` at `threshold`.
    public init(labels: [Int], scores: [Float], threshold: Double) {
        let sweep = ThresholdSweep(labels: labels, scores: scores)
        counts = BinaryOutcomeCounts(labels: labels, scores: scores, threshold: threshold)
        self.threshold = threshold
        precision = counts.precision
        recall = counts.recall
        f1 = counts.f1
        rocAUC = ROCCurve(sweep).area
        averagePrecision = PrecisionRecallCurve(sweep).averagePrecision
    }
}

extension BinaryClassification {
    /// Precision, recall and F1 of `score >= threshold`.
    public static func precisionRecallF1(labels: [Int], scores: [Float], threshold: Double) -> (precision: Double, recall: Double, f1: Double) {
        let counts = BinaryOutcomeCounts(labels: labels, scores: scores, threshold: threshold)
        return (counts.precision, counts.recall, counts.f1)
    }

    /// The threshold with the largest F1 on (`labels`, `scores`), e.g. chosen on a validation
    /// split and then applied to the test split. Ties go to the higher threshold. Nil when
    /// there is no positive sample.
    public static func bestF1Threshold(labels: [Int], scores: [Float]) -> (threshold: Double, f1: Double)? {
        guard let best = PrecisionRecallCurve(labels: labels, scores: scores).bestF1 else { return nil }
        return (best.threshold, best.f1)
    }
}
