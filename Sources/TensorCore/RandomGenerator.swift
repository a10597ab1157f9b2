import Foundation

/// The toolkit's seeded pseudo-random generator: xoshiro256** (Blackman & Vigna, 2018) whose
/// 256-bit state is filled from the 64-bit seed by SplitMix64, as its authors recommend.
///
/// Every random choice in Atelier (initialisation, shuffles, splits, k-means++, t-SNE) draws from
/// one of these, so the same seed gives the same result on every machine. Uniform floats take the
/// top 24 bits (exact in Float32); normals use the Box-Muller transform in Double.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    @usableFromInline var state: (UInt64, UInt64, UInt64, UInt64)
    private var spareNormal: Double?

    /// A generator whose whole sequence is determined by `seed`.
    public init(seed: UInt64) {
        var splitMix = seed
        func next() -> UInt64 {
            splitMix &+= 0x9E37_79B9_7F4A_7C15
            var z = splitMix
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        state = (next(), next(), next(), next())
    }

    /// Next 64 random bits. Inlinable so hot loops in other modules (an elastic field draws 1,568
    /// values per image) pay no call per draw.
    @inlinable
    public mutating func next() -> UInt64 {
        let result = rotateLeft(state.1 &* 5, 7) &* 9
        let t = state.1 << 17
        state.2 ^= state.0
        state.3 ^= state.1
        state.1 ^= state.2
        state.0 ^= state.3
        state.2 ^= t
        state.3 = rotateLeft(state.3, 45)
        return result
    }

    @inlinable @inline(__always) func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform Float in [0, 1).
    public mutating func uniform() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// Uniform Double in [0, 1).
    public mutating func uniformDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform Float in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * uniform() }

    /// Standard normal sample (Box-Muller; the second value of each pair is kept for the next call).
    public mutating func normal() -> Double {
        if let spare = spareNormal { spareNormal = nil; return spare }
        var u1 = uniformDouble()
        while u1 <= .leastNormalMagnitude { u1 = uniformDouble() }
        let u2 = uniformDouble()
        let radius = (-2 * Foundation.log(u1)).squareRoot()
        spareNormal = radius * Foundation.sin(2 * .pi * u2)
        return radius * Foundation.cos(2 * .pi * u2)
    }

    /// Normal sample with the given mean and standard deviation.
    public mutating func normal(mean: Float, standardDeviation: Float) -> Float {
        mean + standardDeviation * Float(normal())
    }

    /// Uniform integer in `0..<upperBound` without modulo bias (Lemire's method).
    public mutating func integer(below upperBound: Int) -> Int {
        precondition(upperBound > 0, "upperBound must be positive")
        return Int(truncatingIfNeeded: next(upperBound: UInt64(upperBound)))
    }

    /// A random permutation of `0..<count` (Fisher-Yates).
    public mutating func permutation(_ count: Int) -> [Int] {
        var indices = Array(0..<count)
        shuffle(&indices)
        return indices
    }

    /// Shuffles `array` in place (Fisher-Yates), reproducibly for a given state.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = integer(below: i + 1)
            if i != j { array.swapAt(i, j) }
        }
    }
}

extension Tensor {
    /// Uniform samples in [low, high).
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                               generator: inout RandomGenerator) -> Tensor {
        var t = Tensor.zeros(shape)
        t.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = generator.uniform(low, high) }
        }
        return t
    }

    /// Normal samples with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Float = 0, standardDeviation: Float = 1,
                              generator: inout RandomGenerator) -> Tensor {
        var t = Tensor.zeros(shape)
        t.withUnsafeMutableBufferPointer { p in
            for i in 0..<p.count { p[i] = generator.normal(mean: mean, standardDeviation: standardDeviation) }
        }
        return t
    }
}
