/// Two input rows' worth of 2×2/2 pooling windows in one vector: even lanes hold the windows'
/// left columns, odd lanes their right ones. `SIMD16<Float>` holds eight windows, `SIMD8<Float>`
/// four (rows of 4-7 windows, e.g. cnn3's 14-wide map).
///
/// The window comparison is written once per concrete vector type on purpose: Swift resolves
/// SIMD operators (`.>`, `replacing(with:where:)`, `&+`) statically, and in a generic context it
/// picks the protocol's lane-by-lane versions. A single generic body compiled to per-lane
/// compares through the stack and made a LeNet-5 epoch 0.41 → 0.65 s (measured, session 8).
/// Only the row walk (`PairWindows.rows`: loads, stores, offsets) is generic.
protocol PairWindowLanes: SIMD where Scalar == Float {
    /// One value per window.
    associatedtype Windows: SIMD where Windows.Scalar == Float
    /// One winner index per window.
    associatedtype Winners: SIMD where Winners.Scalar == Int32
    /// The maximum of each window of the rows `upper` (starting at flat index `top`) and
    /// `lower` (at `bottom`), and its flat index; ties keep the first of top-left, top-right,
    /// bottom-left, bottom-right.
    static func windows(upper: Self, lower: Self, top: Int, bottom: Int) -> (maxima: Windows, winners: Winners)
}

extension SIMD16: PairWindowLanes where Scalar == Float {
    @inline(__always)
    static func windows(upper: SIMD16<Float>, lower: SIMD16<Float>, top: Int, bottom: Int) -> (maxima: SIMD8<Float>, winners: SIMD8<Int32>) {
        let lanes = SIMD8<Int32>(0, 2, 4, 6, 8, 10, 12, 14)
        let (a, b, c, d) = (upper.evenHalf, upper.oddHalf, lower.evenHalf, lower.oddHalf)
        let topBest = a.replacing(with: b, where: b .> a)
        var topIndex = lanes &+ Int32(truncatingIfNeeded: top)
        topIndex.replace(with: topIndex &+ 1, where: b .> a)
        let bottomBest = c.replacing(with: d, where: d .> c)
        var bottomIndex = lanes &+ Int32(truncatingIfNeeded: bottom)
        bottomIndex.replace(with: bottomIndex &+ 1, where: d .> c)
        let lowerWins = bottomBest .> topBest
        topIndex.replace(with: bottomIndex, where: lowerWins)
        return (topBest.replacing(with: bottomBest, where: lowerWins), topIndex)
    }
}

extension SIMD8: PairWindowLanes where Scalar == Float {
    @inline(__always)
    static func windows(upper: SIMD8<Float>, lower: SIMD8<Float>, top: Int, bottom: Int) -> (maxima: SIMD4<Float>, winners: SIMD4<Int32>) {
        let lanes = SIMD4<Int32>(0, 2, 4, 6)
        let (a, b, c, d) = (upper.evenHalf, upper.oddHalf, lower.evenHalf, lower.oddHalf)
        let topBest = a.replacing(with: b, where: b .> a)
        var topIndex = lanes &+ Int32(truncatingIfNeeded: top)
        topIndex.replace(with: topIndex &+ 1, where: b .> a)
        let bottomBest = c.replacing(with: d, where: d .> c)
        var bottomIndex = lanes &+ Int32(truncatingIfNeeded: bottom)
        bottomIndex.replace(with: bottomIndex &+ 1, where: d .> c)
        let lowerWins = bottomBest .> topBest
        topIndex.replace(with: bottomIndex, where: lowerWins)
        return (topBest.replacing(with: bottomBest, where: lowerWins), topIndex)
    }
}

/// 2×2/2 max pooling of one plane, the winner stored as its flat input index, shared by plain
/// pooling (`MaxPoolingEngine.forwardPairs`) and the fused batch-norm block
/// (`NormalizedPairPooling`), which differ only in the values they compare.
///
/// A run of windows is two vector loads (one per input row), lane compares and selects: no
/// branches (random data made the branchy version mispredict about every other window) and no
/// call (the generic `pointwiseMax` was not inlined). The last run of a row overlaps the one
/// before it, rewriting a few windows with the same values, instead of leaving them to scalar
/// code: cnn3's 28-, 14- and 7-wide maps have 14, 7 and 3 windows per row. Ties keep the first
/// maximum in the order top-left, top-right, bottom-left, bottom-right (a later one must be
/// strictly larger), as the general path; every window gets the same value and winner whichever
/// run computes it.
enum PairWindows {
    /// Pools a plane whose input values are `value(x[i])` (`value` is applied to whole runs, or
    /// to single elements in rows of fewer than four windows). The closures must be written with
    /// concrete vector types (see `PairWindowLanes`).
    @inline(__always)
    static func pool(_ x: UnsafePointer<Float>, inputWidth: Int, outputHeight: Int, outputWidth: Int,
                     output: UnsafeMutablePointer<Float>, winners: UnsafeMutablePointer<Int32>,
                     wide: (SIMD16<Float>) -> SIMD16<Float>, narrow: (SIMD8<Float>) -> SIMD8<Float>,
                     single: (Float) -> Float) {
        if outputWidth >= 8 {
            rows(SIMD16<Float>.self, x, inputWidth: inputWidth, outputHeight: outputHeight, outputWidth: outputWidth,
                 output: output, winners: winners, value: wide)
        } else if outputWidth >= 4 {
            rows(SIMD8<Float>.self, x, inputWidth: inputWidth, outputHeight: outputHeight, outputWidth: outputWidth,
                 output: output, winners: winners, value: narrow)
        } else {
            for oh in 0..<outputHeight {
                let top = (2 &* oh) &* inputWidth
                for ow in 0..<outputWidth {
                    let left = top &+ 2 &* ow
                    let (a, b) = (single(x[left]), single(x[left &+ 1]))
                    let (c, d) = (single(x[left &+ inputWidth]), single(x[left &+ inputWidth &+ 1]))
                    let topBest = b > a ? b : a
                    let topIndex = b > a ? left &+ 1 : left
                    let bottomBest = d > c ? d : c
                    let bottomIndex = d > c ? left &+ inputWidth &+ 1 : left &+ inputWidth
                    output[oh &* outputWidth &+ ow] = bottomBest > topBest ? bottomBest : topBest
                    winners[oh &* outputWidth &+ ow] = Int32(truncatingIfNeeded: bottomBest > topBest ? bottomIndex : topIndex)
                }
            }
        }
    }

    /// Every row in runs of `L.Windows.scalarCount` windows; needs at least one run per row.
    @inline(__always)
    private static func rows<L: PairWindowLanes>(_: L.Type, _ x: UnsafePointer<Float>, inputWidth: Int, outputHeight: Int,
                                                 outputWidth: Int, output: UnsafeMutablePointer<Float>,
                                                 winners: UnsafeMutablePointer<Int32>, value: (L) -> L) {
        let raw = UnsafeRawPointer(x)
        let run = L.Windows.scalarCount
        for oh in 0..<outputHeight {
            let top = (2 &* oh) &* inputWidth
            let bottom = top &+ inputWidth
            let out = UnsafeMutableRawPointer(output + oh &* outputWidth)
            let win = UnsafeMutableRawPointer(winners + oh &* outputWidth)
            var ow = 0
            while true {
                if ow &+ run > outputWidth { ow = outputWidth &- run }
                let upper = value(raw.loadUnaligned(fromByteOffset: (top &+ 2 &* ow) &* 4, as: L.self))
                let lower = value(raw.loadUnaligned(fromByteOffset: (bottom &+ 2 &* ow) &* 4, as: L.self))
                let (maxima, indices) = L.windows(upper: upper, lower: lower, top: top &+ 2 &* ow, bottom: bottom &+ 2 &* ow)
                out.storeBytes(of: maxima, toByteOffset: ow &* 4, as: L.Windows.self)
                win.storeBytes(of: indices, toByteOffset: ow &* 4, as: L.Winners.self)
                ow &+= run
                if ow >= outputWidth { break }
            }
        }
    }
}
