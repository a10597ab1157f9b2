import Foundation
import TensorCore

/// Helpers shared by the test targets.
public enum TestSupport {
    /// A fresh temporary directory, unique per call.
    public static func temporaryDirectory(_ name: String = "atelier-test") -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(name)-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Writes `bytes` to a file called `name` in `directory` and returns its path.
    @discardableResult
    public static func writeFile(_ bytes: [UInt8], named name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    /// Writes UTF-8 `text` to a file called `name` in `directory` and returns its path.
    @discardableResult
    public static func writeFile(_ text: String, named name: String, in directory: URL) throws -> String {
        try writeFile(Array(text.utf8), named: name, in: directory)
    }

    /// The repository root (found from this file's location), for reading `datasets/`.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// True when `a` and `b` differ by at most `tolerance` relative to their magnitude (or absolutely below 1).
    public static func isClose(_ a: Double, _ b: Double, tolerance: Double = 1e-5) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(a), abs(b))
    }

    /// True when the tensors have the same shape and every pair of elements is close.
    public static func isClose(_ a: Tensor, _ b: Tensor, tolerance: Double = 1e-5) -> Bool {
        a.shape == b.shape && zip(a.elements, b.elements).allSatisfy { isClose(Double($0), Double($1), tolerance: tolerance) }
    }

}
