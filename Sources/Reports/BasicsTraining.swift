import Foundation
import NeuralNet
import TensorCore

/// Small-network training for the basics report: a `Trainer` run that keeps the per-epoch losses
/// even when the loss stops being finite (the divergence figure needs the curve up to that point),
/// and the probabilities and accuracy a decision-region figure needs.
enum BasicsTraining {
    /// One training run.
    struct Run {
        var history: TrainingHistory
        /// Epoch and batch where the loss became NaN or infinite, if it did.
        var nonFinite: (epoch: Int, batch: Int)?
        var seconds: Double
    }

    /// Trains `network` in place; a non-finite loss ends training and is recorded, not thrown.
    static func train(_ network: Sequential, inputs: Tensor, targets: Tensor, epochs: Int, batchSize: Int, loss: any Loss,
                      optimizer: any Optimizer, seed: UInt64, validation: (inputs: Tensor, targets: Tensor)? = nil) throws -> Run {
        final class Records { var values: [EpochRecord] = [] }
        let records = Records()
        let trainer = Trainer(epochs: epochs, batchSize: batchSize, loss: loss, optimizer: optimizer, seed: seed,
                              showsProgress: false) { records.values.append($0) }
        let start = Date()
        do {
            let history = try trainer.fit(network, inputs: inputs, targets: targets, validation: validation)
            return Run(history: history, nonFinite: nil, seconds: Date().timeIntervalSince(start))
        } catch NeuralNetError.nonFiniteLoss(let epoch, let batch, _) {
            var history = TrainingHistory()
            history.records = records.values
            return Run(history: history, nonFinite: (epoch, batch), seconds: Date().timeIntervalSince(start))
        }
    }

    /// Softmax probabilities of a classifier's logits, `[n][classes]`.
    static func probabilities(_ network: Sequential, _ x: Tensor) -> [[Double]] {
        let logits = network.predict(x)
        let k = logits.rowLength
        return logits.withUnsafeBufferPointer { z in
            (0..<logits.rowCount).map { row in
                var top = -Double.infinity
                for c in 0..<k { top = max(top, Double(z[row * k + c])) }
                let e = (0..<k).map { Foundation.exp(Double(z[row * k + $0]) - top) }
                let total = e.reduce(0, +)
                return e.map { $0 / total }
            }
        }
    }

    /// Fraction of rows whose largest logit is the label.
    static func accuracy(_ network: Sequential, _ x: Tensor, _ labels: [Int]) -> Double {
        let predicted = network.predict(x).argmax(axis: 1)
        return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(max(labels.count, 1))
    }

    /// Grid points as an `[n, 2]` tensor.
    static func points(_ xs: [Double], _ ys: [Double]) -> Tensor {
        var elements = [Float](repeating: 0, count: xs.count * 2)
        for i in xs.indices { elements[2 * i] = Float(xs[i]); elements[2 * i + 1] = Float(ys[i]) }
        return Tensor(shape: [xs.count, 2], elements: elements)
    }

    /// The two columns of an `[n, 2]` tensor as Doubles.
    static func columns(_ x: Tensor) -> (x: [Double], y: [Double]) {
        ((0..<x.rowCount).map { Double(x[$0, 0]) }, (0..<x.rowCount).map { Double(x[$0, 1]) })
    }
}
