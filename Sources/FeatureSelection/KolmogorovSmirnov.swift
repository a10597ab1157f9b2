/// The two-sample Kolmogorov-Smirnov statistic between a feature's class-0 and class-1 values:
/// `D = sup_x |F1(x) - F0(x)|` over the empirical distribution functions, in [0, 1]
/// (`scipy.stats.ks_2samp(...).statistic`). Unlike F it sees differences of shape and spread,
/// not only of means. O(n log n).
public enum KolmogorovSmirnov {
    public static func statistic(values: [Float], labels: [Int]) -> Double {
        precondition(values.count == labels.count, "\(values.count) values but \(labels.count) labels")
        return statistic(SortedFeature(values: values, labels: labels))
    }

    static func statistic(_ feature: SortedFeature) -> Double {
        guard feature.positiveCount > 0, feature.negativeCount > 0 else { return .nan }
        let n1 = Double(feature.positiveCount), n0 = Double(feature.negativeCount)
        var below1 = 0, below0 = 0
        var largest = 0.0
        feature.forEachRun { start, end in
            // The distribution functions only jump after a whole run of equal values.
            for i in start..<end { if feature.labels[i] == 1 { below1 += 1 } else { below0 += 1 } }
            largest = max(largest, abs(Double(below1) / n1 - Double(below0) / n0))
        }
        return largest
    }
}
