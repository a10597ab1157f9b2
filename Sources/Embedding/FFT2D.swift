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
    static func apply(_ stage: Stage, inverse: Bool, _ xr: UnsafeMutablePointer<Float>, _ xi: UnsafeMutablePointer<Float>,
                      _ yr: UnsafeMutablePointer<Float>, _ yi: UnsafeMutablePointer<Float>) {
        let w = FFT2D.stripe
        let radix = stage.radix, m = stage.length / radix, s = stage.stride
        let sign: Float = inverse ? -1 : 1
        let inputStep = s * m * w          // distance between the radix inputs
        let outputStep = s * w             // distance between the radix outputs
        stage.twiddleReal.withUnsafeBufferPointer { twR in
            stage.twiddleImaginary.withUnsafeBufferPointer { twI in
                switch radix {
                case 2:
                    for p in 0..<m {
                        let c1 = twR[p], s1 = sign * twI[p]
                        for q in 0..<s {
                            let a = (s * p + q) * w, o = (s * 2 * p + q) * w
                            let ar = xr + a, ai = xi + a, br = xr + a + inputStep, bi = xi + a + inputStep
                            let y0r = yr + o, y0i = yi + o, y1r = yr + o + outputStep, y1i = yi + o + outputStep
                            for c in 0..<w {
                                let dr = ar[c] - br[c], di = ai[c] - bi[c]
                                y0r[c] = ar[c] + br[c]; y0i[c] = ai[c] + bi[c]
                                y1r[c] = dr * c1 - di * s1; y1i[c] = dr * s1 + di * c1
                            }
                        }
                    }
                case 4:
                    for p in 0..<m {
                        let c1 = twR[3 * p], s1 = sign * twI[3 * p]
                        let c2 = twR[3 * p + 1], s2 = sign * twI[3 * p + 1]
                        let c3 = twR[3 * p + 2], s3 = sign * twI[3 * p + 2]
                        for q in 0..<s {
                            let a = (s * p + q) * w, o = (s * 4 * p + q) * w
                            let x0r = xr + a, x0i = xi + a
                            let x1r = x0r + inputStep, x1i = x0i + inputStep
                            let x2r = x1r + inputStep, x2i = x1i + inputStep
                            let x3r = x2r + inputStep, x3i = x2i + inputStep
                            let y0r = yr + o, y0i = yi + o
                            let y1r = y0r + outputStep, y1i = y0i + outputStep
                            let y2r = y1r + outputStep, y2i = y1i + outputStep
                            let y3r = y2r + outputStep, y3i = y2i + outputStep
                            for c in 0..<w {
                                let t0r = x0r[c] + x2r[c], t0i = x0i[c] + x2i[c]
                                let t1r = x0r[c] - x2r[c], t1i = x0i[c] - x2i[c]
                                let t2r = x1r[c] + x3r[c], t2i = x1i[c] + x3i[c]
                                // (x1 - x3) times -i (forward) or +i (inverse).
                                let t3r = sign * (x1i[c] - x3i[c]), t3i = -sign * (x1r[c] - x3r[c])
                                y0r[c] = t0r + t2r; y0i[c] = t0i + t2i
                                let u1r = t1r + t3r, u1i = t1i + t3i
                                let u2r = t0r - t2r, u2i = t0i - t2i
                                let u3r = t1r - t3r, u3i = t1i - t3i
                                y1r[c] = u1r * c1 - u1i * s1; y1i[c] = u1r * s1 + u1i * c1
                                y2r[c] = u2r * c2 - u2i * s2; y2i[c] = u2r * s2 + u2i * c2
                                y3r[c] = u3r * c3 - u3i * s3; y3i[c] = u3r * s3 + u3i * c3
                            }
                        }
                    }
                case 3:
                    let half: Float = 0.5, rootHalf = sign * Float(3.0.squareRoot() / 2)
                    for p in 0..<m {
                        let c1 = twR[2 * p], s1 = sign * twI[2 * p], c2 = twR[2 * p + 1], s2 = sign * twI[2 * p + 1]
                        for q in 0..<s {
                            let a = (s * p + q) * w, o = (s * 3 * p + q) * w
                            let x0r = xr + a, x0i = xi + a
                            let x1r = x0r + inputStep, x1i = x0i + inputStep
                            let x2r = x1r + inputStep, x2i = x1i + inputStep
                            let y0r = yr + o, y0i = yi + o
                            let y1r = y0r + outputStep, y1i = y0i + outputStep
                            let y2r = y1r + outputStep, y2i = y1i + outputStep
                            for c in 0..<w {
                                let sr = x1r[c] + x2r[c], si = x1i[c] + x2i[c]
                                let dr = x1r[c] - x2r[c], di = x1i[c] - x2i[c]
                                let mr = x0r[c] - half * sr, mi = x0i[c] - half * si
                                // y1 = m - i (sqrt3/2) d, y2 = m + i (sqrt3/2) d (forward).
                                let u1r = mr + rootHalf * di, u1i = mi - rootHalf * dr
                                let u2r = mr - rootHalf * di, u2i = mi + rootHalf * dr
                                y0r[c] = x0r[c] + sr; y0i[c] = x0i[c] + si
                                y1r[c] = u1r * c1 - u1i * s1; y1i[c] = u1r * s1 + u1i * c1
                                y2r[c] = u2r * c2 - u2i * s2; y2i[c] = u2r * s2 + u2i * c2
                            }
                        }
                    }
                default:
                    // Radix 5: direct DFT of the five inputs with a precomputed root table.
                    var rootReal = [Float](repeating: 0, count: radix * radix), rootImaginary = rootReal
                    for j in 0..<radix { for k in 0..<radix {
                        let angle = -2 * Double.pi * Double((j * k) % radix) / Double(radix)
                        rootReal[j * radix + k] = Float(cos(angle)); rootImaginary[j * radix + k] = sign * Float(sin(angle))
                    } }
                    for p in 0..<m {
                        for q in 0..<s {
                            let a = (s * p + q) * w, o = (s * radix * p + q) * w
                            for k in 0..<radix {
                                let outR = yr + o + k * outputStep, outI = yi + o + k * outputStep
                                for c in 0..<w { outR[c] = 0; outI[c] = 0 }
                                for j in 0..<radix {
                                    let wr = rootReal[j * radix + k], wi = rootImaginary[j * radix + k]
                                    let inR = xr + a + j * inputStep, inI = xi + a + j * inputStep
                                    for c in 0..<w {
                                        outR[c] += inR[c] * wr - inI[c] * wi; outI[c] += inR[c] * wi + inI[c] * wr
                                    }
                                }
                                if k > 0 {
                                    let tc = twR[p * (radix - 1) + k - 1], ts = sign * twI[p * (radix - 1) + k - 1]
                                    for c in 0..<w {
                                        let vr = outR[c], vi = outI[c]
                                        outR[c] = vr * tc - vi * ts; outI[c] = vr * ts + vi * tc
                                    }
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
