import Foundation
import TensorCore

/// Square two-dimensional complex FFT on split (real, imaginary) Float arrays, for the
/// convolutions of FFT-accelerated t-SNE. Sizes are multiples of 32 whose remaining factors are
/// 2, 3 and 5 (`FFT2D.goodSize(atLeast:)`), so a grid never has to be padded to the next power
/// of two (600 -> 640 rather than 1024: 2.6 times less work).
///
/// A pass transforms every column at once. Columns are taken in stripes of 32: a stripe is
/// copied into a contiguous scratch buffer (rows of a large power-of-two matrix sit at strides
/// that collide in cache), transformed there by Stockham autosort stages (radix 4, 2, 3 and 5,
/// no bit reversal), and copied back. Each butterfly combines whole 32-column row segments, so
/// the innermost loops are contiguous and vectorise. Stripes run on both cores. A 2-D transform
/// is a column pass, a transpose and a second column pass, so `forward` leaves the spectrum
/// transposed; `inverse` expects that layout and returns to the original one. Pointwise
/// products of spectra do not care about the layout as long as every operand uses it.
struct FFT2D: Sendable {
    let size: Int
    static let stripe = 32

    /// One Stockham stage: radix, the sub-transform length `n` it splits, and twiddles
    /// `exp(-2 pi i p k / n)` for p in 0..<n/radix, k in 1..<radix (index `p * (radix - 1) + k - 1`).
    struct Stage: Sendable {
        let radix: Int
        let length: Int
        let stride: Int
        let twiddleReal: [Float]
        let twiddleImaginary: [Float]
    }
    private let stages: [Stage]

    /// The smallest size >= `minimum` that is 32 times a product of 2, 3 and 5.
    static func goodSize(atLeast minimum: Int) -> Int {
        var best = Int.max
        var a = 1
        while 32 * a < 2 * max(minimum, 32) {
            var b = a
            while 32 * b < 2 * max(minimum, 32) {
                var c = b
                while 32 * c < 2 * max(minimum, 32) {
                    if 32 * c >= minimum { best = min(best, 32 * c) }
                    c *= 5
                }
                b *= 3
            }
            a *= 2
        }
        return best
    }

    init(size: Int) {
        precondition(size >= FFT2D.stripe && size % FFT2D.stripe == 0, "FFT size must be a multiple of 32")
        self.size = size
        var radices: [Int] = []
        var rest = size
        while rest % 4 == 0 { radices.append(4); rest /= 4 }
        while rest % 2 == 0 { radices.append(2); rest /= 2 }
        while rest % 3 == 0 { radices.append(3); rest /= 3 }
        while rest % 5 == 0 { radices.append(5); rest /= 5 }
        precondition(rest == 1, "FFT size \(size) has prime factors other than 2, 3 and 5")
        var stages: [Stage] = []
        var length = size, stride = 1
        for radix in radices {
            let m = length / radix
            var re = [Float](), im = [Float]()
            for p in 0..<m {
                for k in 1..<radix {
                    let angle = -2 * Double.pi * Double(p * k) / Double(length)
                    re.append(Float(cos(angle))); im.append(Float(sin(angle)))
                }
            }
            stages.append(Stage(radix: radix, length: length, stride: stride, twiddleReal: re, twiddleImaginary: im))
            length = m
            stride *= radix
        }
        self.stages = stages
    }

    /// Forward 2-D transform in place; the result is the transposed spectrum.
    /// - Parameter support: the input is zero outside its first `support` columns (zero padding),
    ///   so the first pass skips the columns beyond.
    func forward(real: UnsafeMutablePointer<Float>, imaginary: UnsafeMutablePointer<Float>, support: Int? = nil) {
        transformColumns(real, imaginary, inverse: false, columnLimit: support ?? size)
        transpose(real); transpose(imaginary)
        transformColumns(real, imaginary, inverse: false, columnLimit: size)
    }

    /// Inverse of `forward` (from the transposed spectrum), unscaled: the result is `size^2`
    /// times the original.
    /// - Parameter support: only the first `support` columns of the result are needed (the
    ///   others are left unfinished).
    func inverse(real: UnsafeMutablePointer<Float>, imaginary: UnsafeMutablePointer<Float>, support: Int? = nil) {
        transformColumns(real, imaginary, inverse: true, columnLimit: size)
        transpose(real); transpose(imaginary)
        transformColumns(real, imaginary, inverse: true, columnLimit: support ?? size)
    }

    /// FFT along the first axis of the first `columnLimit` columns (rounded up to whole stripes).
    func transformColumns(_ real: UnsafeMutablePointer<Float>, _ imaginary: UnsafeMutablePointer<Float>, inverse: Bool,
                          columnLimit: Int) {
        let m = size, width = FFT2D.stripe
        let re = SendablePointer(real), im = SendablePointer(imaginary)
        let plan = self
        let stripeCount = min(m, columnLimit + width - 1) / width
        Parallel.forEachChunk(stripeCount, minimumChunk: 1) { stripes in
            // Ping-pong scratch: [m rows x 32 columns], real then imaginary.
            let scratch = UnsafeMutablePointer<Float>.allocate(capacity: 4 * m * width)
            defer { scratch.deallocate() }
            for stripe in stripes {
                let c0 = stripe * width
                var sourceRe = scratch, sourceIm = scratch + m * width
                var targetRe = scratch + 2 * m * width, targetIm = scratch + 3 * m * width
                for r in 0..<m {
                    (sourceRe + r * width).update(from: re.base + r * m + c0, count: width)
                    (sourceIm + r * width).update(from: im.base + r * m + c0, count: width)
                }
                for stage in plan.stages {
                    FFT2D.apply(stage, inverse: inverse, sourceRe, sourceIm, targetRe, targetIm)
                    swap(&sourceRe, &targetRe); swap(&sourceIm, &targetIm)
                }
                for r in 0..<m {
                    (re.base + r * m + c0).update(from: sourceRe + r * width, count: width)
                    (im.base + r * m + c0).update(from: sourceIm + r * width, count: width)
                }
            }
        }
    }

    /// One Stockham (decimation in frequency) stage on rows of 32 values:
    /// `y[s (r p + k) + q] = w^(p k) sum_j x[s (p + j m) + q] omega_r^(j k)`, with q < stride.
    @inline(__always)
    static func apply(_ stage: Stage, inverse: Bool, _ xr: UnsafeMutablePointer<Float>, _ xi: UnsafeMutablePointer<Float>,
                      _ yr: UnsafeMutablePointer<Float>, _ yi: UnsafeMutablePointer<Float>) {
        let w = FFT2D.stripe
        let radix = stage.radix, m = stage.length / radix, s = stage.stride
        let sign: Float = inverse ? -1 : 1
        stage.twiddleReal.withUnsafeBufferPointer { twR in
            stage.twiddleImaginary.withUnsafeBufferPointer { twI in
                for p in 0..<m {
                    for q in 0..<s {
                        @inline(__always) func input(_ j: Int) -> Int { (s * (p + j * m) + q) * w }
                        @inline(__always) func output(_ k: Int) -> Int { (s * (radix * p + k) + q) * w }
                        @inline(__always) func twiddle(_ k: Int) -> (Float, Float) {
                            (twR[p * (radix - 1) + k - 1], sign * twI[p * (radix - 1) + k - 1])
                        }
                        switch radix {
                        case 2:
                            let a = input(0), b = input(1), o0 = output(0), o1 = output(1)
                            let (c1, s1) = twiddle(1)
                            for c in 0..<w {
                                let ar = xr[a + c], ai = xi[a + c], br = xr[b + c], bi = xi[b + c]
                                yr[o0 + c] = ar + br; yi[o0 + c] = ai + bi
                                let dr = ar - br, di = ai - bi
                                yr[o1 + c] = dr * c1 - di * s1; yi[o1 + c] = dr * s1 + di * c1
                            }
                        case 4:
                            let i0 = input(0), i1 = input(1), i2 = input(2), i3 = input(3)
                            let o0 = output(0), o1 = output(1), o2 = output(2), o3 = output(3)
                            let (c1, s1) = twiddle(1), (c2, s2) = twiddle(2), (c3, s3) = twiddle(3)
                            for c in 0..<w {
                                let a0r = xr[i0 + c], a0i = xi[i0 + c], a1r = xr[i1 + c], a1i = xi[i1 + c]
                                let a2r = xr[i2 + c], a2i = xi[i2 + c], a3r = xr[i3 + c], a3i = xi[i3 + c]
                                let t0r = a0r + a2r, t0i = a0i + a2i, t1r = a0r - a2r, t1i = a0i - a2i
                                let t2r = a1r + a3r, t2i = a1i + a3i
                                // (a1 - a3) times -i (forward) or +i (inverse).
                                let t3r = sign * (a1i - a3i), t3i = -sign * (a1r - a3r)
                                yr[o0 + c] = t0r + t2r; yi[o0 + c] = t0i + t2i
                                let y1r = t1r + t3r, y1i = t1i + t3i
                                let y2r = t0r - t2r, y2i = t0i - t2i
                                let y3r = t1r - t3r, y3i = t1i - t3i
                                yr[o1 + c] = y1r * c1 - y1i * s1; yi[o1 + c] = y1r * s1 + y1i * c1
                                yr[o2 + c] = y2r * c2 - y2i * s2; yi[o2 + c] = y2r * s2 + y2i * c2
                                yr[o3 + c] = y3r * c3 - y3i * s3; yi[o3 + c] = y3r * s3 + y3i * c3
                            }
                        default:
                            // Small odd radix (3 or 5): direct DFT of the radix inputs.
                            for k in 0..<radix {
                                let o = output(k)
                                let (tc, ts) = k == 0 ? (Float(1), Float(0)) : twiddle(k)
                                for c in 0..<w { yr[o + c] = 0; yi[o + c] = 0 }
                                for j in 0..<radix {
                                    let angle = -2 * Double.pi * Double((j * k) % radix) / Double(radix)
                                    let wr = Float(cos(angle)), wi = sign * Float(sin(angle))
                                    let a = input(j)
                                    for c in 0..<w {
                                        let xrv = xr[a + c], xiv = xi[a + c]
                                        yr[o + c] += xrv * wr - xiv * wi; yi[o + c] += xrv * wi + xiv * wr
                                    }
                                }
                                for c in 0..<w {
                                    let vr = yr[o + c], vi = yi[o + c]
                                    yr[o + c] = vr * tc - vi * ts; yi[o + c] = vr * ts + vi * tc
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// In-place transpose of the `size x size` matrix, in 32 x 32 tiles.
    func transpose(_ matrix: UnsafeMutablePointer<Float>) {
        let m = size, tile = 32
        let p = SendablePointer(matrix)
        let tiles = m / tile
        // Tile row k and tiles - 1 - k share a task, so both cores get equal work.
        Parallel.forEachChunk((tiles + 1) / 2, minimumChunk: 1) { pairs in
            for ti in pairs.flatMap({ $0 == tiles - 1 - $0 ? [$0] : [$0, tiles - 1 - $0] }) {
                for tj in ti..<(m / tile) {
                    for i in (ti * tile)..<(ti * tile + tile) {
                        let jStart = ti == tj ? i + 1 : tj * tile
                        for j in jStart..<(tj * tile + tile) {
                            let t = p.base[i * m + j]; p.base[i * m + j] = p.base[j * m + i]; p.base[j * m + i] = t
                        }
                    }
                }
            }
        }
    }
}
