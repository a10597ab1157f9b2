import Foundation

/// Why a preprocessing step refused its input. Each case says what was expected and what was
/// found, with the row and column of the offending value where there is one.
public enum PreprocessingError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A NaN or infinite value; scalers cannot learn from or apply to it.
    case nonFiniteValue(value: Float, row: Int, column: Int)
    /// The input has another number of features (columns) than the data the estimator was fitted on.
    case featureCountMismatch(expected: Int, found: Int)
    /// There is nothing to fit on.
    case emptyInput(what: String)
    /// A category the encoder did not see when it was fitted.
    case unknownCategory(value: String, position: Int, known: [String])
    /// A class label outside the range a function accepts.
    case labelOutOfRange(label: Int, position: Int, expected: String)
    /// A tensor whose shape does not fit the operation.
    case badShape(expected: String, found: [Int])
    /// A hyper-parameter or argument that cannot work.
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .nonFiniteValue(value, row, column):
            return "\(value) at row \(row), column \(column); expected finite numbers (remove or impute missing values first)"
        case let .featureCountMismatch(expected, found):
            return "the input has \(found) features per row but the estimator was fitted on \(expected)"
        case let .emptyInput(what):
            return "cannot fit on an empty \(what)"
        case let .unknownCategory(value, position, known):
            let shown = known.count > 20 ? known.prefix(20).joined(separator: ", ") + ", ..." : known.joined(separator: ", ")
            return "unknown category '\(value)' at position \(position); the encoder was fitted on [\(shown)] (pass handleUnknown: .ignore to encode it as all zeros)"
        case let .labelOutOfRange(label, position, expected):
            return "label \(label) at position \(position) is out of range; expected \(expected)"
        case let .badShape(expected, found):
            return "expected a tensor of shape \(expected), found \(found)"
        case let .invalidArgument(message):
            return message
        }
    }

    public var errorDescription: String? { description }
}
