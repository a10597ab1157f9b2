import TensorCore

/// Batch normalization, ReLU and 2×2/2 max pooling of one plane in one pass over its input
/// (`RectifiedPooling`'s batch-norm block with the common window).
///
/// The general fused path normalizes a plane into a one-plane buffer and pools from there; here
/// the two input rows of a window row are loaded, normalized and rectified in registers and
/// compared at once, so the plane is read once and only the pooled values and winners are
/// written. The last vector of a row overlaps the one before it (it rewrites a few windows with
/// the same values) instead of leaving them to scalar code: cnn3's 28, 14 and 7 wide maps have
/// 14, 7 and 3 windows per row. Every element is `max(0, γ·((x - mean)·scale) + β)`, the
/// expressions of `BatchNormKernels.normalize`, and the comparisons are `forwardPairs`'s (ties
/// keep the first of top-left, top-right, bottom-left, bottom-right), so the output and winners
/// are bitwise those of the layers one by one.
enum NormalizedPairPooling {
    @inline(__always)
    static func pool(_ x: UnsafePointer<Float>, inputWidth: Int, outputHeight: Int, outputWidth: Int,
                     mean: Float, scale: Float, gamma: Float, beta: Float,
                     output: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>) {
        let raw = UnsafeRawPointer(x)
        for oh in 0..<outputHeight {
            let top = (2 &* oh) &* inputWidth
            let bottom = top &+ inputWidth
            let out = output + oh &* outputWidth
            let win = winners + oh &* outputWidth
            if outputWidth >= 8 {
                let (m, s, g, b) = (SIMD16<Float>(repeating: mean), SIMD16<Float>(repeating: scale),
                                    SIMD16<Float>(repeating: gamma), SIMD16<Float>(repeating: beta))
                let lanes = SIMD8<Int32>(0, 2, 4, 6, 8, 10, 12, 14)
                var ow = 0
                while true {
                    if ow &+ 8 > outputWidth { ow = outputWidth &- 8 }
                    var upper = g * ((raw.loadUnaligned(fromByteOffset: (top &+ 2 &* ow) &* 4, as: SIMD16<Float>.self) - m) * s) + b
                    var lower = g * ((raw.loadUnaligned(fromByteOffset: (bottom &+ 2 &* ow) &* 4, as: SIMD16<Float>.self) - m) * s) + b
                    upper.replace(with: 0, where: upper .<= 0)
                    lower.replace(with: 0, where: lower .<= 0)
                    let (a, bb, c, d) = (upper.evenHalf, upper.oddHalf, lower.evenHalf, lower.oddHalf)
                    let topBest = a.replacing(with: bb, where: bb .> a)
                    var topIndex = lanes &+ Int32(truncatingIfNeeded: top &+ 2 &* ow)
                    topIndex.replace(with: topIndex &+ 1, where: bb .> a)
                    let bottomBest = c.replacing(with: d, where: d .> c)
                    var bottomIndex = lanes &+ Int32(truncatingIfNeeded: bottom &+ 2 &* ow)
                    bottomIndex.replace(with: bottomIndex &+ 1, where: d .> c)
                    let lowerWins = bottomBest .> topBest
                    topIndex.replace(with: bottomIndex, where: lowerWins)
                    UnsafeMutableRawPointer(out + ow).storeBytes(of: topBest.replacing(with: bottomBest, where: lowerWins), as: SIMD8<Float>.self)
                    UnsafeMutableRawPointer(win + ow).storeBytes(of: topIndex, as: SIMD8<Int32>.self)
                    ow &+= 8
                    if ow >= outputWidth { break }
                }
            } else if outputWidth >= 4 {
                let (m, s, g, b) = (SIMD8<Float>(repeating: mean), SIMD8<Float>(repeating: scale),
                                    SIMD8<Float>(repeating: gamma), SIMD8<Float>(repeating: beta))
                let lanes = SIMD4<Int32>(0, 2, 4, 6)
                var ow = 0
                while true {
                    if ow &+ 4 > outputWidth { ow = outputWidth &- 4 }
                    var upper = g * ((raw.loadUnaligned(fromByteOffset: (top &+ 2 &* ow) &* 4, as: SIMD8<Float>.self) - m) * s) + b
                    var lower = g * ((raw.loadUnaligned(fromByteOffset: (bottom &+ 2 &* ow) &* 4, as: SIMD8<Float>.self) - m) * s) + b
                    upper.replace(with: 0, where: upper .<= 0)
                    lower.replace(with: 0, where: lower .<= 0)
                    let (a, bb, c, d) = (upper.evenHalf, upper.oddHalf, lower.evenHalf, lower.oddHalf)
                    let topBest = a.replacing(with: bb, where: bb .> a)
                    var topIndex = lanes &+ Int32(truncatingIfNeeded: top &+ 2 &* ow)
                    topIndex.replace(with: topIndex &+ 1, where: bb .> a)
                    let bottomBest = c.replacing(with: d, where: d .> c)
                    var bottomIndex = lanes &+ Int32(truncatingIfNeeded: bottom &+ 2 &* ow)
                    bottomIndex.replace(with: bottomIndex &+ 1, where: d .> c)
                    let lowerWins = bottomBest .> topBest
                    topIndex.replace(with: bottomIndex, where: lowerWins)
                    UnsafeMutableRawPointer(out + ow).storeBytes(of: topBest.replacing(with: bottomBest, where: lowerWins), as: SIMD4<Float>.self)
                    UnsafeMutableRawPointer(win + ow).storeBytes(of: topIndex, as: SIMD4<Int32>.self)
                    ow &+= 4
                    if ow >= outputWidth { break }
                }
            } else {
                @inline(__always) func value(_ i: Int) -> Float { Swift.max(gamma * ((x[i] - mean) * scale) + beta, 0) }
                for ow in 0..<outputWidth {
                    let left = top &+ 2 &* ow
                    let (a, b, c, d) = (value(left), value(left &+ 1), value(left &+ inputWidth), value(left &+ inputWidth &+ 1))
                    let topBest = b > a ? b : a
                    let topIndex = b > a ? left &+ 1 : left
                    let bottomBest = d > c ? d : c
                    let bottomIndex = d > c ? left &+ inputWidth &+ 1 : left &+ inputWidth
                    out[ow] = bottomBest > topBest ? bottomBest : topBest
                    win[ow] = Int32(truncatingIfNeeded: bottomBest > topBest ? bottomIndex : topIndex)
                }
            }
        }
    }
}
