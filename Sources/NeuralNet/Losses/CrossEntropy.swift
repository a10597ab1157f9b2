import Foundation
import TensorCore

/// Cross-entropy of class indices given raw scores (logits), through a stable log-softmax
/// (PyTorch's `CrossEntropyLoss`). Targets are `[batch]` class indices (`Tensor(classIndices:)`).
///
/// With `classWeights` w the loss is `Σ w[yᵢ]·(-log pᵢ[yᵢ]) / Σ w[yᵢ]`, PyTorch's weighted mean,
/// useful for imbalanced data such as fraud. Gradient: `w[yᵢ]·(softmax - onehot) / Σ w[yᵢ]`.
///
/// With `labelSmoothing` ε (Szegedy et al. 2016) the target is `(1 - ε)·onehot + ε/C`, which
/// keeps the network from driving its logits apart without end. As PyTorch's
/// `label_smoothing`: `loss = (1 - ε)·nll + ε/C · Σᵢ Σⱼ w[j]·(-log pᵢⱼ) / Σ w[yᵢ]`.
public struct CrossEntropy: Loss {
    public var classWeights: [Float]?
    /// ε in [0, 1): the probability mass spread evenly over all classes.
    public var labelSmoothing: Float

    public init(classWeights: [Float]? = nil, labelSmoothing: Float = 0) {
        precondition(labelSmoothing >= 0 && labelSmoothing < 1, "label smoothing must be in [0, 1), got \(labelSmoothing)")
        self.classWeights = classWeights
        self.labelSmoothing = labelSmoothing
    }
    public var name: String { "cross-entropy" }

    public func evaluate(_ prediction: Tensor, _ target: Tensor) -> (value: Double, gradient: Tensor) {
        let batch = prediction.rowCount
        let classes = prediction.rowLength
        precondition(target.count == batch, "cross-entropy: \(batch) predictions vs \(target.count) targets")
        var weights = [Float](repeating: 1, count: batch)
        if let classWeights {
            target.withUnsafeBufferPointer { t in for i in 0..<batch { weights[i] = classWeights[Int(t[i])] } }
        }
        let weightTotal = weights.reduce(0, +)
        let normaliser = weightTotal > 0 ? 1 / weightTotal : 0
        var total = 0.0
        let smoothing = labelSmoothing
        let classWeight = classWeights ?? [Float](repeating: 1, count: classes)
        let classWeightTotal = classWeight.reduce(0, +)
        let gradient = Tensor.filled(prediction.shape) { g in
            prediction.withUnsafeBufferPointer { x in
                target.withUnsafeBufferPointer { t in
                    for row in 0..<batch {
                        let base = row * classes
                        var largest = -Float.infinity
                        for j in 0..<classes { largest = Swift.max(largest, x[base + j]) }
                        var sum: Float = 0
                        for j in 0..<classes {
                            let e = Foundation.exp(x[base + j] - largest)
                            g[base + j] = e
                            sum += e
                        }
                        let label = Int(t[row])
                        let logSum = largest + Foundation.log(sum)
                        let logProbability = x[base + label] - logSum
                        if smoothing == 0 {
                            total += Double(weights[row] * -logProbability)
                            let scale = weights[row] * normaliser / sum
                            for j in 0..<classes { g[base + j] *= scale }
                            g[base + label] -= weights[row] * normaliser
                        } else {
                            // (1-ε)·w[y]·(-log p_y) + ε/C·Σⱼ w[j]·(-log pⱼ); d/dxⱼ of Σ_k w[k]·(-log p_k)
                            // is pⱼ·Σw - w[j].
                            var smooth: Float = 0
                            for j in 0..<classes { smooth += classWeight[j] * (logSum - x[base + j]) }
                            total += Double((1 - smoothing) * weights[row] * -logProbability + smoothing / Float(classes) * smooth)
                            let share = smoothing / Float(classes)
                            for j in 0..<classes {
                                let p = g[base + j] / sum
                                g[base + j] = ((1 - smoothing) * weights[row] * p + share * (p * classWeightTotal - classWeight[j])) * normaliser
                            }
                            g[base + label] -= (1 - smoothing) * weights[row] * normaliser
                        }
                    }
                }
            }
        }
        return (total * Double(normaliser), gradient)
    }

    public func correctCount(_ prediction: Tensor, _ target: Tensor) -> Int? {
        let predicted = prediction.argmax(axis: 1)
        var correct = 0
        target.withUnsafeBufferPointer { t in for i in 0..<predicted.count where predicted[i] == Int(t[i]) { correct += 1 } }
        return correct
    }

    public func validate(targets: Tensor, outputShape: [Int]) throws {
        guard outputShape.count == 1 else {
            throw NeuralNetError.invalidData("cross-entropy needs one score per class, the model outputs \(outputShape) per sample")
        }
        let classes = outputShape[0]
        guard targets.rowLength == 1 else {
            throw NeuralNetError.invalidData("cross-entropy targets must be one class index per sample, found shape \(targets.shape)")
        }
        if let bad = targets.elements.firstIndex(where: { !($0 >= 0 && $0 < Float(classes) && $0 == $0.rounded()) }) {
            throw NeuralNetError.invalidData("cross-entropy target \(bad) is \(targets.elements[bad]); expected a class index in 0..<\(classes)")
        }
        if let classWeights, classWeights.count != classes {
            throw NeuralNetError.invalidData("cross-entropy has \(classWeights.count) class weights for \(classes) classes")
        }
    }
}
