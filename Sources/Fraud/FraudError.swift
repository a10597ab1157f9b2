import Foundation

/// Why a credit-card file or a fraud workflow step was rejected. Every case names the file (and
/// line/column where there is one) and says what was expected and what was found.
public enum FraudError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The header does not hold the Kaggle columns.
    case wrongSchema(path: String, missing: [String], unexpected: [String], duplicated: [String])
    /// A Class cell that is not 0 or 1.
    case classNotBinary(path: String, line: Int, found: String)
    /// A NaN cell (the Kaggle file has none).
    case missingValue(path: String, line: Int, column: String)
    /// Too few frauds or legit rows for the requested step.
    case notEnoughRows(String)
    case invalidArgument(String)

    public var description: String {
        switch self {
        case let .wrongSchema(path, missing, unexpected, duplicated):
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing column\(missing.count == 1 ? "" : "s") \(missing.joined(separator: ", "))") }
            if !unexpected.isEmpty { parts.append("unexpected column\(unexpected.count == 1 ? "" : "s") \(unexpected.joined(separator: ", "))") }
            if !duplicated.isEmpty { parts.append("duplicated column\(duplicated.count == 1 ? "" : "s") \(duplicated.joined(separator: ", "))") }
            return "\(path):1: wrong schema: \(parts.joined(separator: "; ")); expected the 31 Kaggle creditcard.csv columns Time, V1..V28, Amount, Class"
        case let .classNotBinary(path, line, found):
            return "\(path):\(line): column Class: found \(found); expected 0 or 1"
        case let .missingValue(path, line, column):
            return "\(path):\(line): column \(column): NaN; expected a number (the Kaggle file has no missing values)"
        case let .notEnoughRows(message), let .invalidArgument(message):
            return message
        }
    }

    public var errorDescription: String? { description }
}
