/// The point-biserial correlation of a feature with a 0/1 class: Pearson's r between the values
/// and the labels, signed (positive when the feature is larger in class 1).
///
/// `r = (m1 - m0) / s * sqrt(n1 n0 / n^2)` with `s` the population standard deviation of the
/// feature (the same number `scipy.stats.pointbiserialr` gives). 0 for a constant feature.
public enum PointBiserialCorrelation {
    public static func coefficient(values: [Float], labels: [Int]) -> Double {
        precondition(values.count == labels.count, "\(values.count) values but \(labels.count) labels")
        let n = Double(values.count)
        var sum = 0.0, sum1 = 0.0, count1 = 0.0
        for (value, label) in zip(values, labels) {
            sum += Double(value)
            if label == 1 { sum1 += Double(value); count1 += 1 }
        }
        let mean = sum / n
        var squares = 0.0
        for value in values { squares += (Double(value) - mean) * (Double(value) - mean) }
        let count0 = n - count1
        guard squares > 0, count1 > 0, count0 > 0 else { return 0 }
        let standardDeviation = (squares / n).squareRoot()
        let mean1 = sum1 / count1, mean0 = (sum - sum1) / count0
        return (mean1 - mean0) / standardDeviation * (count1 * count0 / (n * n)).squareRoot()
    }
}
