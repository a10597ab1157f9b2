import Foundation
import TensorCore

/// The trainer's view of the toolkit's `ProgressLine`: epoch, batch, rate, ETA and running loss.
extension ProgressLine {
    func update(epoch: Int, epochs: Int, batch: Int, batches: Int, samples: Int, seconds: Double, runningLoss: Double) {
        guard isEnabled else { return }
        let rate = seconds > 0 ? Double(samples) / seconds : 0
        let remaining = batch > 0 ? seconds / Double(batch) * Double(batches - batch) : 0
        update(String(format: "epoch %d/%d  batch %d/%d  %.0f samples/s  ETA %.0fs  loss %.4f",
                      epoch, epochs, batch, batches, rate, remaining, runningLoss),
               force: batch == batches)
    }

    /// Keeps the epoch's last line and moves to the next.
    func finishLine() { finish(keepingLine: true) }
}
