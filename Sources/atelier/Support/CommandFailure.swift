import ArgumentParser
import Foundation

/// A mistake in how a command was called that the command finds itself (a value out of range, a
/// flag that does not fit the data): exit status 64, as ArgumentParser's own usage errors.
struct UsageFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Runs a command's body and reports any error the convention's way (CONVENTIONS.md): one line
/// `atelier: error: ...` on stderr, exit 64 for a `UsageFailure`, 1 for anything else (data and
/// runtime errors, whose messages already name the file or flag).
func reportingFailures(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let exit as ExitCode {
        throw exit
    } catch let usage as UsageFailure {
        Output.note("atelier: error: \(usage.description)")
        throw ExitCode(64)
    } catch {
        let message = (error as? LocalizedError)?.errorDescription ?? String(describing: error)
        Output.note("atelier: error: \(message)")
        throw ExitCode(1)
    }
}

extension OutputCheck {
    /// An output file that must end in one of `extensions` (usage error otherwise), then as
    /// `file(_:flag:)`: not a folder, in a folder that accepts a new file.
    static func file(_ path: String, flag: String, extensions: [String]) throws {
        let url = URL(fileURLWithPath: path)
        guard extensions.contains(url.pathExtension.lowercased()) else {
            throw UsageFailure("\(flag) must name a \(extensions.map { "." + $0 }.joined(separator: ", ")) file, got '\(path)'")
        }
        try file(path, flag: flag)
    }
}
