import TensorCore

/// Batch normalization, ReLU and 2×2/2 max pooling of one plane in one pass over its input
/// (`RectifiedPooling`'s batch-norm block with the common window).
///
/// The general fused path normalizes a plane into a one-plane buffer and pools from there; here
/// the two input rows of a run of windows are loaded, normalized and rectified in registers and
/// compared at once (`PairWindows`), so the plane is read once and only the pooled values and
/// winners are written. Every element is `max(0, γ·((x - mean)·scale) + β)`, the expressions of
/// `BatchNormKernels.normalize`, and the comparisons are those of plain pooling, so the output
/// and winners are bitwise those of the layers one by one.
enum NormalizedPairPooling {
    @inline(__always)
    static func pool(_ x: UnsafePointer<Float>, inputWidth: Int, outputHeight: Int, outputWidth: Int,
                     mean: Float, scale: Float, gamma: Float, beta: Float,
                     output: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>) {
        let (m16, s16, g16, b16) = (SIMD16<Float>(repeating: mean), SIMD16<Float>(repeating: scale),
                                    SIMD16<Float>(repeating: gamma), SIMD16<Float>(repeating: beta))
        let (m8, s8, g8, b8) = (SIMD8<Float>(repeating: mean), SIMD8<Float>(repeating: scale),
                                SIMD8<Float>(repeating: gamma), SIMD8<Float>(repeating: beta))
        PairWindows.pool(x, inputWidth: inputWidth, outputHeight: outputHeight, outputWidth: outputWidth,
                         output: output, winners: winners,
                         wide: { var y = g16 * (($0 - m16) * s16) + b16; y.replace(with: 0, where: y .<= 0); return y },
                         narrow: { var y = g8 * (($0 - m8) * s8) + b8; y.replace(with: 0, where: y .<= 0); return y },
                         single: { Swift.max(gamma * (($0 - mean) * scale) + beta, 0) })
    }
}
