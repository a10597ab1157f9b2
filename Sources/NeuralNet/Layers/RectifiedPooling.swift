import TensorCore

/// A layer, its `ReLU` and a `MaxPool2D` after them run as one: cnn3's and LeNet-5's
/// `Conv2D [BatchNorm2D] ReLU MaxPool2D` blocks.
///
/// With `RectifyingLayer` alone the rectified activation is written once in full, read again by
/// the pooling, and in backward the pooling writes a full-size gradient that the ReLU reads with
/// its saved output and writes once more. Here:
///
/// - **backward**: the pooling applies the ReLU's mask itself. A window's maximum *is* the
///   ReLU's output at the window's winner, so `maximum > 0 ? dy : 0` is the mask there, and
///   every other position gets 0 from both. The ReLU returns what it receives: one full-size
///   pass (read two tensors, write one) less per block. The ReLU keeps no output.
/// - **forward** (`PoolingRectifyingLayer`, batch normalization): each normalized, rectified
///   plane goes to a per-thread buffer of one plane and is pooled from there, so the
///   full-size activation is never written nor read back (12.8 MB each way on cnn3's first
///   block at batch 128). Other rectifying layers write their output and the pooling reads it.
///
/// - **backward** of a batch-norm block: batch normalization takes the pooling's output
///   gradient and expands `dy` plane by plane into a per-thread buffer of one channel (its
///   sums pass writes it, its `dx` pass reads it from cache), so the full-size gradient is not
///   written to memory nor read back either. (Expanding each plane again for the `dx` pass
///   instead cost more than it saved: batch norm backward 11.4 % of a full-epoch profile
///   against 9.4 % for the separate passes before.)
///
/// Every value is computed by the same expressions on the same operands as the three layers
/// run one by one, so outputs and gradients are bitwise theirs (`ReLUFusionTests`).
protocol PoolingRectifyingLayer: RectifyingLayer {
    /// `pool(max(0, forward(input, training:)))`, the pooling's backward masked.
    func forwardRectified(_ input: Tensor, training: Bool, pooledBy pool: MaxPool2D) -> Tensor
}

extension Sequential {
    /// `layers`' backward in reverse order; a batch-norm block whose forward was fused with its
    /// pooling (`pooledBy`, the ReLU and the pooling in their masked state) runs as one.
    static func backward(_ layers: [any Layer], _ outputGradient: Tensor, needsInputGradient: Bool) -> Tensor {
        var gradient = outputGradient
        var index = layers.count - 1
        while index >= 0 {
            if index >= 2, let pool = layers[index] as? MaxPool2D, pool.masksRectifiedGradient,
               let relu = layers[index - 1] as? ReLU, relu.isMaskedByPooling,
               let normalization = layers[index - 2] as? BatchNormalization, normalization.pooledBy === pool {
                gradient = normalization.backward(pooledGradient: gradient, pool: pool, needsInputGradient: index > 2 || needsInputGradient)
                index -= 3
            } else {
                gradient = layers[index].backward(gradient, needsInputGradient: index > 0 || needsInputGradient)
                index -= 1
            }
        }
        return gradient
    }

    /// The fused `layer, relu, pool` forward (see `RectifiedPooling`).
    static func forwardRectifiedPooled(_ layer: any RectifyingLayer, _ relu: ReLU, _ pool: MaxPool2D,
                                       _ input: Tensor, training: Bool) -> Tensor {
        let output: Tensor
        if let pooling = layer as? any PoolingRectifyingLayer, input.shape.count == 4 {
            output = pooling.forwardRectified(input, training: training, pooledBy: pool)
        } else {
            output = pool.forwardRectified(layer.forwardRectified(input, training: training))
        }
        relu.adoptMaskedByPooling()
        return output
    }
}
