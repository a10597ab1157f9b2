import Foundation

/// Why a study figure cannot be drawn: each says what the figure needed and what the study has.
public enum StudyViewsError: Error, Equatable, CustomStringConvertible {
    /// The kind draws objective values and the study has no completed trial with a finite value
    /// (or none passes the value filter).
    case noCompletedTrials(study: String, kind: StudyPlotKind, filter: String?)
    /// The kind needs at least `needed` parameters; `found` are the ones the study (or `--params`) gave.
    case tooFewParameters(kind: StudyPlotKind, needed: Int, found: [String])
    /// A parameter was asked for that no trial of the study has.
    case unknownParameter(String, known: [String])
    /// The study has nothing this kind can show (no trial with intermediate values, no durations...).
    case nothingToDraw(study: String, kind: StudyPlotKind, reason: String)
    /// The options contradict themselves (a minimum above the maximum).
    case invalidOptions(String)

    public var description: String {
        switch self {
        case let .noCompletedTrials(study, kind, filter):
            return "study \"\(study)\": the \(kind.rawValue) figure needs at least one completed trial with a finite value"
                + (filter.map { " where \($0)" } ?? "") + ", found none"
        case let .tooFewParameters(kind, needed, found):
            return "the \(kind.rawValue) figure needs at least \(needed) parameters, found \(found.count)"
                + (found.isEmpty ? "" : " (\(found.joined(separator: ", ")))")
        case let .unknownParameter(name, known):
            return "no parameter named '\(name)' in the study; its parameters are "
                + (known.isEmpty ? "none" : known.joined(separator: ", "))
        case let .nothingToDraw(study, kind, reason):
            return "study \"\(study)\": nothing to draw as \(kind.rawValue): \(reason)"
        case let .invalidOptions(message):
            return message
        }
    }
}
