import Foundation

/// Why a linear model could not be fitted or used. Each message says what was expected and, where
/// there is one, what to do instead.
public enum LinearModelError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// Fewer rows than the exact least squares needs: the solution is not unique.
    case underdetermined(rows: Int, features: Int, intercept: Bool)
    /// `rows` feature rows but `found` targets (or labels, or weights).
    case lengthMismatch(what: String, expected: Int, found: Int)
    /// A fitted model applied to rows with another number of columns.
    case featureCountMismatch(expected: Int, found: Int)
    /// Classification needs at least two classes.
    case singleClass(label: Int)
    /// NaN or infinity in the named input.
    case nonFinite(what: String)
    /// The system to solve is singular (e.g. ridge with alpha 0 on collinear columns).
    case singular(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .underdetermined(rows, features, intercept):
            let needed = features + (intercept ? 1 : 0)
            return "exact least squares needs at least \(needed) rows for \(features) features\(intercept ? " and an intercept" : ""), got \(rows); "
                + "the solution is not unique: use ridge (a penalty makes it unique) or fewer features"
        case let .lengthMismatch(what, expected, found):
            return "\(what): expected \(expected) values (one per row), found \(found)"
        case let .featureCountMismatch(expected, found):
            return "the model was fitted on \(expected) features but the data has \(found) columns"
        case let .singleClass(label):
            return "every label is \(label); classification needs at least two classes"
        case let .nonFinite(what):
            return "\(what) holds NaN or infinite values; expected finite numbers"
        case let .singular(message), let .invalidArgument(message):
            return message
        }
    }

    public var errorDescription: String? { description }
}
