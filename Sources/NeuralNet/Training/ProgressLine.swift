import Foundation

/// The one-line progress display on stderr (`\r`-rewritten): epoch, batch, rate, ETA and
/// running loss. It writes only when stderr is a terminal, so logs and pipes stay clean, and
/// at most ten times a second.
struct ProgressLine {
    let enabled: Bool
    private var lastWrite: UInt64 = 0
    private var wroteSomething = false

    init(enabled: Bool?) {
        self.enabled = enabled ?? (isatty(STDERR_FILENO) == 1)
    }

    mutating func update(epoch: Int, epochs: Int, batch: Int, batches: Int, samples: Int, seconds: Double, runningLoss: Double) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard batch == batches || now - lastWrite > 100_000_000 else { return }
        lastWrite = now
        let rate = seconds > 0 ? Double(samples) / seconds : 0
        let remaining = batch > 0 ? seconds / Double(batch) * Double(batches - batch) : 0
        let text = String(format: "\repoch %d/%d  batch %d/%d  %.0f samples/s  ETA %.0fs  loss %.4f\u{1B}[K",
                          epoch, epochs, batch, batches, rate, remaining, runningLoss)
        FileHandle.standardError.write(Data(text.utf8))
        wroteSomething = true
    }

    mutating func finishLine() {
        guard enabled, wroteSomething else { return }
        FileHandle.standardError.write(Data("\n".utf8))
        wroteSomething = false
    }
}
