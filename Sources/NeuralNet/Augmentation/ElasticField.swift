import Foundation
import TensorCore

/// Simard's elastic displacement fields for a block of samples at once: uniform noise in ±1 per
/// pixel and axis, smoothed by a truncated Gaussian (zero beyond the border), times alpha.
///
/// Why matrix products: the separable smoothing of one noise image `U` (height x width) is
/// `G_h · U · G_wᵀ`, where row `i` of `G_n` (n x n) holds the normalized taps centred on `i`
/// and cut off at the image's edges, which is exactly the zero-padded convolution. Laying the
/// block's noise out as `[y][field][x]` makes both products one `sgemm` each for every field of
/// the block: `V = U · G_wᵀ` over rows `(y, field)`, then `F = alpha · G_h · V` over columns
/// `(field, x)`, with no transposes in between. For 28 x 28 and sigma 4 (25 taps) the matrices
/// are nearly dense, so the products do about the arithmetic of the direct convolution, at
/// OpenBLAS' speed instead of that of four passes over padded, transposed copies.
///
/// The noise takes two 24-bit uniforms from each 64-bit draw (xoshiro256** has no weak low
/// bits), half the generator calls of one draw per value.
struct ElasticField {
    let height, width: Int
    /// Samples per block (fields: twice as many, x and y).
    let capacity: Int
    let alpha: Float
    /// `G_h` (height x height) and `G_w` (width x width), row-major.
    let rowSmoothing, columnSmoothing: [Float]
    /// `[y][field][x]` noise (zero until drawn, so unused columns hold finite values), the
    /// half-smoothed noise and the fields (left uninitialized: every element is written by a
    /// product before it is read).
    private(set) var noise, partial, fields: [Float]

    init(height: Int, width: Int, capacity: Int, alpha: Double, taps: [Float]) {
        (self.height, self.width, self.capacity, self.alpha) = (height, width, capacity, Float(alpha))
        rowSmoothing = ElasticField.smoothingMatrix(size: height, taps: taps)
        columnSmoothing = ElasticField.smoothingMatrix(size: width, taps: taps)
        let size = height * 2 * capacity * width
        noise = [Float](repeating: 0, count: size)
        partial = [Float](unsafeUninitializedCapacity: size) { _, count in count = size }
        fields = [Float](unsafeUninitializedCapacity: size) { _, count in count = size }
    }

    /// `G[i][j] = taps[j - i + radius]` for `|j - i| <= radius`, else 0: row i of `G · v` is the
    /// truncated convolution of v at i with zeros beyond both ends.
    static func smoothingMatrix(size: Int, taps: [Float]) -> [Float] {
        let radius = taps.count / 2
        var matrix = [Float](repeating: 0, count: size * size)
        for i in 0..<size {
            for j in Swift.max(0, i - radius)...Swift.min(size - 1, i + radius) { matrix[i * size + j] = taps[j - i + radius] }
        }
        return matrix
    }

    /// Row length of the `[y][field][x]` layout.
    var rowStride: Int { 2 * capacity * width }

    /// Offset of the field of block sample `sample` on `axis` (0: x, 1: y) at row 0, column 0;
    /// its row y starts `y * rowStride` further on.
    func offset(sample: Int, axis: Int) -> Int { (2 * sample + axis) * width }

    /// Fills both noise images of block sample `sample` from `generator`: x's pixels row by row,
    /// then y's.
    mutating func drawNoise(sample: Int, generator: inout RandomGenerator) {
        let (height, width, stride) = (self.height, self.width, rowStride)
        var bits: UInt64 = 0, left = 0
        let offsets = (offset(sample: sample, axis: 0), offset(sample: sample, axis: 1))
        noise.withUnsafeMutableBufferPointer { buffer in
            for axis in 0..<2 {
                let base = buffer.baseAddress! + (axis == 0 ? offsets.0 : offsets.1)
                for y in 0..<height {
                    let row = base + y * stride
                    for x in 0..<width {
                        if left == 0 { (bits, left) = (generator.next(), 2) }
                        // The top 24 bits k give -1 + 2 k / 2^24: the values `uniform(-1, 1)` gives.
                        row[x] = Float(bits >> 40) * 0x1p-23 - 1
                        bits <<= 24
                        left -= 1
                    }
                }
            }
        }
    }

    /// Smooths the whole block's noise into `fields`: two sgemm calls on this thread. A block
    /// only partly filled smooths stale noise in its unused columns too; they are never read.
    mutating func smooth() {
        let (height, width, stride) = (self.height, self.width, rowStride)
        noise.withUnsafeBufferPointer { noise in
            partial.withUnsafeMutableBufferPointer { partial in
                fields.withUnsafeMutableBufferPointer { fields in
                    columnSmoothing.withUnsafeBufferPointer { columns in
                        rowSmoothing.withUnsafeBufferPointer { rows in
                            // V[(y, f)][x'] = Σ_x U[(y, f)][x] · G_w[x'][x]: all rows of `width` floats.
                            BLAS.sgemm(transposeA: false, transposeB: true, m: height * stride / width, n: width, k: width,
                                       a: noise.baseAddress!, leadingA: width,
                                       b: columns.baseAddress!, leadingB: width,
                                       c: partial.baseAddress!, leadingC: width)
                            // F[y'][(f, x')] = alpha · Σ_y G_h[y'][y] · V[y][(f, x')].
                            BLAS.sgemm(transposeA: false, transposeB: false, m: height, n: stride, k: height, alpha: alpha,
                                       a: rows.baseAddress!, leadingA: height,
                                       b: partial.baseAddress!, leadingB: stride,
                                       c: fields.baseAddress!, leadingC: stride)
                        }
                    }
                }
            }
        }
    }
}
