/// The per-plane loops of `BatchNormalization`, sixteen lanes at a time.
///
/// A plain `total += x[i]` loop is not vectorised (Float addition is not reassociated), so
/// the statistics and gradient sums ran one add per cycle of latency: on cnn3's first layer at
/// batch 128 (3.2 million values) batch norm cost several times the convolution itself. Sixteen
/// partial sums (two AVX registers with `-target-cpu haswell`) make the sums memory-bound; they
/// also round less than one running sum. The element-wise formulas are the ones the layer always
/// used, in the same order, so normalized values and gradients are bitwise those of scalar code
/// given the same sums.
enum BatchNormKernels {
    typealias Lanes = SIMD16<Float>

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(p).loadUnaligned(as: Lanes.self) }

    /// Σ x over `count` values.
    @inline(__always)
    static func sum(_ x: UnsafePointer<Float>, _ count: Int) -> Float {
        var lanes = Lanes(repeating: 0)
        var i = 0
        while i + 16 <= count {
            lanes += load(x + i)
            i += 16
        }
        var total = lanes.sum()
        while i < count { total += x[i]; i += 1 }
        return total
    }

    /// Σ (x - center)² over `count` values.
    @inline(__always)
    static func squaredDeviations(_ x: UnsafePointer<Float>, _ count: Int, about center: Float) -> Float {
        var lanes = Lanes(repeating: 0)
        let c = Lanes(repeating: center)
        var i = 0
        while i + 16 <= count {
            let d = load(x + i) - c
            lanes += d * d
            i += 16
        }
        var total = lanes.sum()
        while i < count { let d = x[i] - center; total += d * d; i += 1 }
        return total
    }

    /// `out = γ·x̂ + β` with `x̂ = (x - mean)·scale`, or `max(0, γ·x̂ + β)` when `rectified`.
    @inline(__always)
    static func normalize(_ x: UnsafePointer<Float>, into out: UnsafeMutablePointer<Float>, _ count: Int,
                          mean: Float, scale: Float, gamma: Float, beta: Float, rectified: Bool) {
        let (m, s, g, b) = (Lanes(repeating: mean), Lanes(repeating: scale), Lanes(repeating: gamma), Lanes(repeating: beta))
        let zero = Lanes(repeating: 0)
        var i = 0
        if rectified {
            while i + 16 <= count {
                let h = (load(x + i) - m) * s
                let v = g * h + b
                // `Swift.max(v, 0)` lane by lane (`0 >= v ? 0 : v`: NaN kept, -0 made +0) as a select.
                UnsafeMutableRawPointer(out + i).storeBytes(of: v.replacing(with: zero, where: v .<= zero), as: Lanes.self)
                i += 16
            }
            while i < count { let h = (x[i] - mean) * scale; out[i] = Swift.max(gamma * h + beta, 0); i += 1 }
        } else {
            while i + 16 <= count {
                let h = (load(x + i) - m) * s
                UnsafeMutableRawPointer(out + i).storeBytes(of: g * h + b, as: Lanes.self)
                i += 16
            }
            while i < count { let h = (x[i] - mean) * scale; out[i] = gamma * h + beta; i += 1 }
        }
    }

    /// (Σ dy, Σ dy·x̂) with `x̂ = (x - mean)·scale` recomputed from the forward input.
    @inline(__always)
    static func gradientSums(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int,
                             mean: Float, scale: Float) -> (Float, Float) {
        let (m, s) = (Lanes(repeating: mean), Lanes(repeating: scale))
        var (a, b) = (Lanes(repeating: 0), Lanes(repeating: 0))
        var i = 0
        while i + 16 <= count {
            let g = load(dy + i)
            let h = (load(x + i) - m) * s
            a += g
            b += g * h
            i += 16
        }
        var (sa, sb) = (a.sum(), b.sum())
        while i < count { let h = (x[i] - mean) * scale; sa += dy[i]; sb += dy[i] * h; i += 1 }
        return (sa, sb)
    }

    /// `dx = coefficient·(dy - meanGradient - x̂·meanProduct)`.
    @inline(__always)
    static func inputGradient(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, _ count: Int,
                              mean: Float, scale: Float, coefficient: Float, meanGradient: Float, meanProduct: Float) {
        let (m, s, k) = (Lanes(repeating: mean), Lanes(repeating: scale), Lanes(repeating: coefficient))
        let (mg, mp) = (Lanes(repeating: meanGradient), Lanes(repeating: meanProduct))
        var i = 0
        while i + 16 <= count {
            let h = (load(x + i) - m) * s
            let g = load(dy + i)
            UnsafeMutableRawPointer(dx + i).storeBytes(of: k * (g - mg - h * mp), as: Lanes.self)
            i += 16
        }
        while i < count { let h = (x[i] - mean) * scale; dx[i] = coefficient * (dy[i] - meanGradient - h * meanProduct); i += 1 }
    }

    /// `dx = coefficient·dy` (inference-mode statistics are constants).
    @inline(__always)
    static func scaled(_ dy: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>, _ count: Int, coefficient: Float) {
        for i in 0..<count { dx[i] = coefficient * dy[i] }
    }
}
