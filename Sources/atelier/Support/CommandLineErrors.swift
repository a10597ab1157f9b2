import ArgumentParser
import Datasets
import Foundation

/// The one mapping from errors to messages and exit statuses for the whole tool
/// (CONVENTIONS.md, "Errors and exit codes").
///
/// - 64 (`EX_USAGE`): argument-parser's parse errors, every `ValidationError` and `UsageFailure`, wherever thrown:
///   an unknown flag, a value out of range, an unknown name for an option, a missing option.
/// - 1: everything else: unreadable or malformed data, an unwritable output, a failed report.
/// - 0: `--help` and `--version`, printed by argument-parser as usual.
///
/// A message is one line on stderr, `atelier: error: ` then the error's own text, which names the
/// file (with line or offset) or the flag, and what was expected.
enum CommandLineErrors {
    static let usageStatus: Int32 = 64
    static let dataStatus: Int32 = 1

    /// The exit status of `error`.
    static func status(for error: Error) -> Int32 {
        if error is UsageFailure { return usageStatus }
        return Atelier.exitCode(for: error).rawValue
    }

    /// The one-line message of `error`, without a prefix.
    static func message(for error: Error) -> String {
        let text = Atelier.message(for: error)
        return text.split(separator: "\n", omittingEmptySubsequences: true).joined(separator: " ")
    }

    /// Prints `error` the convention's way and exits with its status.
    static func exit(with error: Error) -> Never {
        let status = status(for: error)
        // Help and version requests, and bare exit codes, are argument-parser's to print.
        if status == 0 || Atelier.message(for: error).isEmpty { Atelier.exit(withError: error) }
        FileHandle.standardError.write(Data("atelier: error: \(message(for: error))\n".utf8))
        Foundation.exit(status)
    }

    /// argument-parser reads `-3` after `--k` as a short option, not a value ("Missing value for
    /// '--k'"). Joining a negative number to the long option before it (`--k=-3`) makes it a
    /// value, so it reaches the command's range check like any other number. Applied to the whole
    /// command line, it covers every option of every command, present and future; `--`
    /// ends it, and nothing else is touched (Atelier has no short options made of digits).
    static func joiningNegativeNumbers(_ arguments: [String]) -> [String] {
        var result: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            if argument == "--" { result += arguments[index...]; break }
            if argument.hasPrefix("--"), !argument.contains("="), index + 1 < arguments.count,
               isNegativeNumber(arguments[index + 1]) {
                result.append(argument + "=" + arguments[index + 1])
                index += 2
                continue
            }
            result.append(argument)
            index += 1
        }
        return result
    }

    /// `-3`, `-0.5`, `-.5`, `-1e-3`, `-inf`: text argument-parser would take for an option.
    static func isNegativeNumber(_ text: String) -> Bool {
        guard text.hasPrefix("-"), text.count > 1 else { return false }
        let rest = text.dropFirst()
        return Double(rest) != nil && !rest.hasPrefix("-")
    }
}
