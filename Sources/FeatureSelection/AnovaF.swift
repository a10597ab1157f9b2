/// The one-way ANOVA F statistic of a feature between classes, as `sklearn.feature_selection.f_classif`.
///
/// `F = (SS_between / (k - 1)) / (SS_within / (n - k))` for `k` classes and `n` samples. It
/// grows with the squared gap between class means relative to the within-class spread; for two
/// classes it is a monotone function of the point-biserial correlation,
/// `F = (n - 2) r^2 / (1 - r^2)`, so the two rank features identically. Accumulates in Double.
/// Returns +infinity when the classes are perfectly separated by constant values
/// (zero within-class spread) and NaN for a constant feature (scikit-learn does the same).
public enum AnovaF {
    public static func statistic(values: [Float], labels: [Int]) -> Double {
        precondition(values.count == labels.count, "\(values.count) values but \(labels.count) labels")
        var sums: [Int: (count: Int, sum: Double)] = [:]
        for (value, label) in zip(values, labels) {
            let x = Double(value)
            let entry = sums[label] ?? (0, 0)
            sums[label] = (entry.count + 1, entry.sum + x)
        }
        let n = Double(values.count)
        let k = Double(sums.count)
        guard k >= 2, n > k else { return .nan }
        let grandMean = sums.values.reduce(0) { $0 + $1.sum } / n
        var between = 0.0
        for group in sums.values {
            let mean = group.sum / Double(group.count)
            between += Double(group.count) * (mean - grandMean) * (mean - grandMean)
        }
        // The within sum from centred values (a second pass) avoids sum-of-squares cancellation.
        let within = centredWithin(values: values, labels: labels, sums: sums)
        if between == 0 && within == 0 { return .nan }
        return (between / (k - 1)) / (within / (n - k))
    }

    private static func centredWithin(values: [Float], labels: [Int], sums: [Int: (count: Int, sum: Double)]) -> Double {
        var means: [Int: Double] = [:]
        for (label, group) in sums { means[label] = group.sum / Double(group.count) }
        var within = 0.0
        for (value, label) in zip(values, labels) {
            let d = Double(value) - means[label]!
            within += d * d
        }
        return within
    }
}
