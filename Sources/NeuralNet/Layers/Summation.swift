/// Sums of float rows for the layers' bias gradients.
enum Summation {
    /// The sum of `count` floats with eight independent partial sums (SIMD lanes).
    ///
    /// A plain `total += x[i]` loop is not vectorised (float addition is not reassociated
    /// without fast-math) and waits on each add's latency; eight lanes run ~8-30x faster. The
    /// result differs from the sequential sum only by float rounding.
    @inline(__always)
    static func total(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var index = 0
        let raw = UnsafeRawPointer(values)
        while index + 8 <= count {
            lanes += raw.loadUnaligned(fromByteOffset: index &* 4, as: SIMD8<Float>.self)
            index &+= 8
        }
        var result = lanes.sum()
        while index < count { result += values[index]; index &+= 1 }
        return result
    }
}
