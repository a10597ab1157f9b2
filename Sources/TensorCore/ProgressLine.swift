import Dispatch
import Foundation

/// The toolkit's one self-overwriting status line on stderr, for every long run: training epochs,
/// k-means restarts, t-SNE iterations, study trials.
///
/// It writes only when stderr is a terminal (or when forced on), so logs and pipes stay clean, and
/// at most ten times a second unless an update is marked `force` (a last batch, a finished trial).
/// A reference type, so the loops that report may hold it in a `let` and share it across threads.
public final class ProgressLine: @unchecked Sendable {
    /// True when updates are written.
    public let isEnabled: Bool
    private let lock = NSLock()
    private var lastWrite: UInt64 = 0
    private var wroteSomething = false

    /// - Parameter enabled: force on or off; `nil` means "when stderr is a terminal".
    public init(enabled: Bool? = nil) {
        isEnabled = enabled ?? (isatty(STDERR_FILENO) == 1)
    }

    /// Replaces the line with `text`; skipped when the last write is under 0.1 s old, unless `force`.
    public func update(_ text: String, force: Bool = false) {
        guard isEnabled else { return }
        lock.withLock {
            let now = DispatchTime.now().uptimeNanoseconds
            guard force || !wroteSomething || now - lastWrite > 100_000_000 else { return }
            lastWrite = now
            wroteSomething = true
            FileHandle.standardError.write(Data(("\r" + text + "\u{1B}[K").utf8))
        }
    }

    /// Ends the display: clears the line, or with `keepingLine` leaves its last text and moves to
    /// the next line (the trainer keeps each epoch's summary).
    public func finish(keepingLine: Bool = false) {
        guard isEnabled else { return }
        lock.withLock {
            guard wroteSomething else { return }
            FileHandle.standardError.write(Data((keepingLine ? "\n" : "\r\u{1B}[K").utf8))
            wroteSomething = false
        }
    }

    /// A short duration for the line: `42s`, `3m05s`, `1h02m`.
    public static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
    }
}
