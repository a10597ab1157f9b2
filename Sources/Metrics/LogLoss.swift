import Foundation

/// Mean negative log-likelihood of the true classes (scikit-learn's `log_loss`), in nats.
///
/// `probabilities[i]` holds one probability per class for sample `i` and `labels[i]` the index of
/// its true class. Probabilities are clipped to `[ε, 1 - ε]` with ε the Double machine epsilon
/// (scikit-learn's default since 1.5) so a confident mistake costs about 36 rather than infinity.
/// Rows are not renormalised.
/// - Throws: `ClassificationMetricError` when the lengths differ, nothing is given, or a label is
///   not a column of its row.
public func logLoss(probabilities: [[Double]], labels: [Int]) throws -> Double {
    guard probabilities.count == labels.count else {
        throw ClassificationMetricError.lengthMismatch(predictions: probabilities.count, labels: labels.count)
    }
    guard !labels.isEmpty else { throw ClassificationMetricError.empty }
    let epsilon = Double.ulpOfOne
    var sum = 0.0
    for (i, label) in labels.enumerated() {
        guard label >= 0 && label < probabilities[i].count else {
            throw ClassificationMetricError.labelOutOfRange(position: i, value: label, classCount: probabilities[i].count)
        }
        sum -= Foundation.log(min(max(probabilities[i][label], epsilon), 1 - epsilon))
    }
    return sum / Double(labels.count)
}
