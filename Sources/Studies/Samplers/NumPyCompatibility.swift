import TensorCore

/// The few NumPy routines whose exact arithmetic Optuna's samplers depend on, so that a seeded
/// Atelier sampler proposes what the same Optuna sampler proposes, to the last bits (NumPy's
/// SIMD `exp` and `log` may round an ulp differently from glibc's; see `SamplerStreams`).
enum NumPy {
    /// `numpy.sum` of a float64 vector: pairwise summation in blocks of 128 with eight partial
    /// sums (NumPy's `pairwise_sum`), which rounds differently from a running sum.
    static func sum(_ values: ArraySlice<Double>) -> Double {
        let n = values.count
        let start = values.startIndex
        if n < 8 {
            var result = 0.0
            for value in values { result += value }
            return result
        }
        if n <= 128 {
            var r = Array(values[start..<start + 8])
            var i = 8
            while i < n - n % 8 {
                for j in 0..<8 { r[j] += values[start + i + j] }
                i += 8
            }
            var result = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))
            while i < n {
                result += values[start + i]
                i += 1
            }
            return result
        }
        var half = n / 2
        half -= half % 8
        return sum(values[start..<start + half]) + sum(values[(start + half)...])
    }

    static func sum(_ values: [Double]) -> Double { sum(values[...]) }
}

extension MersenneTwister {
    /// `RandomState.choice(len(p), p=p, size=count)`: the running sum of `p` scaled to end at 1,
    /// searched (`side="right"`) with `count` uniform draws.
    mutating func choice(probabilities p: [Double], count: Int) -> [Int] {
        var cdf = [Double](repeating: 0, count: p.count)
        var running = 0.0
        for (i, value) in p.enumerated() {
            running += value
            cdf[i] = running
        }
        let last = cdf[cdf.count - 1]
        for i in cdf.indices { cdf[i] /= last }
        return (0..<count).map { _ in
            let u = randomSample()
            // The number of entries <= u (binary search over a non-decreasing array).
            var low = 0, high = cdf.count
            while low < high {
                let mid = (low + high) / 2
                if cdf[mid] <= u { low = mid + 1 } else { high = mid }
            }
            return min(low, cdf.count - 1)
        }
    }
}
