/// Threshold curves of a binary classifier's scores: ROC and precision-recall, as scikit-learn
/// computes them.
///
/// Both curves come from the same sweep (scikit-learn's `_binary_clf_curve`): the scores are
/// sorted in decreasing order and one point is emitted per *distinct* score, counting every
/// sample whose score is at least that value as predicted positive. Tied scores therefore move
/// the curve diagonally in one step, which is what makes the trapezoidal ROC-AUC equal the
/// Mann-Whitney probability `P(s+ > s-) + P(s+ = s-)/2`.
///
/// Labels are 0 (negative) and 1 (positive); scores are any reals with larger meaning "more
/// positive". Both must have the same length and scores must not be NaN (preconditions: these
/// are programmer errors, user data is validated before it gets here).
public struct ThresholdSweep: Sendable, Equatable {
    /// Distinct score thresholds, decreasing.
    public var thresholds: [Double]
    /// True positives among samples with score >= `thresholds[i]`.
    public var truePositives: [Int]
    /// False positives among samples with score >= `thresholds[i]`.
    public var falsePositives: [Int]
    /// Positive and negative sample counts.
    public var positiveCount: Int
    public var negativeCount: Int

    /// Sweeps the thresholds of `scores` against `labels`. O(n log n).
    public init(labels: [Int], scores: [Float]) {
        precondition(labels.count == scores.count, "\(labels.count) labels but \(scores.count) scores")
        let n = labels.count
        var order = Array(0..<n)
        scores.withUnsafeBufferPointer { s in
            precondition(!s.contains(where: \.isNaN), "scores contain NaN")
            order.sort { s[$0] > s[$1] }
        }
        var thresholds: [Double] = []
        var truePositives: [Int] = []
        var falsePositives: [Int] = []
        var tp = 0, fp = 0
        labels.withUnsafeBufferPointer { y in
            scores.withUnsafeBufferPointer { s in
                for position in 0..<n {
                    let i = order[position]
                    precondition(y[i] == 0 || y[i] == 1, "label \(y[i]) is not 0 or 1")
                    if y[i] == 1 { tp += 1 } else { fp += 1 }
                    // Emit a point at the last sample of each run of equal scores.
                    if position == n - 1 || s[order[position + 1]] != s[i] {
                        thresholds.append(Double(s[i]))
                        truePositives.append(tp)
                        falsePositives.append(fp)
                    }
                }
            }
        }
        self.thresholds = thresholds
        self.truePositives = truePositives
        self.falsePositives = falsePositives
        self.positiveCount = tp
        self.negativeCount = fp
    }
}

/// A receiver operating characteristic curve and the area under it.
///
/// Matches `sklearn.metrics.roc_curve(..., drop_intermediate=False)`: the first point is
/// (0, 0) at threshold +infinity, then one point per distinct score, decreasing. The area is the
/// trapezoidal rule over those points (`sklearn.metrics.roc_auc_score`), so ties count one half.
public struct ROCCurve: Sendable, Equatable {
    public var falsePositiveRates: [Double]
    public var truePositiveRates: [Double]
    public var thresholds: [Double]
    /// Area under the curve in [0, 1]; NaN when one class is absent (scikit-learn raises there).
    public var area: Double

    public init(labels: [Int], scores: [Float]) {
        self.init(ThresholdSweep(labels: labels, scores: scores))
    }

    public init(_ sweep: ThresholdSweep) {
        let positives = Double(sweep.positiveCount), negatives = Double(sweep.negativeCount)
        thresholds = [.infinity] + sweep.thresholds
        truePositiveRates = [0] + sweep.truePositives.map { positives > 0 ? Double($0) / positives : .nan }
        falsePositiveRates = [0] + sweep.falsePositives.map { negatives > 0 ? Double($0) / negatives : .nan }
        if positives == 0 || negatives == 0 {
            area = .nan
        } else {
            var sum = 0.0
            for i in 1..<thresholds.count {
                sum += (falsePositiveRates[i] - falsePositiveRates[i - 1]) * (truePositiveRates[i] + truePositiveRates[i - 1]) / 2
            }
            area = sum
        }
    }
}

/// A precision-recall curve and average precision.
///
/// Matches `sklearn.metrics.precision_recall_curve` (scikit-learn >= 1.3, no truncation at full
/// recall): points in order of *increasing* threshold, so recall decreases; a final point
/// precision 1, recall 0 has no threshold. Precision where nothing is predicted positive is 0.
///
/// Average precision is scikit-learn's step-wise sum `AP = sum_n (R_n - R_{n-1}) P_n` over the
/// thresholds: no interpolation, so it is not the trapezoidal area (which is optimistic).
public struct PrecisionRecallCurve: Sendable, Equatable {
    public var precisions: [Double]
    public var recalls: [Double]
    /// Threshold of each point but the last; increasing.
    public var thresholds: [Double]
    /// Average precision in [0, 1]; NaN when there is no positive sample.
    public var averagePrecision: Double

    public init(labels: [Int], scores: [Float]) {
        self.init(ThresholdSweep(labels: labels, scores: scores))
    }

    public init(_ sweep: ThresholdSweep) {
        let positives = Double(sweep.positiveCount)
        var precisions: [Double] = []
        var recalls: [Double] = []
        for i in stride(from: sweep.thresholds.count - 1, through: 0, by: -1) {
            let predicted = sweep.truePositives[i] + sweep.falsePositives[i]
            precisions.append(predicted > 0 ? Double(sweep.truePositives[i]) / Double(predicted) : 0)
            recalls.append(positives > 0 ? Double(sweep.truePositives[i]) / positives : 1)
        }
        precisions.append(1)
        recalls.append(0)
        self.precisions = precisions
        self.recalls = recalls
        self.thresholds = sweep.thresholds.reversed()
        if positives == 0 {
            averagePrecision = .nan
        } else {
            // Points run from high recall to low; sum (R_n - R_{n+1}) * P_n.
            var sum = 0.0
            for i in 0..<(recalls.count - 1) { sum += (recalls[i] - recalls[i + 1]) * precisions[i] }
            averagePrecision = sum
        }
    }

    /// The threshold whose F1 is largest (ties: the higher threshold), with its precision,
    /// recall and F1. Predicting `score >= threshold` as positive reproduces those values.
    /// Nil when there is no positive sample.
    public var bestF1: (threshold: Double, precision: Double, recall: Double, f1: Double)? {
        var best: (threshold: Double, precision: Double, recall: Double, f1: Double)?
        for i in stride(from: thresholds.count - 1, through: 0, by: -1) {
            let p = precisions[i], r = recalls[i]
            let f1 = p + r > 0 ? 2 * p * r / (p + r) : 0
            if best == nil || f1 > best!.f1 { best = (thresholds[i], p, r, f1) }
        }
        return sweepHasPositives ? best : nil
    }

    private var sweepHasPositives: Bool { !averagePrecision.isNaN }
}

extension BinaryClassification {
    /// Area under the ROC curve (`sklearn.metrics.roc_auc_score`), ties counted one half.
    public static func rocAUC(labels: [Int], scores: [Float]) -> Double {
        ROCCurve(labels: labels, scores: scores).area
    }

    /// Average precision (`sklearn.metrics.average_precision_score`), the AUPRC the fraud
    /// literature reports.
    public static func averagePrecision(labels: [Int], scores: [Float]) -> Double {
        PrecisionRecallCurve(labels: labels, scores: scores).averagePrecision
    }
}
