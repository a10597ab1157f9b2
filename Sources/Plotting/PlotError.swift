import Foundation

/// Why a figure could not be built or written. Messages name the series, the file or the value at fault and
/// say what was expected and what was found.
public enum PlotError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// A series with no finite point at all (`what` names it, e.g. "line 'train'").
    case emptySeries(String)
    /// Two arrays that must pair up element by element do not.
    case lengthMismatch(String, expected: Int, found: Int)
    case unknownColormap(name: String, known: [String])
    case unsupportedFormat(path: String, found: String)
    /// A parameter out of its domain (e.g. a negative size, a log scale over non-positive data).
    case invalidArgument(String)
    /// Cairo, libpng or the file system refused (`path` may be empty for in-memory work).
    case renderingFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .emptySeries(what):
            return "\(what): no finite values to draw (the series is empty or holds only NaN/infinite values)"
        case let .lengthMismatch(what, expected, found):
            return "\(what): lengths differ: expected \(expected) values, found \(found)"
        case let .unknownColormap(name, known):
            return "unknown colormap '\(name)'; expected one of: \(known.joined(separator: ", "))"
        case let .unsupportedFormat(path, found):
            return "\(path): unsupported output extension '\(found)'; expected .png, .svg or .pdf"
        case let .invalidArgument(message):
            return message
        case let .renderingFailed(path, reason):
            return path.isEmpty ? "rendering failed: \(reason)" : "\(path): cannot write the figure (\(reason))"
        }
    }

    public var errorDescription: String? { description }
}
