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
                    total = MeanSquaredError.differences(count, prediction: p.baseAddress!, target: t.baseAddress!,
                                                         scale: scale, gradient: g)
                }
            }
        }
        return (total / Double(Swift.max(count, 1)), gradient)
    }

    /// Writes `gradient[i] = scale · (prediction[i] - target[i])` and returns `Σ (prediction - target)²`.
    ///
    /// One pass, eight lanes at a time. The squares are summed in Float lanes over blocks of
    /// 1,024 elements and each block's sum is added in Double, so the rounding error stays that
    /// of a 1,024-term Float sum whatever the batch size. (The gradient is the same element-wise
    /// formula as ever; only the loss value's last bits depend on this summation order.)
    static func differences(_ count: Int, prediction p: UnsafePointer<Float>, target t: UnsafePointer<Float>,
                            scale: Float, gradient g: UnsafeMutablePointer<Float>) -> Double {
        typealias Lanes = SIMD8<Float>
        let width = Lanes.scalarCount
        let stride = MemoryLayout<Float>.stride
        var total = 0.0
        var blockStart = 0
        while blockStart < count {
            let blockEnd = Swift.min(count, blockStart + 1024)
            var lanes = Lanes()
            var i = blockStart
            while i + width <= blockEnd {
                let offset = i &* stride
                let d = UnsafeRawPointer(p).loadUnaligned(fromByteOffset: offset, as: Lanes.self)
                    - UnsafeRawPointer(t).loadUnaligned(fromByteOffset: offset, as: Lanes.self)
                UnsafeMutableRawPointer(g).storeBytes(of: scale * d, toByteOffset: offset, as: Lanes.self)
                lanes += d * d
                i &+= width
            }
            var partial = lanes.sum()
            while i < blockEnd {
                let d = p[i] - t[i]
                g[i] = scale * d
                partial += d * d
                i &+= 1
            }
            total += Double(partial)
            blockStart = blockEnd
        }
        return total
    }

    public func validate(targets: Tensor, outputShape: [Int]) throws {
        guard targets.rowLength == outputShape.reduce(1, *) else {
            throw NeuralNetError.invalidData("MSE: targets have \(targets.rowLength) values per sample, the model outputs \(outputShape)")
        }
    }
}
