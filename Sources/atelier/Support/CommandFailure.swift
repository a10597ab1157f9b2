import ArgumentParser
import Foundation

/// A mistake in how a command was called that the command finds itself in `run()` (a value out
/// of range, an unknown name): exit status 64, as argument-parser's `ValidationError`
/// (`CommandLineErrors` maps both).
struct UsageFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
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
