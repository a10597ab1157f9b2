import Foundation
import TensorCore

/// Square two-dimensional complex FFT of power-of-two size on split (real, imaginary) Float
/// arrays, for the convolutions of FFT-accelerated t-SNE.
///
/// Each pass transforms every column at once (radix-2, decimation in time): a butterfly combines
/// two whole row segments, so the innermost loop runs over contiguous columns and vectorises.
/// Columns are processed in stripes of 32 so that a stripe (M x 32 complex values) stays in
/// cache for all log2(M) stages; stripes run on both cores. A 2-D transform is a column pass, a
/// transpose, and a second column pass, so `forward` leaves the spectrum transposed; `inverse`
/// expects that layout and returns to the original one. Pointwise products of spectra do not
/// care about the layout as long as every operand uses it.
struct FFT2D: Sendable {
    let size: Int
    private let twiddleReal: [Float]
    private let twiddleImaginary: [Float]
    private let reversed: [Int]
    static let stripe = 32

    init(size: Int) {
        precondition(size >= FFT2D.stripe && size & (size - 1) == 0, "FFT size must be a power of two >= 32")
        self.size = size
        var real = [Float](), imaginary = [Float]()
        for k in 0..<(size / 2) {
            let angle = -2 * Double.pi * Double(k) / Double(size)
            real.append(Float(cos(angle))); imaginary.append(Float(sin(angle)))
        }
        twiddleReal = real
        twiddleImaginary = imaginary
        let bits = size.trailingZeroBitCount
        reversed = (0..<size).map { value in
            var result = 0, v = value
            for _ in 0..<bits { result = (result << 1) | (v & 1); v >>= 1 }
            return result
        }
    }

    /// Forward 2-D transform in place; the result is the transposed spectrum.
    func forward(real: UnsafeMutablePointer<Float>, imaginary: UnsafeMutablePointer<Float>) {
        transformColumns(real, imaginary, inverse: false)
        transpose(real); transpose(imaginary)
        transformColumns(real, imaginary, inverse: false)
    }

    /// Inverse of `forward` (from the transposed spectrum), unscaled: the result is `size^2`
    /// times the original.
    func inverse(real: UnsafeMutablePointer<Float>, imaginary: UnsafeMutablePointer<Float>) {
        transformColumns(real, imaginary, inverse: true)
        transpose(real); transpose(imaginary)
        transformColumns(real, imaginary, inverse: true)
    }

    /// FFT along the first axis of every column of the `size x size` matrix.
    func transformColumns(_ real: UnsafeMutablePointer<Float>, _ imaginary: UnsafeMutablePointer<Float>, inverse: Bool) {
        let m = size, width = FFT2D.stripe
        let re = SendablePointer(real), im = SendablePointer(imaginary)
        let plan = self
        Parallel.forEachChunk(m / width, minimumChunk: 1) { stripes in
            plan.twiddleReal.withUnsafeBufferPointer { twR in
                plan.twiddleImaginary.withUnsafeBufferPointer { twI in
                    for stripe in stripes {
                        let c0 = stripe * width
                        for r in 0..<m {
                            let s = plan.reversed[r]
                            if r < s {
                                let a = r * m + c0, b = s * m + c0
                                for c in 0..<width {
                                    let tr = re.base[a + c]; re.base[a + c] = re.base[b + c]; re.base[b + c] = tr
                                    let ti = im.base[a + c]; im.base[a + c] = im.base[b + c]; im.base[b + c] = ti
                                }
                            }
                        }
                        var half = 1
                        while half < m {
                            let step = m / (2 * half)
                            for group in stride(from: 0, to: m, by: 2 * half) {
                                for j in 0..<half {
                                    let wr = twR[j * step]
                                    let wi = inverse ? -twI[j * step] : twI[j * step]
                                    let a = (group + j) * m + c0, b = a + half * m
                                    let ar = re.base + a, ai = im.base + a, br = re.base + b, bi = im.base + b
                                    for c in 0..<width {
                                        let xr = br[c], xi = bi[c]
                                        let tr = wr * xr - wi * xi
                                        let ti = wr * xi + wi * xr
                                        br[c] = ar[c] - tr; bi[c] = ai[c] - ti
                                        ar[c] += tr; ai[c] += ti
                                    }
                                }
                            }
                            half *= 2
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
