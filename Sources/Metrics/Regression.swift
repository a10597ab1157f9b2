import Foundation

/// Why a regression metric cannot be computed from its inputs.
public enum RegressionMetricError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case lengthMismatch(predictions: Int, targets: Int)
    case empty

    public var description: String {
        switch self {
        case let .lengthMismatch(predictions, targets):
            return "\(predictions) predictions but \(targets) targets; expected one prediction per target"
        case .empty:
            return "no predictions to measure"
        }
    }

    public var errorDescription: String? { description }
}

/// Mean of the squared differences (scikit-learn's `mean_squared_error`).
public func meanSquaredError(predictions: [Double], targets: [Double]) throws -> Double {
    try checkRegressionInputs(predictions, targets)
    var sum = 0.0
    for i in targets.indices { sum += (predictions[i] - targets[i]) * (predictions[i] - targets[i]) }
    return sum / Double(targets.count)
}

/// The coefficient of determination `1 - Σ(y - ŷ)² / Σ(y - ȳ)²` (scikit-learn's `r2_score`): 1 for
/// perfect predictions, 0 for predicting the mean, negative for worse. A constant target gives 1
/// when predicted exactly and 0 otherwise, as scikit-learn's `force_finite=True`.
public func r2Score(predictions: [Double], targets: [Double]) throws -> Double {
    try checkRegressionInputs(predictions, targets)
    let mean = targets.reduce(0, +) / Double(targets.count)
    var residual = 0.0, total = 0.0
    for i in targets.indices {
        residual += (targets[i] - predictions[i]) * (targets[i] - predictions[i])
        total += (targets[i] - mean) * (targets[i] - mean)
    }
    if total == 0 { return residual == 0 ? 1 : 0 }
    return 1 - residual / total
}

private func checkRegressionInputs(_ predictions: [Double], _ targets: [Double]) throws {
    guard predictions.count == targets.count else {
        throw RegressionMetricError.lengthMismatch(predictions: predictions.count, targets: targets.count)
    }
    guard !targets.isEmpty else { throw RegressionMetricError.empty }
}
