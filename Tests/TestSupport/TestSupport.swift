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

    /// The repository root (found from this file's location), for reading `datasets/`.
    public static var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// True when `a` and `b` differ by at most `tolerance` relative to their magnitude (or absolutely below 1).
    public static func isClose(_ a: Double, _ b: Double, tolerance: Double = 1e-5) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(a), abs(b))
    }
}
