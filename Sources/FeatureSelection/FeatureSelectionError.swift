import Foundation

/// Why relevance scores could not be computed. Messages say what was expected and what was found.
public enum FeatureSelectionError: Error, Equatable, CustomStringConvertible, LocalizedError {
    case lengthMismatch(values: Int, labels: Int)
    case labelNotBinary(index: Int, value: Int)
    case singleClass(label: Int)
    case notFinite(feature: String, row: Int)
    case invalidK(k: Int, featureCount: Int)
    case unknownScore(String)

    public var description: String {
        switch self {
        case let .lengthMismatch(values, labels):
            return "\(values) feature rows but \(labels) labels; expected one label per row"
        case let .labelNotBinary(index, value):
            return "label \(value) at row \(index) is not a class label; expected 0 or 1"
        case let .singleClass(label):
            return "every label is \(label); relevance scores need both classes 0 and 1"
        case let .notFinite(feature, row):
            return "feature '\(feature)' has a NaN or infinite value at row \(row); expected finite numbers"
        case let .invalidK(k, count):
            return "cannot select k = \(k) features out of \(count); expected 1...\(count)"
        case let .unknownScore(name):
            return "unknown relevance score '\(name)'; expected one of \(RelevanceScore.allCases.map(\.rawValue).joined(separator: ", "))"
        }
    }

    public var errorDescription: String? { description }
}

/// Checks labels are 0/1, one per row, with both classes present.
func validateBinaryLabels(_ labels: [Int], rowCount: Int) throws {
    guard labels.count == rowCount else { throw FeatureSelectionError.lengthMismatch(values: rowCount, labels: labels.count) }
    var seen = [false, false]
    for (i, label) in labels.enumerated() {
        guard label == 0 || label == 1 else { throw FeatureSelectionError.labelNotBinary(index: i, value: label) }
        seen[label] = true
    }
    if !seen[0] || !seen[1] { throw FeatureSelectionError.singleClass(label: seen[0] ? 0 : 1) }
}
