import TensorCore

/// Mean of squared differences over every element (PyTorch's `MSELoss()`); gradient
/// `2 (prediction - target) / count`.
public struct MeanSquaredError: Loss {
    public init() {}
    public var name: String { "mse" }

    public func evaluate(_ prediction: Tensor, _ target: Tensor) -> (value: Double, gradient: Tensor) {
        precondition(prediction.count == target.count, "MSE: prediction \(prediction.shape) vs target \(target.shape)")
        let count = prediction.count
        var total = 0.0
        let scale = 2 / Float(Swift.max(count, 1))
        let gradient = Tensor.filled(prediction.shape) { g in
            prediction.withUnsafeBufferPointer { p in
                target.withUnsafeBufferPointer { t in
                    var partial: Float = 0
                    for i in 0..<count {
                        let d = p[i] - t[i]
                        g[i] = scale * d
                        partial += d * d
                        if i & 1023 == 1023 { total += Double(partial); partial = 0 }
                    }
                    total += Double(partial)
                }
            }
        }
        return (total / Double(Swift.max(count, 1)), gradient)
    }

    public func validate(targets: Tensor, outputShape: [Int]) throws {
        guard targets.rowLength == outputShape.reduce(1, *) else {
            throw NeuralNetError.invalidData("MSE: targets have \(targets.rowLength) values per sample, the model outputs \(outputShape)")
        }
    }
}
