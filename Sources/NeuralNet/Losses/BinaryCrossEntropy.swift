import Foundation
import TensorCore

/// Binary cross-entropy of 0/1 targets given logits (PyTorch's `BCEWithLogitsLoss`), in the
/// stable form `max(x, 0) - x·y + log(1 + e^-|x|)`; gradient `(σ(x) - y)·w / count`.
///
/// `classWeights` `[negative, positive]` weights each element by its target's class (the
/// per-element `weight` of PyTorch), the mean staying over all elements: weighting the rare
/// class up is how the fraud classifier copes with 0.17 % positives.
public struct BinaryCrossEntropy: Loss {
    public var classWeights: [Float]?

    public init(classWeights: [Float]? = nil) { self.classWeights = classWeights }
    public var name: String { "binary-cross-entropy" }

    public func evaluate(_ prediction: Tensor, _ target: Tensor) -> (value: Double, gradient: Tensor) {
        precondition(prediction.count == target.count, "BCE: prediction \(prediction.shape) vs target \(target.shape)")
        let count = prediction.count
        let negativeWeight = classWeights?[0] ?? 1
        let positiveWeight = classWeights?[1] ?? 1
        var total = 0.0
        let scale = 1 / Float(Swift.max(count, 1))
        let gradient = Tensor.filled(prediction.shape) { g in
            prediction.withUnsafeBufferPointer { x in
                target.withUnsafeBufferPointer { y in
                    for i in 0..<count {
                        let weight = y[i] * positiveWeight + (1 - y[i]) * negativeWeight
                        let v = x[i]
                        let loss = Swift.max(v, 0) - v * y[i] + Foundation.log1p(Foundation.exp(-Swift.abs(v)))
                        total += Double(weight * loss)
                        g[i] = weight * (Sigmoid.logistic(v) - y[i]) * scale
                    }
                }
            }
        }
        return (total / Double(Swift.max(count, 1)), gradient)
    }

    public func correctCount(_ prediction: Tensor, _ target: Tensor) -> Int? {
        var correct = 0
        prediction.withUnsafeBufferPointer { x in
            target.withUnsafeBufferPointer { y in
                for i in 0..<x.count where (x[i] > 0) == (y[i] > 0.5) { correct += 1 }
            }
        }
        return correct
    }

    public func validate(targets: Tensor, outputShape: [Int]) throws {
        guard targets.rowLength == outputShape.reduce(1, *) else {
            throw NeuralNetError.invalidData("BCE: targets have \(targets.rowLength) values per sample, the model outputs \(outputShape)")
        }
        if let bad = targets.elements.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
            throw NeuralNetError.invalidData("BCE target \(bad) is \(targets.elements[bad]); expected a value in [0, 1]")
        }
        if let classWeights, classWeights.count != 2 {
            throw NeuralNetError.invalidData("BCE class weights must be [negative, positive], got \(classWeights.count) values")
        }
    }
}
