/// The logistic function on eight lanes at a time, for `Sigmoid.forward`.
///
/// A scalar `expf` call per element is not vectorised by the compiler and was ~10 % of an
/// autoencoder epoch (its 128x784 output layer). This uses Cephes' single-precision `expf`
/// polynomial (range reduction by ln 2 in two parts, degree-5 polynomial, scale by 2ⁿ through
/// the exponent bits; relative error a few ulp), the method vectorised libraries use. It
/// evaluates `e = exp(-|x|) ∈ (0, 1]` only, so nothing overflows, and returns `1 / (1 + e)` for
/// x ≥ 0 and `e / (1 + e)` otherwise. Arguments below -87 are clamped there (e ≈ 1.6e-38, far
/// below Float's resolution next to 1, and not subnormal). Only plain lane-wise arithmetic and
/// bit casts are used: generic SIMD conversions (`rounded`, Float -> Int32) compile to per-lane code.
enum VectorLogistic {
    typealias Lanes = SIMD8<Float>

    /// 1.5 · 2²³: adding it rounds a float of magnitude < 2²² to an integer held in the low
    /// mantissa bits.
    private static let roundingMagic: Float = 12_582_912

    @inline(__always)
    static func exponentOfNonPositive(_ argument: Lanes) -> Lanes {
        let x = argument.replacing(with: -87, where: argument .< -87)
        // n = round(x / ln 2), r = x - n ln 2 with ln 2 split in two (Cephes C1, C2).
        let shifted = x * 1.44269504088896341 + roundingMagic
        let n = shifted - roundingMagic
        let r = x - n * 0.693359375 + n * 2.12194440e-4
        var p = Lanes(repeating: 1.9875691500e-4)
        p = p * r + 1.3981999507e-3
        p = p * r + 8.3334519073e-3
        p = p * r + 4.1665795894e-2
        p = p * r + 1.6666665459e-1
        p = p * r + 5.0000001201e-1
        let y = p * (r * r) + r + 1
        // 2ⁿ: n ∈ [-126, 0], so n + 127 ∈ [1, 127] sits in the low mantissa bits of
        // `shifted + 127`; shifting left by 23 moves it into the exponent and drops the rest.
        let bits = unsafeBitCast(shifted + 127, to: SIMD8<Int32>.self) &<< 23
        return y * unsafeBitCast(bits, to: Lanes.self)
    }

    /// `1 / (1 + exp(-x))` for every lane.
    @inline(__always)
    static func logistic(_ x: Lanes) -> Lanes {
        let negative = x .< 0
        let e = exponentOfNonPositive(x.replacing(with: -x, where: .!negative))
        let denominator = 1 + e
        return (1 / denominator).replacing(with: e / denominator, where: negative)
    }

    /// `output[i] = logistic(input[i])` for `i` in `range`; the tail uses the scalar formula.
    static func apply(_ range: Range<Int>, input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        let width = Lanes.scalarCount
        var i = range.lowerBound
        while i + width <= range.upperBound {
            let offset = i &* MemoryLayout<Float>.stride
            let x = UnsafeRawPointer(input).loadUnaligned(fromByteOffset: offset, as: Lanes.self)
            UnsafeMutableRawPointer(output).storeBytes(of: logistic(x), toByteOffset: offset, as: Lanes.self)
            i &+= width
        }
        while i < range.upperBound {
            output[i] = Sigmoid.logistic(input[i])
            i &+= 1
        }
    }
}
