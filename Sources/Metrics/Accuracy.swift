import Foundation

/// Why a classification metric cannot be computed from its inputs.
public enum ClassificationMetricError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// Predictions and labels differ in length.
    case lengthMismatch(predictions: Int, labels: Int)
    /// A label or prediction is outside `0..<classCount`.
    case labelOutOfRange(position: Int, value: Int, classCount: Int)
    /// Nothing to measure.
    case empty

    public var description: String {
        switch self {
        case let .lengthMismatch(predictions, labels):
            return "\(predictions) predictions but \(labels) labels; expected one prediction per label"
        case let .labelOutOfRange(position, value, classCount):
            return "class \(value) at position \(position) is outside 0..<\(classCount)"
        case .empty:
            return "no predictions to measure"
        }
    }

    public var errorDescription: String? { description }
}

/// Fraction of positions where `predictions` equals `labels`, in [0, 1].
///
/// ```swift
/// try accuracy(predictions: [0, 1, 1], labels: [0, 1, 0])   // 0.666...
/// ```
/// - Throws: `ClassificationMetricError` when the lengths differ or both are empty.
public func accuracy(predictions: [Int], labels: [Int]) throws -> Double {
    guard predictions.count == labels.count else {
        throw ClassificationMetricError.lengthMismatch(predictions: predictions.count, labels: labels.count)
    }
    guard !labels.isEmpty else { throw ClassificationMetricError.empty }
    var correct = 0
    for i in 0..<labels.count where predictions[i] == labels[i] { correct += 1 }
    return Double(correct) / Double(labels.count)
}
