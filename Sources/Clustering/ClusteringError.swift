import Foundation

/// Why a clustering, metric or embedding could not be computed. Each message names what was
/// expected and what was found, so that it alone tells a user what to change.
public enum ClusteringError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The data is not a `[samples, features]` matrix with at least one sample and one feature.
    case notAMatrix(shape: [Int])
    /// A NaN or infinite value at `row`, `column` (0-based).
    case nonFiniteValue(row: Int, column: Int, value: Float)
    /// More clusters were asked for than there are points (or distinct points).
    case tooFewPoints(requested: Int, available: Int, what: String)
    /// Labels and data disagree on the number of samples.
    case labelCountMismatch(expected: Int, found: Int)
    /// Silhouette needs between 2 and n - 1 clusters.
    case invalidClusterCount(found: Int, sampleCount: Int)
    /// A hyper-parameter outside its valid range.
    case invalidParameter(name: String, value: String, expected: String)
    /// The data has no variance at all (every column constant).
    case noVariance(columns: Int)
    /// A LAPACK routine reported failure.
    case numericalFailure(String)

    public var description: String {
        switch self {
        case let .notAMatrix(shape):
            return "expected a [samples, features] matrix with at least one sample and one feature, found shape \(shape)"
        case let .nonFiniteValue(row, column, value):
            return "row \(row + 1), column \(column + 1): expected a finite number, found \(value)"
        case let .tooFewPoints(requested, available, what):
            return "\(requested) clusters requested but the data has only \(available) \(what); expected at most \(available) clusters"
        case let .labelCountMismatch(expected, found):
            return "expected one label per sample (\(expected)), found \(found) labels"
        case let .invalidClusterCount(found, sampleCount):
            return "the silhouette needs between 2 and \(max(2, sampleCount - 1)) clusters (n - 1), found \(found) distinct label\(found == 1 ? "" : "s") among \(sampleCount) samples"
        case let .invalidParameter(name, value, expected):
            return "\(name) = \(value) is invalid; expected \(expected)"
        case let .noVariance(columns):
            return "all \(columns) columns are constant: there is no variance to decompose; expected at least one column that varies"
        case let .numericalFailure(message):
            return message
        }
    }

    public var errorDescription: String? { description }
}
