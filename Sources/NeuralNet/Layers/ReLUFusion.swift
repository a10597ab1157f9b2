import TensorCore

/// A layer that can apply the `ReLU` after it while it writes its own output.
///
/// A separate ReLU reads and writes the whole activation once more: on cnn3's first block at
/// batch 128 that is 12.8 MB each way, a few percent of an epoch. `Sequential.forward` hands a
/// layer followed by a `ReLU` to `forwardRectified` and gives the ReLU the result as its saved
/// output, so its `backward` (the mask `y > 0`) is unchanged. `max(0, v)` of the value the layer
/// would have written is what the ReLU computes: the fused output is bitwise the unfused one.
protocol RectifyingLayer: Layer {
    /// `max(0, forward(input, training:))`.
    func forwardRectified(_ input: Tensor, training: Bool) -> Tensor
}

extension ReLU {
    /// `max(0, x)` over `values`, in place.
    static func rectify(_ values: inout Tensor) {
        values.withUnsafeMutableBufferPointer { x in
            for i in 0..<x.count { x[i] = Swift.max(x[i], 0) }
        }
    }
}

extension Sequential {
    /// Runs `layers` in order, fusing each `RectifyingLayer` with a `ReLU` right after it, and
    /// with a `MaxPool2D` after that too when there is one (see `RectifiedPooling`).
    static func forward(_ layers: [any Layer], _ input: Tensor, training: Bool) -> Tensor {
        var x = input
        var index = 0
        while index < layers.count {
            if index + 2 < layers.count, let relu = layers[index + 1] as? ReLU, let pool = layers[index + 2] as? MaxPool2D,
               let layer = layers[index] as? any RectifyingLayer {
                x = forwardRectifiedPooled(layer, relu, pool, x, training: training)
                index += 3
            } else if index + 1 < layers.count, let relu = layers[index + 1] as? ReLU, let layer = layers[index] as? any RectifyingLayer {
                x = layer.forwardRectified(x, training: training)
                relu.adopt(output: x)
                index += 2
            } else {
                x = layers[index].forward(x, training: training)
                index += 1
            }
        }
        return x
    }
}
