/// ROC-AUC of one feature used directly as a score: `P(x1 > x0) + P(x1 = x0) / 2` for a random
/// class-1 value `x1` and class-0 value `x0` (the Mann-Whitney U statistic over `n1 n0`), equal to
/// `sklearn.metrics.roc_auc_score(labels, values)`.
///
/// The value is *signed*: 0.5 means no separation, above 0.5 the feature is larger in class 1,
/// below 0.5 smaller. A feature is as useful at AUC 0.1 as at 0.9 (flip its sign), so ranking
/// uses the separation `max(auc, 1 - auc)` in [0.5, 1].
public enum SingleFeatureAUC {
    public static func auc(values: [Float], labels: [Int]) -> Double {
        precondition(values.count == labels.count, "\(values.count) values but \(labels.count) labels")
        return auc(SortedFeature(values: values, labels: labels))
    }

    static func auc(_ feature: SortedFeature) -> Double {
        guard feature.positiveCount > 0, feature.negativeCount > 0 else { return .nan }
        var rankSum = 0.0
        feature.forEachRun { start, end in
            // 1-based ranks start+1 ... end share their average.
            let averageRank = Double(start + 1 + end) / 2
            for i in start..<end where feature.labels[i] == 1 { rankSum += averageRank }
        }
        let n1 = Double(feature.positiveCount), n0 = Double(feature.negativeCount)
        return (rankSum - n1 * (n1 + 1) / 2) / (n1 * n0)
    }
}
