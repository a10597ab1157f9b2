import Foundation

/// A single self-overwriting status line on stderr for long runs (t-SNE iterations, k-means
/// restarts). It is silent unless stderr is a terminal, so logs and pipes stay clean.
public struct ProgressLine: Sendable {
    /// True when updates are written.
    public let isEnabled: Bool

    /// - Parameter enabled: force on or off; `nil` means "when stderr is a terminal".
    public init(enabled: Bool? = nil) {
        isEnabled = enabled ?? (isatty(2) == 1)
    }

    /// Replaces the line with `text`.
    public func update(_ text: String) {
        guard isEnabled else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + text).utf8))
    }

    /// Clears the line.
    public func finish() {
        guard isEnabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
